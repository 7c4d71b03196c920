package dronetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fixturesDir holds the responses recorded from real Drone servers (see its READMEs).
const fixturesDir = "../testdata"

// recorded is one recorded answer.
type recorded struct {
	status      int
	contentType string
	body        []byte
}

func loadFixture(t *testing.T, dialectDir, name string) recorded {
	t.Helper()
	base := filepath.Join(fixturesDir, dialectDir, name)
	body, err := os.ReadFile(base + ".json")
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	statusText, err := os.ReadFile(base + ".status")
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	status, err := strconv.Atoi(strings.TrimSpace(string(statusText)))
	if err != nil {
		t.Fatalf("fixture %s status: %v", name, err)
	}
	headers, err := os.ReadFile(base + ".headers.txt")
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	rec := recorded{status: status, body: body}
	sc := bufio.NewScanner(bytes.NewReader(headers))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimRight(sc.Text(), "\r"), ":")
		if ok && strings.EqualFold(k, "Content-Type") {
			rec.contentType = strings.TrimSpace(v)
		}
	}
	return rec
}

// token modes for requests.
const (
	withToken = "good"
	badToken  = "bad"
	noToken   = ""
)

// call sends one request to the fake and returns its answer.
func call(t *testing.T, s *Server, method, path, token string) recorded {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	switch token {
	case withToken:
		req.Header.Set("Authorization", "Bearer "+s.Token)
	case badToken:
		req.Header.Set("Authorization", "Bearer not-the-token")
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return recorded{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: body}
}

// mustCall is call that also insists on a status.
func mustCall(t *testing.T, s *Server, method, path string, status int) []byte {
	t.Helper()
	got := call(t, s, method, path, withToken)
	if got.status != status {
		t.Fatalf("%s %s = %d %s, want %d", method, path, got.status, got.body, status)
	}
	return got.body
}

// timeKeys hold clock readings and database counters, which differ from run
// to run; for them only the presence and JSON type are compared.
var timeKeys = map[string]bool{
	"created": true, "updated": true, "started": true, "finished": true, "stopped": true,
	"synced": true, "last_login": true, "version": true, "machine": true, "link": true,
	"git_ssh_url": true, "enqueued_at": true, "created_at": true, "started_at": true,
	"finished_at": true, "start_time": true, "end_time": true, "timestamp": true, "link_url": true,
	"host": true,                   // a webhook's system.host is the fake's own address
	"uuid": true, "reviewed": true, // Woodpecker: a step's random ULID, the review time
}

// assertMatches compares the fake's answer with the recording: status and
// Content-Type always; error and non-JSON bodies byte for byte; JSON bodies
// by field names, their order, value types and values (except timeKeys).
func assertMatches(t *testing.T, want, got recorded, exact bool) {
	t.Helper()
	if got.status != want.status {
		t.Errorf("status = %d, want %d (body %q)", got.status, want.status, got.body)
	}
	if got.contentType != want.contentType {
		t.Errorf("Content-Type = %q, want %q", got.contentType, want.contentType)
	}
	isJSON := len(want.body) > 0 && (want.body[0] == '{' || want.body[0] == '[')
	if exact || want.status >= 400 || !isJSON {
		if !bytes.Equal(got.body, want.body) {
			t.Errorf("body =\n%s\nwant\n%s", got.body, want.body)
		}
		return
	}
	var g, w any
	if err := json.Unmarshal(got.body, &g); err != nil {
		t.Fatalf("fake body is not JSON: %v: %s", err, got.body)
	}
	if err := json.Unmarshal(want.body, &w); err != nil {
		t.Fatalf("fixture body is not JSON: %v", err)
	}
	for _, d := range diffJSON("$", w, g, false) {
		t.Error(d)
	}
	if gk, wk := keyOrder(t, got.body), keyOrder(t, want.body); !reflect.DeepEqual(gk, wk) && len(gk) == len(wk) {
		t.Errorf("field order differs:\n got %v\nwant %v", gk, wk)
	}
	if got.body[len(got.body)-1] != want.body[len(want.body)-1] {
		t.Errorf("body ends with %q, want %q", got.body[len(got.body)-1:], want.body[len(want.body)-1:])
	}
}

// diffJSON lists the differences between want and got.
func diffJSON(path string, want, got any, typeOnly bool) []string {
	if reflect.TypeOf(want) != reflect.TypeOf(got) {
		return []string{fmt.Sprintf("%s: type %T, want %T (%v)", path, got, want, want)}
	}
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for _, k := range sortedKeys(w) {
			if _, ok := g[k]; !ok {
				out = append(out, fmt.Sprintf("%s: field %q missing", path, k))
				continue
			}
			out = append(out, diffJSON(path+"."+k, w[k], g[k], typeOnly || timeKeys[k])...)
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s: extra field %q", path, k))
			}
		}
	case []any:
		g := got.([]any)
		if len(g) != len(w) {
			return []string{fmt.Sprintf("%s: %d elements, want %d", path, len(g), len(w))}
		}
		for i := range w {
			out = append(out, diffJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], typeOnly)...)
		}
	default:
		if !typeOnly && !reflect.DeepEqual(want, got) {
			out = append(out, fmt.Sprintf("%s = %v, want %v", path, got, want))
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// keyOrder lists every object key in document order.
func keyOrder(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	var keys []string
	type frame struct{ object, wantKey bool }
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return keys
		}
		if err != nil {
			t.Fatalf("tokens: %v", err)
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top >= 0 && stack[top].object {
					stack[top].wantKey = true
				}
				stack = append(stack, frame{object: d == '{', wantKey: d == '{'})
			default:
				stack = stack[:top]
			}
			continue
		}
		if top >= 0 && stack[top].object {
			if stack[top].wantKey {
				keys = append(keys, tok.(string))
			}
			stack[top].wantKey = !stack[top].wantKey
		}
	}
}

// replay runs one request against the fake and compares it with a fixture.
func replay(t *testing.T, s *Server, dir, fixture, method, path, token string) {
	t.Helper()
	want := loadFixture(t, dir, fixture)
	got := call(t, s, method, path, token)
	assertMatches(t, want, got, false)
}

// fixtureChunks reads a recorded 1.x or 0.8 log into chunks and times.
func fixtureChunks(t *testing.T, dir, name string) ([]string, []int) {
	t.Helper()
	var lines []struct {
		Out  string `json:"out"`
		Time int    `json:"time"`
	}
	if err := json.Unmarshal(loadFixture(t, dir, name).body, &lines); err != nil {
		t.Fatalf("log fixture %s: %v", name, err)
	}
	chunks, times := []string{}, []int{}
	for _, l := range lines {
		chunks, times = append(chunks, l.Out), append(times, l.Time)
	}
	return chunks, times
}
