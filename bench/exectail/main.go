// Command exectail measures what a user runs to read a huge step log:
// `dronebot exec '/logs … -n 30'` (and the default excerpt) against a local
// Drone, beside `curl -o /dev/null` and `curl | jq '.[-30:]'` on the same
// body, with the peak RSS of each dronebot process; then a log of one
// 50 MB line through /logs and through an alert. It needs curl and jq and
// is not part of the tests:
//
//	go run ./bench/exectail              # 10^6 entries, 5 runs each
//	go run ./bench/exectail -runs 3 -entries 200000
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dronebot/dronebot/bot/watch"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/drone/logtext"
	"github.com/dronebot/dronebot/notify"
)

func main() {
	entries := flag.Int("entries", 1_000_000, "log entries (one line each) of the big log")
	runs := flag.Int("runs", 5, "runs of each command; the median is shown")
	bigLine := flag.Int("bigline", 50<<20, "bytes of the one-line log")
	alertURL := flag.String("alert", "", "internal: build the alert of build 2 from this Drone and report the peak RSS")
	flag.Parse()
	if *alertURL != "" {
		if err := alertChild(*alertURL); err != nil {
			fmt.Fprintln(os.Stderr, "exectail:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*entries, *runs, *bigLine); err != nil {
		fmt.Fprintln(os.Stderr, "exectail:", err)
		os.Exit(1)
	}
}

func run(entries, runs, bigLine int) error {
	for _, tool := range []string{"curl", "jq", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is needed: %w", tool, err)
		}
	}
	dir, err := os.MkdirTemp("", "exectail-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "dronebot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("build dronebot: %v\n%s", err, out)
	}
	bigLog := filepath.Join(dir, "big.json")
	size, err := writeLog(bigLog, entries)
	if err != nil {
		return err
	}
	lineLog := filepath.Join(dir, "line.json")
	lineSize, err := writeOneLine(lineLog, bigLine)
	if err != nil {
		return err
	}
	srv, stop := server(map[string]string{"/api/repos/octo/demo/builds/1/logs/1/2": bigLog, "/api/repos/octo/demo/builds/2/logs/1/2": lineLog})
	defer stop()
	cfg := filepath.Join(dir, "bot.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("log: {level: error}\ndrone: {server: %q, token: %q, api: v1, log_timeout: 5m}\nstore: {path: %q}\n",
		srv.URL, srv.Token, filepath.Join(dir, "bot.db"))), 0o600); err != nil {
		return err
	}
	logURL := srv.URL + "/api/repos/octo/demo/builds/1/logs/1/2"
	auth := "Authorization: Bearer " + srv.Token

	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(l, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	fmt.Printf("Machine: %d CPUs, %s, %s; median of %d runs.\n", runtime.NumCPU(), cpu, runtime.Version(), runs)
	fmt.Printf("Step log: %d entries, %.1f MB; one-line log: %.1f MB.\n\n", entries, float64(size)/1e6, float64(lineSize)/1e6)
	fmt.Println("| what | time | CPU (user+sys) | peak RSS | vs curl -o /dev/null |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: |")
	curl := measure(runs, "curl", "-sS", "-H", auth, "-o", "/dev/null", logURL)
	row := func(name string, m result) {
		rss := "—"
		if m.rssKB > 0 {
			rss = fmt.Sprintf("%.1f MB", float64(m.rssKB)/1024)
		}
		fmt.Printf("| %s | %.2f s | %.2f s | %s | %.2f× |\n", name, m.wall.Seconds(), m.cpu.Seconds(), rss, m.wall.Seconds()/curl.wall.Seconds())
	}
	row("`curl -o /dev/null` (download only)", curl)
	jq := measure(runs, "sh", "-c", fmt.Sprintf("curl -sS -H %q %q | jq '.[-30:]' >/dev/null", auth, logURL))
	row("`curl | jq '.[-30:]'`", jq)
	tail := measure(runs, bin, "exec", "--config", cfg, "/logs octo/demo 1 -n 30")
	row("`dronebot exec '/logs octo/demo 1 -n 30'`", tail)
	excerpt := measure(runs, bin, "exec", "--config", cfg, "/logs octo/demo 1")
	row("`dronebot exec '/logs octo/demo 1'` (excerpt)", excerpt)
	line5 := measure(runs, bin, "exec", "--config", cfg, "/logs octo/demo 2 -n 5")
	row("one 50 MB line: `/logs octo/demo 2 -n 5`", line5)
	lineEx := measure(runs, bin, "exec", "--config", cfg, "/logs octo/demo 2")
	row("one 50 MB line: `/logs octo/demo 2` (excerpt)", lineEx)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	alert := measure(runs, self, "-alert", srv.URL+"#"+srv.Token)
	row("one 50 MB line: the alert (built and rendered)", alert)
	fmt.Printf("\nexec -n 30: %.2f× curl's download, %.1f× faster than curl | jq; excerpt / plain tail: %.2f×.\n",
		tail.wall.Seconds()/curl.wall.Seconds(), jq.wall.Seconds()/tail.wall.Seconds(), excerpt.wall.Seconds()/tail.wall.Seconds())
	for _, m := range []result{tail, excerpt, line5, lineEx, alert} {
		if m.err != nil {
			return m.err
		}
	}
	return nil
}

type result struct {
	wall  time.Duration
	cpu   time.Duration // median user+sys of the process and its children
	rssKB int64
	err   error
}

// measure runs a command runs times and keeps the median wall time and the
// largest peak RSS.
func measure(runs int, name string, args ...string) result {
	var walls, cpus []time.Duration
	var out result
	for range runs {
		cmd := exec.Command(name, args...)
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			out.err = fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
		}
		walls = append(walls, time.Since(start))
		cpus = append(cpus, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && name != "sh" && name != "curl" {
			out.rssKB = max(out.rssKB, ru.Maxrss)
		}
	}
	out.wall, out.cpu = median(walls), median(cpus)
	return out
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// writeLog writes a Drone 1.x step log of n entries of about 115 bytes: a
// long go test -v run with colour, one failing test in the middle and the
// verdict at the end.
func writeLog(path string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("[")
	buf := make([]byte, 0, 256)
	for i := range n {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"pos":`...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, `,"out":"`...)
		switch {
		case i == n/2:
			buf = append(buf, `    parser_test.go:212: Parse(\"90d\") = 0s, want 2160h0m0s (unknown unit \"d\")\n`...)
		case i == n/2+1:
			buf = append(buf, `--- FAIL: TestParseDuration/days (0.00s)\n`...)
		case i == n-2:
			buf = append(buf, `FAIL\texample.com/shop/config\t12.345s\n`...)
		case i == n-1:
			buf = append(buf, `FAIL\n`...)
		case i%3 == 0:
			buf = append(buf, `\u001b[32m=== RUN   TestGeneratedCase/`...)
			buf = strconv.AppendInt(buf, int64(i), 10)
			buf = append(buf, `_with_a_longer_name_for_realism\u001b[0m\n`...)
		default:
			buf = append(buf, `--- PASS: TestGeneratedCase/`...)
			buf = strconv.AppendInt(buf, int64(i), 10)
			buf = append(buf, `_with_a_longer_name_for_realism (0.00s)\n`...)
		}
		buf = append(buf, `","time":`...)
		buf = strconv.AppendInt(buf, int64(i/1000), 10)
		buf = append(buf, '}')
		w.Write(buf)
	}
	w.WriteString("]")
	if err := w.Flush(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), f.Close()
}

// writeOneLine writes a log of one entry holding one line of size bytes.
func writeOneLine(path string, size int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`[{"pos":0,"out":"`)
	chunk := strings.Repeat("minified-bundle-or-base64-blob-", 1024)
	for written := 0; written < size; written += len(chunk) {
		w.WriteString(chunk)
	}
	w.WriteString(`\nerror: the bundle above is broken\n","time":0}]`)
	if err := w.Flush(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), f.Close()
}

// server is a fake Drone with failed builds 1 and 2 of octo/demo whose
// step logs are served from files (sendfile, as fast as loopback goes).
func server(logs map[string]string) (*dronetest.Server, func()) {
	fake := dronetest.New(drone.DialectV1)
	fake.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main"})
	for range 2 {
		fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "main", Message: "change", Author: "pan",
			Stages: []dronetest.StageSpec{{Name: "default", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
				{Name: "clone", Status: drone.StatusSuccess, Log: []string{"+ git fetch"}},
				{Name: "test", Status: drone.StatusFailure, ExitCode: 1, Log: []string{"served from a file"}}}}}})
	}
	target, _ := url.Parse(fake.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path, ok := logs[r.URL.Path]; ok {
			if r.Header.Get("Authorization") != "Bearer "+fake.Token {
				http.Error(w, `{"message":"Unauthorized"}`, http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			http.ServeFile(w, r, path)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	fake.URL = front.URL
	return fake, func() { front.Close(); fake.Close() }
}

// alertChild builds the alert of build 2 (the one-line log), renders it
// for a WeCom robot and as webhook JSON, and prints its own peak RSS.
func alertChild(target string) error {
	base, token, _ := strings.Cut(target, "#")
	dc, err := drone.New(drone.Config{Server: base, Token: token, Dialect: drone.DialectV1, LogTimeout: 5 * time.Minute})
	if err != nil {
		return err
	}
	ctx := context.Background()
	b, err := dc.Build(ctx, "octo/demo", 2)
	if err != nil {
		return err
	}
	ab := &watch.AlertBuilder{Client: dc, Masker: logtext.NewMasker(token), LogTail: 30}
	a := ab.BuildAlert(ctx, "octo/demo", b, true)
	if a.Log == nil || a.Log.Total != 2 {
		return fmt.Errorf("alert log %+v", a.Log)
	}
	a.Outcome = notify.OutcomeFailure
	text := notify.Markdown(&notify.Message{Alerts: []*notify.Alert{a}}, 4096, notify.MarkdownOptions{})
	if !strings.Contains(text, "error: the bundle above is broken") {
		return fmt.Errorf("the alert lost its last line:\n%s", text)
	}
	return nil
}
