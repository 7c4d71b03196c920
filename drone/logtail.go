package drone

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/dronebot/dronebot/drone/logtext"
)

const (
	defaultTailLines = 30
	// maxLineBytes bounds one reassembled line, so a log without newlines
	// cannot grow the tail without limit.
	maxLineBytes = 64 << 10
)

// tailer reassembles lines from log chunks and keeps only the last ones.
type tailer struct {
	ring    []string
	inKey   []bool // ring[i] starts inside a private-key block
	next    int    // where the next line goes in ring
	total   int
	partial strings.Builder
	cut     bool // partial was truncated at maxLineBytes
	each    func([]byte)
	keys    logtext.KeyTracker
}

func newTailer(opts TailOptions) *tailer {
	n := opts.Lines
	switch {
	case n == 0:
		n = defaultTailLines
	case n < 0:
		n = 0
	}
	return &tailer{ring: make([]string, 0, n), inKey: make([]bool, 0, n), each: opts.Each}
}

// write takes one chunk: any number of lines, possibly ending mid-line.
func (t *tailer) write(chunk string) {
	for {
		i := strings.IndexByte(chunk, '\n')
		if i < 0 {
			t.appendPartial(chunk)
			return
		}
		piece := chunk[:i]
		chunk = chunk[i+1:]
		if t.partial.Len() == 0 && !t.cut {
			t.line(strings.Clone(strings.TrimSuffix(piece, "\r")))
			continue
		}
		t.appendPartial(piece)
		line := strings.TrimSuffix(t.partial.String(), "\r")
		t.partial.Reset()
		t.cut = false
		t.line(line)
	}
}

func (t *tailer) appendPartial(s string) {
	room := maxLineBytes - t.partial.Len()
	if len(s) > room {
		s, t.cut = s[:max(room, 0)], true
	}
	t.partial.WriteString(s)
}

func (t *tailer) line(s string) {
	if len(s) > maxLineBytes {
		s = s[:maxLineBytes]
	}
	t.total++
	if t.each != nil {
		t.each([]byte(s))
	}
	if cap(t.ring) == 0 {
		return
	}
	inKey := t.keys.Line([]byte(s))
	if len(t.ring) < cap(t.ring) {
		t.ring = append(t.ring, s)
		t.inKey = append(t.inKey, inKey)
		return
	}
	t.ring[t.next], t.inKey[t.next] = s, inKey
	t.next = (t.next + 1) % len(t.ring)
}

// result flushes a final line without newline and returns the tail.
func (t *tailer) result() *LogTail {
	if t.partial.Len() > 0 || t.cut {
		line := strings.TrimSuffix(t.partial.String(), "\r")
		t.partial.Reset()
		t.cut = false
		t.line(line)
	}
	out := &LogTail{Total: t.total, Lines: make([]string, 0, len(t.ring))}
	out.Lines = append(out.Lines, t.ring[t.next:]...)
	out.Lines = append(out.Lines, t.ring[:t.next]...)
	if len(t.ring) > 0 {
		out.KeyOpen = t.inKey[t.next%len(t.ring)]
	}
	return out
}

// logChunk is what both dialects send per entry: 1.x {pos,out,time},
// 0.8 {proc,pos,out,time}. Only out matters for the tail.
type logChunk struct {
	Out string `json:"out"`
}

// readLogTail decodes a JSON array of chunks one entry at a time, never
// holding more than one chunk and the tail.
func readLogTail(r io.Reader, opts TailOptions) (*LogTail, error) {
	t := newTailer(opts)
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err == io.EOF {
		return t.result(), nil // empty body: an empty log
	}
	if err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	if tok == nil {
		return t.result(), nil // null
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("read log: want a JSON array, got %v", tok)
	}
	for dec.More() {
		var c logChunk
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("read log entry %d: %w", t.total, err)
		}
		t.write(c.Out)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("read log end: %w", err)
	}
	return t.result(), nil
}
