package drone

import (
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/dronebot/dronebot/drone/logtext"
)

const (
	defaultTailLines = 30
	// maxLineBytes bounds one line, so a log without newlines cannot grow
	// the tail without limit; a longer line is cut with a marker.
	maxLineBytes = 64 << 10
)

// tailer keeps the last lines of a log in reused buffers and hands every
// line to TailOptions.Each.
type tailer struct {
	ring  [][]byte // the last lines; ring[next] is the oldest once full
	inKey []bool   // ring[i] starts inside a private-key block
	full  bool
	next  int
	total int
	each  func([]byte)
	keys  logtext.KeyTracker
}

func newTailer(opts TailOptions) *tailer {
	n := opts.Lines
	switch {
	case n == 0:
		n = defaultTailLines
	case n < 0:
		n = 0
	}
	return &tailer{ring: make([][]byte, n), inKey: make([]bool, n), each: opts.Each}
}

// add takes the next line; the tailer copies what it keeps.
func (t *tailer) add(line []byte) {
	t.total++
	if t.each != nil {
		t.each(line)
	}
	if len(t.ring) == 0 {
		return
	}
	t.inKey[t.next] = t.keys.Line(line)
	t.ring[t.next] = append(t.ring[t.next][:0], line...)
	t.next++
	if t.next == len(t.ring) {
		t.next, t.full = 0, true
	}
}

// line takes the next line as a string, cut at maxLineBytes like the
// lines of logScanner.
func (t *tailer) line(s string) {
	if len(s) <= maxLineBytes {
		t.add([]byte(s))
		return
	}
	keep := maxLineBytes
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	b := append([]byte(s[:keep]), cutMarker...)
	b = strconv.AppendInt(b, int64(len(s)-keep), 10)
	t.add(append(b, " bytes]"...))
}

// result returns the tail.
func (t *tailer) result() *LogTail {
	out := &LogTail{Total: t.total, Lines: []string{}}
	first := 0
	if t.full {
		first = t.next
	}
	kept := t.next
	if t.full {
		kept = len(t.ring)
	}
	for i := range kept {
		j := (first + i) % len(t.ring)
		out.Lines = append(out.Lines, string(t.ring[j]))
		if i == 0 {
			out.KeyOpen = t.inKey[j]
		}
	}
	return out
}

// readLogTail streams a Drone log body (a JSON array of entries) through a
// tailer, holding one read buffer, one line and the tail.
func readLogTail(r io.Reader, opts TailOptions) (*LogTail, error) {
	t := newTailer(opts)
	if err := newLogScanner(r, t.add).run(); err != nil {
		return nil, err
	}
	return t.result(), nil
}
