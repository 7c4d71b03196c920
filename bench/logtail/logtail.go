// Package logtail generates huge Drone step logs for benchmarks and measures
// the heap while a client reads them.
package logtail

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
)

// lineBody pads each line so that, with its JSON chunk around it, a line
// costs about 80 bytes on the wire.
const lineBody = " step output: compiling and testing, all fine"

// WriteLog writes a Drone step log of n lines as a JSON array of chunks, the
// way Drone 1.x stores it: mostly one line per chunk, an empty chunk now and
// then, and some lines split across two chunks. It returns the bytes written.
func WriteLog(w io.Writer, n int) (int64, error) {
	bw := bufio.NewWriterSize(w, 32<<10)
	cw := &countingWriter{w: bw}
	buf := make([]byte, 0, 256)
	pos := 0
	chunk := func(out []byte) {
		buf = buf[:0]
		if pos > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"pos":`...)
		buf = strconv.AppendInt(buf, int64(pos), 10)
		buf = append(buf, `,"out":"`...)
		buf = append(buf, out...)
		buf = append(buf, `","time":0}`...)
		pos++
		_, _ = cw.Write(buf)
	}
	_, _ = cw.Write([]byte{'['})
	line := make([]byte, 0, 128)
	for i := range n {
		line = line[:0]
		line = append(line, "line "...)
		line = strconv.AppendInt(line, int64(i+1), 10)
		line = append(line, lineBody...)
		line = append(line, `\n`...)
		switch {
		case i%50 == 7:
			chunk(nil) // Drone stores empty chunks too
			chunk(line)
		case i%20 == 3:
			chunk(line[:10]) // a line split across chunks
			chunk(line[10:])
		default:
			chunk(line)
		}
	}
	_, _ = cw.Write([]byte{']'})
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	return cw.n, cw.err
}

type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// Size is the byte length of the log WriteLog produces for n lines.
func Size(n int) int64 {
	size, _ := WriteLog(io.Discard, n)
	return size
}

// Handler serves a generated log of n lines at any path, streamed as it is
// generated, never held whole.
func Handler(n int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = WriteLog(w, n)
	})
}

// HeapSampler records the peak of live heap objects while it runs.
type HeapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

// StartHeapSampler samples the heap every interval until Stop.
func StartHeapSampler(ctx context.Context, interval time.Duration) *HeapSampler {
	runtime.GC()
	s := &HeapSampler{stop: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); v > s.peak {
			s.peak = v
		}
	}
	read()
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				read()
			case <-s.stop:
				read()
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return s
}

// Stop ends sampling and returns the peak in bytes.
func (s *HeapSampler) Stop() uint64 {
	close(s.stop)
	s.done.Wait()
	return s.peak
}
