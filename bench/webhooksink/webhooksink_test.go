package webhooksink

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/cli"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify"
)

const (
	repo          = "octo/demo"
	webhookSecret = "bench-webhook-secret"
)

// BenchmarkWebhookToSink posts one signed "build updated" webhook of a
// failed build per iteration to a running dronebot and waits until the
// alert for that build reaches the webhook sink. It reports the latency
// percentiles next to ns/op.
func BenchmarkWebhookToSink(b *testing.B) {
	fake := dronetest.New(drone.DialectV1)
	defer fake.Close()
	fake.AddRepo(repo, dronetest.RepoOptions{DefaultBranch: "main"})
	arrived := make(chan int64, 16)
	sink := httptest.NewServer(receiver(b, arrived))
	defer sink.Close()

	ctx, cancel := context.WithCancel(context.Background())
	addr, stopped := startBot(ctx, b, writeConfig(b, fake, sink.URL))
	defer func() {
		cancel()
		if code := <-stopped; code != 0 {
			b.Errorf("dronebot exited with %d", code)
		}
	}()
	hc := &http.Client{Timeout: 10 * time.Second}

	// Drone stamps builds in whole seconds, and builds that finished
	// before the bot's first run are recorded silently: let a second pass.
	time.Sleep(1100 * time.Millisecond)
	// One warm-up round trip: the first alert opens connections and
	// prepares the store's statements.
	post(b, hc, addr, fake, arrived)
	var latencies []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		latencies = append(latencies, post(b, hc, addr, fake, arrived))
	}
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(latencies[len(latencies)-1].Microseconds())/1000, "max-ms")
}

// post adds a failed build to the fake Drone, delivers its webhook and
// returns how long until the sink had the alert.
func post(b *testing.B, hc *http.Client, addr string, fake *dronetest.Server, arrived <-chan int64) time.Duration {
	b.StopTimer()
	n := fake.AddBuild(repo, failedBuild())
	body := fake.WebhookPayload(repo, n, "updated")
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/hooks/drone", strings.NewReader(string(body)))
	if err != nil {
		b.Fatal(err)
	}
	req.Header = dronetest.SignWebhook(webhookSecret, body, time.Now())
	b.StartTimer()
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		b.Fatalf("webhook answered %d, want 202", resp.StatusCode)
	}
	timeout := time.After(30 * time.Second)
	for {
		select {
		case got := <-arrived:
			if got == n {
				return time.Since(start)
			}
		case <-timeout:
			b.Fatalf("the alert for build #%d never reached the sink", n)
		}
	}
}

// receiver is the webhook sink's endpoint: it reports each alerted build.
func receiver(b *testing.B, arrived chan<- int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p notify.Payload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil || p.Schema != notify.SchemaV1 {
			b.Errorf("sink got an unreadable payload (schema %q): %v", p.Schema, err)
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		for _, a := range p.Alerts {
			arrived <- a.Build
		}
		w.WriteHeader(http.StatusOK)
	})
}

func writeConfig(b *testing.B, fake *dronetest.Server, sinkURL string) string {
	dir := b.TempDir()
	cfg := fmt.Sprintf(`log: {format: json, level: info}
server: {listen: "127.0.0.1:0", shutdown_timeout: 10s}
drone: {server: %q, token: %q}
store: {path: %q}
watch: {mode: webhook, webhook_secret: %q, safety_poll: 1h, log_tail: 30}
sinks:
  hook: {type: webhook, url: %q}
routes:
  - {repos: ["octo/*"], on: [failure, still_failing], to: [hook]}
`, fake.URL, fake.Token, filepath.Join(dir, "bot.db"), webhookSecret, sinkURL)
	path := filepath.Join(dir, "bot.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// startBot runs `dronebot run` in process and returns the address it
// listens on and a channel that receives its exit code.
func startBot(ctx context.Context, b *testing.B, configPath string) (string, <-chan int) {
	logR, logW := io.Pipe()
	stopped := make(chan int, 1)
	go func() {
		code := cli.Main(ctx, []string{"run", "--config", configPath}, strings.NewReader(""), io.Discard, logW)
		logW.Close()
		stopped <- code
	}()
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(logR)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() { // keep reading so logging never blocks the bot
			var rec struct{ Msg, Listen string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "dronebot is running" {
				listening <- rec.Listen
			}
		}
	}()
	select {
	case addr := <-listening:
		return addr, stopped
	case code := <-stopped:
		b.Fatalf("dronebot exited at start with %d", code)
	case <-time.After(30 * time.Second):
		b.Fatal("dronebot did not start within 30 s")
	}
	return "", nil
}

func failedBuild() dronetest.BuildSpec {
	log := make([]string, 0, 200)
	for i := 1; i <= 197; i++ {
		log = append(log, fmt.Sprintf("--- PASS: TestCase%03d", i))
	}
	log = append(log, "--- FAIL: TestParseDuration", "FAIL\texample.com/demo/config", "exit status 2")
	return dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "main", Message: "break the parser", Author: "pan",
		Stages: []dronetest.StageSpec{{Name: "default", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, Log: []string{"+ git fetch"}},
			{Name: "unit-tests", Status: drone.StatusFailure, ExitCode: 2, Log: log}}}}}
}
