package logtail

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/logtext"
)

func TestWriteLogIsValid(t *testing.T) {
	var buf bytes.Buffer
	n, err := WriteLog(&buf, 1000)
	if err != nil || n != int64(buf.Len()) || n != Size(1000) {
		t.Fatalf("wrote %d (buffer %d), %v", n, buf.Len(), err)
	}
	var chunks []struct {
		Out string `json:"out"`
	}
	if err := json.Unmarshal(buf.Bytes(), &chunks); err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, c := range chunks {
		text.WriteString(c.Out)
	}
	lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	if len(lines) != 1000 || !strings.HasPrefix(lines[999], "line 1000 ") || len(chunks) <= 1000 {
		t.Errorf("%d lines in %d chunks, last %q", len(lines), len(chunks), lines[len(lines)-1])
	}
	if avg := n / 1000; avg < 70 || avg > 110 {
		t.Errorf("%d bytes per line, want about 80", avg)
	}
}

// BenchmarkLogTail1M reads a 10^6-line step log through the client, as an
// alert does, and reports the peak heap next to B/op.
func BenchmarkLogTail1M(b *testing.B) {
	benchmarkLogTail(b, 1_000_000)
}

// BenchmarkExcerpt1M reads the same log into the failure excerpt, as an
// alert and /logs do: the recognisers' prefilter sees every line.
func BenchmarkExcerpt1M(b *testing.B) {
	benchmarkRead(b, 1_000_000, func() (drone.TailOptions, func() int) {
		c := logtext.NewCollector(logtext.Options{Tail: 30, Find: true})
		return drone.TailOptions{Lines: -1, Each: c.Line}, func() int { return c.Excerpt(logtext.NewMasker()).Total }
	})
}

func benchmarkLogTail(b *testing.B, lines int) {
	benchmarkRead(b, lines, func() (drone.TailOptions, func() int) {
		return drone.TailOptions{Lines: 30}, nil
	})
}

func benchmarkRead(b *testing.B, lines int, setup func() (drone.TailOptions, func() int)) {
	srv := httptest.NewServer(Handler(lines))
	defer srv.Close()
	c, err := drone.New(drone.Config{Server: srv.URL, Token: "bench-token", Dialect: drone.DialectV1})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(Size(lines))
	b.ReportAllocs()
	sampler := StartHeapSampler(ctx, time.Millisecond)
	b.ResetTimer()
	for b.Loop() {
		opts, total := setup()
		tail, err := c.LogTail(ctx, "octo/demo", 1, drone.StepRef{Stage: 1, Step: 1}, opts)
		if err != nil {
			b.Fatal(err)
		}
		got := tail.Total
		if total != nil {
			got = total()
		}
		if got != lines {
			b.Fatalf("total %d, want %d", got, lines)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(sampler.Stop()), "peak-heap-B")
}
