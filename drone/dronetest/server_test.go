package dronetest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// The comparison must catch a wrong value, a missing field and a wrong order.
func TestCompareDetectsDifferences(t *testing.T) {
	want := []byte(`{"a":1,"b":{"c":"x"},"created":5}`)
	cases := map[string][]byte{
		"value":   []byte(`{"a":2,"b":{"c":"x"},"created":5}`),
		"missing": []byte(`{"a":1,"b":{},"created":5}`),
		"type":    []byte(`{"a":"1","b":{"c":"x"},"created":5}`),
	}
	for name, got := range cases {
		var w, g any
		_ = json.Unmarshal(want, &w)
		_ = json.Unmarshal(got, &g)
		if len(diffJSON("$", w, g, false)) == 0 {
			t.Errorf("%s: difference not found", name)
		}
	}
	if got := keyOrder(t, []byte(`{"b":{"c":1},"a":[{"d":2}]}`)); strings.Join(got, ",") != "b,c,a,d" {
		t.Errorf("keyOrder = %v", got)
	}
}

func TestRunnerChunksReassemble(t *testing.T) {
	var lines []string
	for i := range 40 {
		lines = append(lines, "line "+itoa(int64(i))+" with some text")
	}
	chunks := runnerChunks(lines)
	empty, multi, split := 0, 0, 0
	for _, c := range chunks {
		switch {
		case c == "":
			empty++
		case strings.Count(c, "\n") > 1:
			multi++
		case !strings.HasSuffix(c, "\n"):
			split++
		}
	}
	if empty == 0 || multi == 0 || split == 0 {
		t.Errorf("chunks too regular: %d empty, %d multi-line, %d split", empty, multi, split)
	}
	if got := strings.Join(chunks, ""); got != strings.Join(lines, "\n")+"\n" {
		t.Errorf("reassembled log differs:\n%s", got)
	}
}

func TestFailSetDownSetDelayAndRequests(t *testing.T) {
	for _, d := range []drone.Dialect{drone.DialectV1, drone.DialectV08} {
		t.Run(string(d), func(t *testing.T) {
			s := New(d)
			defer s.Close()
			s.Fail("GET", "/api/user", http.StatusBadGateway, 2)
			for range 2 {
				got := call(t, s, "GET", "/api/user", withToken)
				if got.status != http.StatusBadGateway {
					t.Fatalf("status = %d, want 502", got.status)
				}
				wantBody := `{"message":"Bad Gateway"}` + "\n"
				if d == drone.DialectV08 {
					wantBody = "Bad Gateway"
				}
				if string(got.body) != wantBody {
					t.Errorf("fault body = %q, want %q", got.body, wantBody)
				}
			}
			if got := call(t, s, "GET", "/api/user", withToken); got.status != 200 {
				t.Errorf("after the faults: %d", got.status)
			}

			s.Fail("", "/version", 0, 1)
			// No reused connections: the client would silently retry a GET on a
			// fresh one when a reused one closes.
			hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			if _, err := hc.Get(s.URL + "/version"); err == nil {
				t.Error("status 0 fault: request succeeded")
			}
			s.SetDown(true)
			if _, err := hc.Get(s.URL + "/version"); err == nil {
				t.Error("down: request succeeded")
			}
			s.SetDown(false)

			s.SetDelay(time.Minute)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/version", nil)
			if _, err := hc.Do(req); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("delay: err = %v, want deadline exceeded", err)
			}
			s.SetDelay(0)

			s.ResetRequests()
			call(t, s, "GET", "/api/user?access_token="+s.Token, noToken)
			call(t, s, "GET", "/api/user", badToken)
			reqs := s.Requests()
			if len(reqs) != 2 || !reqs[0].Authorized || reqs[1].Authorized || reqs[0].Path != "/api/user" {
				t.Fatalf("requests = %+v", reqs)
			}
			if strings.Contains(reqs[0].RawQuery, s.Token) || reqs[0].RawQuery != "access_token=REDACTED" {
				t.Errorf("token not redacted: %q", reqs[0].RawQuery)
			}
		})
	}
}

// TestWebhookSignatures signs every recorded delivery's body with its Date
// and the recorded secret: Digest and Signature must come out as recorded,
// and change when a byte of the body or the Date does.
func TestWebhookSignatures(t *testing.T) {
	const secret = "985336ce425abc7483de804257f8428e"
	dir := filepath.Join(fixturesDir, dirV1, "webhooks")
	bodies, err := filepath.Glob(filepath.Join(dir, "*.body.json"))
	if err != nil || len(bodies) == 0 {
		t.Fatalf("no recorded webhooks in %s: %v", dir, err)
	}
	for _, bodyFile := range bodies {
		body, err := os.ReadFile(bodyFile)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(strings.TrimSuffix(bodyFile, ".body.json") + ".headers.txt")
		if err != nil {
			t.Fatal(err)
		}
		rec := http.Header{}
		for _, line := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), ": "); ok {
				rec.Set(k, v)
			}
		}
		date, err := http.ParseTime(rec.Get("Date"))
		if err != nil {
			t.Fatalf("%s: date: %v", bodyFile, err)
		}
		got := SignWebhook(secret, body, date)
		for _, k := range []string{"Date", "Digest", "Signature", "X-Drone-Event", "Content-Type"} {
			if got.Get(k) != rec.Get(k) {
				t.Errorf("%s: %s = %q, want %q", filepath.Base(bodyFile), k, got.Get(k), rec.Get(k))
			}
		}
		tampered := append([]byte(nil), body...)
		tampered[len(tampered)/2] ^= 1
		if SignWebhook(secret, tampered, date).Get("Signature") == rec.Get("Signature") {
			t.Errorf("%s: signature survives a changed body", filepath.Base(bodyFile))
		}
		if SignWebhook(secret, body, date.Add(time.Second)).Get("Signature") == rec.Get("Signature") {
			t.Errorf("%s: signature survives a changed date", filepath.Base(bodyFile))
		}
	}
}

// The payload of the last recorded delivery (build 7 finished) comes out the
// same from the fake's state.
func TestWebhookPayloadShape(t *testing.T) {
	s := newV1World(t)
	advanceV1(t, s, 7)
	want, err := os.ReadFile(filepath.Join(fixturesDir, dirV1, "webhooks", "055_build_updated.body.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := s.WebhookPayload(helloV1, 7, "updated")
	assertMatches(t, recorded{status: 200, body: want}, recorded{status: 200, body: got}, false)
	created := s.WebhookPayload(helloV1, 7, "created")
	var p map[string]any
	if err := json.Unmarshal(created, &p); err != nil {
		t.Fatal(err)
	}
	if _, ok := p["user"]; !ok || p["build"].(map[string]any)["stages"] != nil {
		t.Errorf("build:created payload: user missing or stages present: %s", created)
	}
}
