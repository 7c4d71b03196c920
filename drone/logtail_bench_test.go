package drone

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bench/logtail"
)

// BenchmarkLogTail100k reads a generated 10^5-line log (about 80 bytes a
// line, streamed from loopback) and reports the peak heap while reading.
// The 10^6-line run lives in bench/logtail.
func BenchmarkLogTail100k(b *testing.B) {
	const lines = 100_000
	srv := httptest.NewServer(logtail.Handler(lines))
	defer srv.Close()
	c, err := New(Config{Server: srv.URL, Token: testToken, Dialect: DialectV1})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(logtail.Size(lines))
	b.ReportAllocs()
	sampler := logtail.StartHeapSampler(ctx, time.Millisecond)
	b.ResetTimer()
	for b.Loop() {
		tail, err := c.LogTail(ctx, "octo/demo", 1, StepRef{Stage: 1, Step: 1}, TailOptions{Lines: 30})
		if err != nil {
			b.Fatal(err)
		}
		if tail.Total != lines || len(tail.Lines) != 30 {
			b.Fatalf("total %d, %d lines", tail.Total, len(tail.Lines))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(sampler.Stop()), "peak-heap-B")
}

// BenchmarkReadLogTail reads a generated 10^5-line log from memory: the
// scanner and the tail alone, without HTTP.
func BenchmarkReadLogTail(b *testing.B) {
	var body bytes.Buffer
	if _, err := logtail.WriteLog(&body, 100_000); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		tail, err := readLogTail(bytes.NewReader(body.Bytes()), TailOptions{Lines: 30})
		if err != nil || tail.Total != 100_000 {
			b.Fatalf("%v, %d lines", err, tail.Total)
		}
	}
}
