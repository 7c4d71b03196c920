package dronetest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// The recorded Woodpecker 3.17 session (see woodpecker-3.17/README.md and
// its INDEX.log): the contract test replays it in order, driving the fake
// through the same pipelines, and compares every recorded answer.
const (
	dirWP      = "woodpecker-3.17"
	helloWP    = "octo/hello-wp"
	secretWP   = "octo/secret-stuff"
	scratchWP  = "octo/scratch"
	apiWP      = "/api/repos/1"
	pushEmail  = "octo@noreply.127.0.0.1"
	shaPush1   = "e084360e52ad492760d298e57fe9624895f2affd"
	forgeWP    = "http://127.0.0.1:3000"
	oauthWP    = "67666ea0-17fd-4bfc-a5df-b9bc4b4b3111"
	recordDate = "2026-12-04T"
)

// wpClock is the fake's clock, set to the recording's times of day.
type wpClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *wpClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *wpClock) at(t *testing.T, hms string) {
	t.Helper()
	v, err := time.Parse(time.RFC3339, recordDate+hms+"Z")
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.t = v
	c.mu.Unlock()
}

// wpReq is one request of the replay.
type wpReq struct {
	method, path string
	token        string // withToken, badToken, noToken, or a whole Authorization header
	body         string
	cookie, csrf bool
}

func wpSend(t *testing.T, s *Server, rq wpReq) recorded {
	t.Helper()
	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	req, err := http.NewRequest(rq.method, s.URL+rq.path, body)
	if err != nil {
		t.Fatal(err)
	}
	switch rq.token {
	case withToken:
		req.Header.Set("Authorization", "Bearer "+s.Token)
	case badToken:
		req.Header.Set("Authorization", "Bearer not-the-token")
	case noToken:
	default:
		req.Header.Set("Authorization", rq.token)
	}
	cookie, csrf := s.WoodpeckerSession()
	if rq.cookie {
		req.AddCookie(&http.Cookie{Name: "user_sess", Value: cookie})
	}
	if rq.csrf {
		req.Header.Set("X-CSRF-TOKEN", csrf)
	}
	if rq.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return recorded{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: got}
}

// wpReplay sends rq and compares the answer with the fixture; tokens in
// the fixture are placeholders for the fake's own.
func wpReplay(t *testing.T, s *Server, fixture string, rq wpReq) {
	t.Helper()
	t.Run(fixture, func(t *testing.T) {
		want := loadFixture(t, dirWP, fixture)
		got := wpSend(t, s, rq)
		for _, ph := range []string{"<WOODPECKER_API_TOKEN>", "<WOODPECKER_API_TOKEN_AFTER_ROTATE>"} {
			want.body = []byte(strings.ReplaceAll(string(want.body), ph, s.Token))
		}
		assertMatches(t, want, got, false)
	})
}

func get(path string) wpReq  { return wpReq{method: "GET", path: path, token: withToken} }
func post(path string) wpReq { return wpReq{method: "POST", path: path, token: withToken} }
func postJSON(path, body string) wpReq {
	return wpReq{method: "POST", path: path, token: withToken, body: body}
}

// wpLogLines reads a recorded step log: its lines and their times.
func wpLogLines(t *testing.T, fixture string) ([]string, []int) {
	t.Helper()
	var entries []struct {
		Data []byte `json:"data"`
		Time int    `json:"time"`
	}
	if err := json.Unmarshal(loadFixture(t, dirWP, fixture).body, &entries); err != nil {
		t.Fatalf("%s: %v", fixture, err)
	}
	var lines []string
	var times []int
	for _, e := range entries {
		lines, times = append(lines, string(e.Data)), append(times, e.Time)
	}
	return lines, times
}

// The steps of .woodpecker.yaml and what they print: recorded logs where
// the session read them, else lines of the same count (the log ids are
// global, so every line counts).
func cloneLog(t *testing.T) []string { l, _ := wpLogLines(t, "GET_api_repos_1_logs_1_1"); return l }

func greetLog(ticks int) []string {
	l := []string{"+ echo hello", "hello", `+ if [ -n "${SLEEP}" ]; then for i in $(seq 1 "${SLEEP}"); do echo "tick $i of ${SLEEP}"; sleep 1; done; fi`}
	for i := 1; i <= ticks; i++ {
		l = append(l, "tick "+itoa(int64(i))+" of "+itoa(int64(ticks)))
	}
	return l
}

// greetTime is when greet printed line i: ticks once a second.
func greetTime(i int) int { return max(i-3, 0) }

func greetTimes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = greetTime(i)
	}
	return out
}

func noisyLog(t *testing.T, pass bool) []string {
	if pass {
		l, _ := wpLogLines(t, "GET_api_repos_1_logs_2_7")
		return l
	}
	l, _ := wpLogLines(t, "GET_api_repos_1_logs_1_3")
	return l
}

func notifyLog() []string { return []string{"+ echo notify", "notify"} }

// wpSteps are the four steps (five for a deployment) as they end.
func wpSteps(t *testing.T, pass bool, ticks int, deploy bool) []StepSpec {
	noisy := StepSpec{Name: "noisy-fail", Status: drone.StatusSuccess, Log: noisyLog(t, pass)}
	if !pass {
		noisy.Status, noisy.ExitCode = drone.StatusFailure, 1
	}
	steps := []StepSpec{
		{Name: "clone", Status: drone.StatusSuccess, Log: cloneLog(t)},
		{Name: "greet", Status: drone.StatusSuccess, Log: greetLog(ticks), LogTimes: greetTimes(3 + ticks)},
		noisy,
		{Name: "notify", Status: drone.StatusSuccess, Log: notifyLog()},
	}
	if deploy {
		dl, _ := wpLogLines(t, "GET_api_repos_1_logs_10_45__deploy_step")
		steps = append(steps, StepSpec{Name: "deploy", Status: drone.StatusSuccess, Log: dl})
	}
	return steps
}

// pendingWorkflow is one workflow "woodpecker" with the named steps pending.
func pendingWorkflow(t *testing.T, names ...string) []StageSpec {
	st := StageSpec{Name: "woodpecker", Status: drone.StatusPending, Config: recordedConfig(t)}
	for _, n := range names {
		st.Steps = append(st.Steps, StepSpec{Name: n, Status: drone.StatusPending})
	}
	return []StageSpec{st}
}

var mainSteps = []string{"clone", "greet", "noisy-fail", "notify"}

func recordedConfig(t *testing.T) string {
	var cfg []struct {
		Data []byte `json:"data"`
	}
	if err := json.Unmarshal(loadFixture(t, dirWP, "GET_api_repos_1_pipelines_1_config").body, &cfg); err != nil || len(cfg) != 1 {
		t.Fatalf("config fixture: %v", err)
	}
	return string(cfg[0].Data)
}

// queued is the agent taking a pipeline from the queue: a second pending
// event, as the server sends.
func queued(s *Server, n int64) { s.UpdateBuild(helloWP, n, func(*BuildSpec) {}) }

// runAll walks pipeline n of workflow 0 through its steps one event at a
// time, as the agent reports them, ending with final.
func runAll(s *Server, n int64, stage int, final drone.Status, steps []StepSpec) {
	s.UpdateBuild(helloWP, n, func(b *BuildSpec) {
		b.Status, b.Stages[stage].Status = drone.StatusRunning, drone.StatusRunning
	})
	for i := range steps {
		runStep(s, n, stage, i, steps[i])
	}
	s.UpdateBuild(helloWP, n, func(b *BuildSpec) { b.Status, b.Stages[stage].Status = final, final })
}

func runStep(s *Server, n int64, stage, i int, end StepSpec) {
	s.UpdateBuild(helloWP, n, func(b *BuildSpec) { b.Stages[stage].Steps[i].Status = drone.StatusRunning })
	s.UpdateBuild(helloWP, n, func(b *BuildSpec) { b.Stages[stage].Steps[i] = end })
}

// forgePush is a push the forge reports: created, then queued twice.
func forgePush(s *Server, spec BuildSpec) int64 {
	spec.Status = wpCreated
	n := s.AddBuild(helloWP, spec)
	s.UpdateBuild(helloWP, n, func(b *BuildSpec) { b.Status = drone.StatusPending })
	queued(s, n)
	return n
}

// eventRecorder reads one /api/stream/events connection.
type eventRecorder struct {
	mu     sync.Mutex
	frames [][]byte
	done   chan struct{}
	resp   *http.Response
}

func recordEvents(t *testing.T, s *Server, token string) *eventRecorder {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+"/api/stream/events", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rec := &eventRecorder{done: make(chan struct{}), resp: resp}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sc.Scan() // ": ping", read before any change happens
	go func() {
		defer close(rec.done)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				rec.mu.Lock()
				rec.frames = append(rec.frames, []byte(data))
				rec.mu.Unlock()
			}
		}
	}()
	return rec
}

// waitFrames waits until n frames came (the stream is asynchronous).
func (r *eventRecorder) waitFrames(t *testing.T, n int) [][]byte {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.mu.Lock()
		got := len(r.frames)
		r.mu.Unlock()
		if got >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = r.resp.Body.Close()
	<-r.done
	return r.frames
}

// recordedFrames are the data frames of a recorded event stream.
func recordedFrames(t *testing.T, name string) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixturesDir, dirWP, name+".sse.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, line := range strings.Split(string(raw), "\n") {
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			out = append(out, []byte(data))
		}
	}
	return out
}

// compareFrames compares streamed frames one by one, key by key.
func compareFrames(t *testing.T, name string, got [][]byte) {
	t.Helper()
	want := recordedFrames(t, name)
	if len(got) != len(want) {
		t.Errorf("%s: %d frames, want %d", name, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		var g, w any
		if err := json.Unmarshal(got[i], &g); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if err := json.Unmarshal(want[i], &w); err != nil {
			t.Fatalf("recorded frame %d: %v", i, err)
		}
		for _, d := range diffJSON("$", w, g, false) {
			t.Errorf("%s frame %d: %s", name, i, d)
		}
	}
}

// openedStream is a log stream being read in the background.
type openedStream struct {
	status int
	ct     string
	body   chan string
}

// openStream opens an SSE answer and reads it to its end in the
// background, once its first comment came.
func openStream(t *testing.T, s *Server, path string) *openedStream {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+s.Token)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	first, err := br.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	o := &openedStream{status: resp.StatusCode, ct: resp.Header.Get("Content-Type"), body: make(chan string, 1)}
	go func() {
		defer resp.Body.Close()
		rest, _ := io.ReadAll(br)
		o.body <- first + string(rest)
	}()
	return o
}

func (o *openedStream) compare(t *testing.T, fixture string) {
	t.Helper()
	select {
	case body := <-o.body:
		compareStream(t, fixture, o.status, o.ct, body)
	case <-time.After(10 * time.Second):
		t.Errorf("%s: the stream did not end", fixture)
	}
}

// streamUntil reads an SSE answer until n data frames came.
func streamUntil(t *testing.T, s *Server, path string, n int) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+s.Token)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	var b strings.Builder
	for seen := 0; seen < n; {
		line, err := br.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			break
		}
		if strings.HasPrefix(line, "data: {") {
			seen++
			blank, _ := br.ReadString('\n')
			b.WriteString(blank)
		}
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b.String()
}

// streamText reads a whole (ending) SSE answer.
func streamText(t *testing.T, s *Server, path string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+s.Token)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// compareStream checks a log stream against its recording: status,
// Content-Type, and each frame (comments, ids, events and data key by key).
func compareStream(t *testing.T, name string, status int, ct, body string) {
	t.Helper()
	want := loadStreamFixture(t, name)
	if status != want.status || ct != want.contentType {
		t.Errorf("%s: %d %q, want %d %q", name, status, ct, want.status, want.contentType)
	}
	gl, wl := strings.Split(body, "\n"), strings.Split(string(want.body), "\n")
	if len(gl) != len(wl) {
		t.Errorf("%s: %d lines, want %d:\n%s", name, len(gl), len(wl), body)
		return
	}
	for i := range wl {
		gd, gok := strings.CutPrefix(gl[i], "data: {")
		wd, wok := strings.CutPrefix(wl[i], "data: {")
		if gok && wok {
			var g, w any
			_ = json.Unmarshal([]byte("{"+gd), &g)
			_ = json.Unmarshal([]byte("{"+wd), &w)
			for _, d := range diffJSON("$", w, g, false) {
				t.Errorf("%s line %d: %s", name, i, d)
			}
			continue
		}
		if gl[i] != wl[i] {
			t.Errorf("%s line %d = %q, want %q", name, i, gl[i], wl[i])
		}
	}
}

func loadStreamFixture(t *testing.T, name string) recorded {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(fixturesDir, dirWP, name+".sse.txt"))
	if err != nil {
		t.Fatal(err)
	}
	f := loadFixtureMeta(t, name)
	f.body = body
	return f
}

// loadFixtureMeta reads a fixture's status and Content-Type only.
func loadFixtureMeta(t *testing.T, name string) recorded {
	t.Helper()
	base := filepath.Join(fixturesDir, dirWP, name)
	st, err := os.ReadFile(base + ".status")
	if err != nil {
		t.Fatal(err)
	}
	rec := recorded{}
	if _, err := fmt.Sscan(strings.TrimSpace(string(st)), &rec.status); err != nil {
		t.Fatal(err)
	}
	hdr, _ := os.ReadFile(base + ".headers.txt")
	for _, line := range strings.Split(string(hdr), "\n") {
		if k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), ":"); ok && strings.EqualFold(k, "Content-Type") {
			rec.contentType = strings.TrimSpace(v)
		}
	}
	return rec
}
