package main

import (
	"strings"
	"testing"
)

// sample is real `go test -bench -benchmem -count 2` output, with a
// benchmark whose result line was split from its name by a log line.
const sample = `goos: linux
goarch: amd64
pkg: github.com/dronebot/dronebot/drone
cpu: Oxide Virtual Turin-like Processor             
BenchmarkLogTail100k-2   	       9	 113131332 ns/op	  80.52 MB/s	   4223000 peak-heap-B	22455345 B/op	  417464 allocs/op
BenchmarkLogTail100k-2   	      10	 111000000 ns/op	  82.00 MB/s	   4230000 peak-heap-B	22455000 B/op	  417460 allocs/op
PASS
ok  	github.com/dronebot/dronebot/drone	2.057s
goos: linux
goarch: amd64
pkg: github.com/dronebot/dronebot/bot/watch
cpu: Oxide Virtual Turin-like Processor             
BenchmarkPollCycle5000/changed=0%-2         	       9	 139214617 ns/op	         1.000 drone-requests/cycle	53861371 B/op	  170168 allocs/op
BenchmarkPollCycle5000/changed=1%-2         	       8	 158753678 ns/op	        51.00 drone-requests/cycle	50667667 B/op	  180680 allocs/op
BenchmarkWebhookToEmit-2                    	    1812	    667818 ns/op	   59381 B/op	    1140 allocs/op
PASS
ok  	github.com/dronebot/dronebot/bot/watch	7.286s
pkg: github.com/dronebot/dronebot/bot/slackapp
BenchmarkSlashAck-2   
    bench_test.go:40: warming up
	      55	  26291794 ns/op	        74.91 max-ms	        11.78 p50-ms	        57.71 p99-ms	 3360284 B/op	   34789 allocs/op
PASS
`

func TestParseRealOutput(t *testing.T) {
	results, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range results {
		names = append(names, r.Name)
	}
	want := "LogTail100k PollCycle5000/changed=0% PollCycle5000/changed=1% WebhookToEmit SlashAck"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("names %q, want %q", got, want)
	}
	tail := results[0]
	if tail.Runs != 2 || tail.Pkg != "github.com/dronebot/dronebot/drone" {
		t.Errorf("log tail: %d runs in %q", tail.Runs, tail.Pkg)
	}
	if v, _ := tail.Median("ns/op"); v != (113131332+111000000)/2.0 {
		t.Errorf("median ns/op %v, want the mean of the two middle runs", v)
	}
	if _, ok := results[3].Median("MB/s"); ok {
		t.Error("WebhookToEmit reported no MB/s, but Median found one")
	}
	ack := results[4]
	if ack.Pkg != "github.com/dronebot/dronebot/bot/slackapp" || strings.Join(ack.Units, " ") != "ns/op max-ms p50-ms p99-ms B/op allocs/op" {
		t.Errorf("split SlashAck line: pkg %q, units %v", ack.Pkg, ack.Units)
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		runs []float64
		want float64
	}{
		{[]float64{5}, 5},
		{[]float64{9, 1, 5}, 5},
		{[]float64{4, 1, 3, 100}, 3.5},
	}
	for _, tt := range tests {
		r := &Result{samples: map[string][]float64{"ns/op": tt.runs}}
		if got, ok := r.Median("ns/op"); !ok || got != tt.want {
			t.Errorf("Median(%v) = %v, %v; want %v", tt.runs, got, ok, tt.want)
		}
	}
}

func TestRenderTable(t *testing.T) {
	results, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	Render(&b, results, "github.com/dronebot/dronebot/")
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2+5 {
		t.Fatalf("%d lines, want a header, a rule and 5 rows:\n%s", len(lines), b.String())
	}
	wantRows := []string{
		"| LogTail100k | drone | 112 ms | 81.3 | 21.4 MiB | 417,462 | peak-heap 4.03 MiB |",
		"| PollCycle5000/changed=1% | bot/watch | 159 ms | — | 48.3 MiB | 180,680 | 51 drone-requests/cycle |",
		"| WebhookToEmit | bot/watch | 668 µs | — | 58 KiB | 1,140 |  |",
		"| SlashAck | bot/slackapp | 26.3 ms | — | 3.2 MiB | 34,789 | max 74.9 ms, p50 11.8 ms, p99 57.7 ms |",
	}
	for _, row := range wantRows {
		if !strings.Contains(b.String(), row+"\n") {
			t.Errorf("table lacks row\n%s\n%s", row, b.String())
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{FormatDuration(340223), "340 µs"},
		{FormatDuration(999), "999 ns"},
		{FormatDuration(1150076576), "1.15 s"},
		{FormatDuration(12705328), "12.7 ms"},
		{FormatBytes(512), "512 B"},
		{FormatBytes(201255), "197 KiB"},
		{FormatBytes(225137672), "215 MiB"},
		{FormatMetric("peak-heap-B", 4234400), "peak-heap 4.04 MiB"},
		{FormatMetric("p99-ms", 57.71), "p99 57.7 ms"},
		{FormatMetric("max-msgs/60s", 5), "5 max-msgs/60s"},
		{FormatMetric("builds-named", 100), "100 builds-named"},
		{formatCount(4173336), "4,173,336"},
		{sig3(1234.6), "1,235"},
		{sig3(0.0123), "0.0123"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestEmptyInputIsAnError(t *testing.T) {
	var b strings.Builder
	if err := run(strings.NewReader("PASS\nok  \tx\t0.1s\n"), &b, ""); err == nil {
		t.Error("no error for output without benchmarks")
	}
	if err := run(strings.NewReader("BenchmarkX-2  10  abc ns/op\n"), &b, ""); err == nil {
		t.Error("no error for a malformed value")
	}
}
