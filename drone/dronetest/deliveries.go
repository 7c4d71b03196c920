package dronetest

import (
	"bufio"
	"fmt"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Delivery is one recorded Drone webhook request: its headers (Date,
// Digest, Signature, X-Drone-Event ...) and its body.
type Delivery struct {
	Name   string
	Header http.Header
	Body   []byte
	Date   time.Time
}

// LoadDeliveries reads the recorded deliveries in dir (NNN_event_action
// .body.json and .headers.txt pairs, as in drone/testdata/drone-2.25/
// webhooks) in the order Drone sent them.
func LoadDeliveries(dir string) ([]Delivery, error) {
	bodies, err := filepath.Glob(filepath.Join(dir, "*.body.json"))
	if err != nil || len(bodies) == 0 {
		return nil, fmt.Errorf("no recorded webhooks in %s (%v)", dir, err)
	}
	sort.Strings(bodies)
	var out []Delivery
	for _, bodyPath := range bodies {
		body, err := os.ReadFile(bodyPath)
		if err != nil {
			return nil, err
		}
		h, err := readHeaders(strings.TrimSuffix(bodyPath, ".body.json") + ".headers.txt")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", bodyPath, err)
		}
		date, err := http.ParseTime(h.Get("Date"))
		if err != nil {
			return nil, fmt.Errorf("%s: date: %w", bodyPath, err)
		}
		out = append(out, Delivery{Name: filepath.Base(bodyPath), Header: h, Body: body, Date: date})
	}
	return out, nil
}

// readHeaders parses a recorded request head: the request line, then
// MIME headers.
func readHeaders(path string) (http.Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := textproto.NewReader(bufio.NewReader(f))
	if _, err := r.ReadLine(); err != nil {
		return nil, err
	}
	mh, err := r.ReadMIMEHeader()
	if err != nil && len(mh) == 0 {
		return nil, err
	}
	return http.Header(mh), nil
}
