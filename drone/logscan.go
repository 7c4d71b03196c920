package drone

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// logSyntaxError is a step log that is not the JSON Drone sends.
type logSyntaxError struct {
	offset int64
	msg    string
}

func (e *logSyntaxError) Error() string {
	return fmt.Sprintf("read log: %s at byte %d", e.msg, e.offset)
}

var carriageReturn = []byte{'\r'}

// cutMarker ends a line cut at maxLineBytes, before the count of the bytes
// left out.
const cutMarker = " … [line cut: "

// logScanner reads a step log as Drone sends it, a JSON array of entries
// ({"pos":…,"out":"…","time":…}), and hands on the lines that the "out"
// strings make up. It decodes only those strings, straight from its read
// buffer into one reused line buffer: no decoder per entry and no
// allocation per line. A line longer than maxLineBytes is cut while it
// streams in and ends with a marker.
type logScanner struct {
	r      io.Reader
	buf    []byte
	pos    int   // next unread byte of buf
	end    int   // buf[pos:end] is unread
	offset int64 // bytes of the body before buf[0]
	err    error // from r, once it failed or ended

	line    []byte // the line being put together
	dropped int64  // bytes of the line cut off
	emit    func(line []byte)
}

func newLogScanner(r io.Reader, emit func([]byte)) *logScanner {
	return &logScanner{r: r, buf: make([]byte, 64<<10), line: make([]byte, 0, 4<<10), emit: emit}
}

// fill reads more of the body; it reports false at the end or on an error.
func (s *logScanner) fill() bool {
	if s.err != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.offset += int64(s.pos)
		s.pos, s.end = 0, n
	}
	for s.end < len(s.buf) {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	return true
}

// peek is the next byte after white space; ok is false at the end.
func (s *logScanner) peek() (byte, bool) {
	if s.pos < s.end && s.buf[s.pos] > ' ' {
		return s.buf[s.pos], true
	}
	return s.peekSlow()
}

func (s *logScanner) peekSlow() (byte, bool) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.fill() {
			return 0, false
		}
	}
}

func (s *logScanner) syntax(msg string) error {
	switch {
	case s.pos < s.end || s.err == nil:
		return &logSyntaxError{offset: s.offset + int64(s.pos), msg: msg}
	case errors.Is(s.err, io.EOF):
		return fmt.Errorf("read log: %s: %w", msg, io.ErrUnexpectedEOF)
	}
	return s.err // the body broke off: say so, not that it was wrong
}

// expect consumes c after white space.
func (s *logScanner) expect(c byte, what string) error {
	got, ok := s.peek()
	if !ok || got != c {
		return s.syntax("want " + what)
	}
	s.pos++
	return nil
}

// run reads the whole body. An empty body and null are an empty log.
func (s *logScanner) run() error {
	c, ok := s.peek()
	if !ok {
		if s.err != nil && !errors.Is(s.err, io.EOF) {
			return s.err
		}
		return nil
	}
	if c == 'n' {
		if err := s.literal("null"); err != nil {
			return err
		}
		return s.trailing()
	}
	if c != '[' {
		return s.syntax("want a JSON array")
	}
	s.pos++
	if c, ok := s.peek(); ok && c == ']' {
		s.pos++
		return s.trailing()
	}
	for {
		if err := s.entry(); err != nil {
			return err
		}
		if s.pos < s.end && s.buf[s.pos] == ',' {
			s.pos++
			continue
		}
		c, ok := s.peek()
		switch {
		case ok && c == ',':
			s.pos++
		case ok && c == ']':
			s.pos++
			s.finish()
			return s.trailing()
		default:
			return s.syntax("want , or ] after a log entry")
		}
	}
}

// trailing checks that nothing but white space follows the value.
func (s *logScanner) trailing() error {
	if _, ok := s.peek(); ok {
		return s.syntax("unexpected data after the log")
	}
	if s.err != nil && !errors.Is(s.err, io.EOF) {
		return s.err
	}
	return nil
}

// entry reads one {…} and decodes its "out".
func (s *logScanner) entry() error {
	if err := s.expect('{', "a log entry object"); err != nil {
		return err
	}
	if c, ok := s.peek(); ok && c == '}' {
		s.pos++
		return nil
	}
	for {
		switch s.member() {
		case memberNumber:
		case memberOut:
			if err := s.out(); err != nil {
				return err
			}
		default:
			if err := s.slowMember(); err != nil {
				return err
			}
		}
		if s.pos < s.end && s.buf[s.pos] == ',' {
			s.pos++
			continue
		}
		c, ok := s.peek()
		switch {
		case ok && c == ',':
			s.pos++
		case ok && c == '}':
			s.pos++
			return nil
		default:
			return s.syntax("want , or } in a log entry")
		}
	}
}

// What member found at s.pos.
const (
	memberOther  = iota // not the usual shape: nothing consumed
	memberNumber        // "key":123, consumed
	memberOut           // "out":" consumed; the string follows
)

// member reads the usual members of an entry straight from the buffer:
// a plain key, then an integer or the start of the "out" string.
func (s *logScanner) member() int {
	buf := s.buf[s.pos:s.end]
	if len(buf) < 4 || buf[0] != '"' {
		return memberOther
	}
	q := 1
	for q < len(buf) && q < 24 && buf[q] != '"' && buf[q] != '\\' {
		q++
	}
	if q+2 >= len(buf) || buf[q] != '"' || buf[q+1] != ':' {
		return memberOther
	}
	if q == 4 && buf[1] == 'o' && buf[2] == 'u' && buf[3] == 't' {
		if buf[q+2] != '"' {
			return memberOther
		}
		s.pos += q + 3
		return memberOut
	}
	i := q + 2
	for i < len(buf) && buf[i] >= '0' && buf[i] <= '9' {
		i++
	}
	if i == q+2 || i == len(buf) || buf[i] != ',' && buf[i] != '}' {
		return memberOther
	}
	s.pos += i
	return memberNumber
}

// slowMember reads any member: white space, escapes, other values.
func (s *logScanner) slowMember() error {
	isOut, err := s.key()
	if err != nil {
		return err
	}
	if err := s.expect(':', ":"); err != nil {
		return err
	}
	c, ok := s.peek()
	switch {
	case !ok:
		return s.syntax("want a value")
	case isOut && c == '"':
		s.pos++
		return s.out()
	case isOut && c == 'n':
		return s.literal("null")
	case isOut:
		return s.syntax(`"out" is not a string`)
	case c >= '0' && c <= '9' && s.skipShortNumber():
		return nil
	}
	return s.skipValue(0)
}

// key reads an object key and reports whether it is "out".
func (s *logScanner) key() (bool, error) {
	if err := s.expect('"', "a key"); err != nil {
		return false, err
	}
	// Keys are short and plain: most are read at once.
	seg := s.buf[s.pos:s.end]
	for i := 0; i < len(seg) && i < 16; i++ {
		switch seg[i] {
		case '"':
			s.pos += i + 1
			return i == 3 && seg[0] == 'o' && seg[1] == 'u' && seg[2] == 't', nil
		case '\\':
			i = 16
		}
	}
	var k [8]byte
	n := 0
	escaped := false
	for {
		if s.pos == s.end && !s.fill() {
			return false, s.syntax("unterminated key")
		}
		c := s.buf[s.pos]
		s.pos++
		switch {
		case escaped:
			escaped = false
			n = len(k) + 1 // an escaped key is not "out"
		case c == '\\':
			escaped = true
		case c == '"':
			return n == 3 && string(k[:3]) == "out", nil
		case n < len(k):
			k[n] = c
			n++
		default:
			n = len(k) + 1
		}
	}
}

// literal consumes word (null, true, false).
func (s *logScanner) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if s.pos == s.end && !s.fill() {
			return s.syntax("want " + word)
		}
		if s.buf[s.pos] != word[i] {
			return s.syntax("want " + word)
		}
		s.pos++
	}
	return nil
}

// skipValue skips any JSON value other than "out": numbers, strings,
// literals and, for fields a later Drone may add, objects and arrays.
func (s *logScanner) skipValue(depth int) error {
	if depth > 64 {
		return s.syntax("nested too deep")
	}
	c, ok := s.peek()
	if !ok {
		return s.syntax("want a value")
	}
	switch {
	case c == '"':
		s.pos++
		return s.skipString()
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		s.pos++
		if c, ok := s.peek(); ok && c == closer {
			s.pos++
			return nil
		}
		for {
			if closer == '}' {
				if _, err := s.key(); err != nil {
					return err
				}
				if err := s.expect(':', ":"); err != nil {
					return err
				}
			}
			if err := s.skipValue(depth + 1); err != nil {
				return err
			}
			c, ok := s.peek()
			switch {
			case ok && c == ',':
				s.pos++
			case ok && c == closer:
				s.pos++
				return nil
			default:
				return s.syntax("want , or " + string(closer))
			}
		}
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		for {
			for s.pos < s.end {
				switch c := s.buf[s.pos]; {
				case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
					s.pos++
				default:
					return nil
				}
			}
			if !s.fill() {
				return nil
			}
		}
	}
	return s.syntax("want a value")
}

// skipShortNumber skips a plain integer (pos, time, id) that ends within
// the buffer, and reports false to leave anything else to skipValue.
func (s *logScanner) skipShortNumber() bool {
	for i := s.pos; i < s.end; i++ {
		if c := s.buf[i]; c < '0' || c > '9' {
			if c == '.' || c == 'e' || c == 'E' {
				return false
			}
			s.pos = i
			return true
		}
	}
	return false
}

func (s *logScanner) skipString() error {
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '"')
		if i < 0 {
			// Keep a trailing backslash: it may escape the next quote.
			keep := 0
			if s.end > s.pos && s.buf[s.end-1] == '\\' {
				keep = 1
			}
			s.pos = s.end - keep
			if !s.fill() {
				return s.syntax("unterminated string")
			}
			continue
		}
		q := s.pos + i
		// The quote is escaped when an odd number of backslashes precede it.
		b := 0
		for j := q - 1; j >= s.pos && s.buf[j] == '\\'; j-- {
			b++
		}
		if b%2 == 0 {
			s.pos = q + 1
			return nil
		}
		s.pos = q + 1
	}
}

// out decodes the rest of an "out" string into lines.
func (s *logScanner) out() error {
	for {
		// Plain bytes up to the next quote or backslash go in at once.
		seg := s.buf[s.pos:s.end]
		q := bytes.IndexByte(seg, '"')
		bs := bytes.IndexByte(seg, '\\')
		stop := len(seg)
		if q >= 0 {
			stop = q
		}
		if bs >= 0 && bs < stop {
			stop = bs
		}
		s.add(seg[:stop])
		s.pos += stop
		if s.pos == s.end {
			if !s.fill() {
				return s.syntax("unterminated string")
			}
			continue
		}
		if s.buf[s.pos] == '"' {
			s.pos++
			return nil
		}
		if err := s.escape(); err != nil {
			return err
		}
	}
}

// escape decodes one backslash escape at s.pos.
func (s *logScanner) escape() error {
	for s.end-s.pos < 12 && s.fill() {
		// \uXXXX\uXXXX needs 12 bytes at hand; most escapes are far from
		// the end of the buffer and skip this.
	}
	if s.end-s.pos < 2 {
		s.pos = s.end
		return s.syntax("unterminated escape")
	}
	c := s.buf[s.pos+1]
	s.pos += 2
	switch c {
	case 'n':
		s.newline()
	case '"', '\\', '/':
		s.addByte(c)
	case 't':
		s.addByte('\t')
	case 'r':
		s.addByte('\r')
	case 'b':
		s.addByte('\b')
	case 'f':
		s.addByte('\f')
	case 'u':
		r, ok := s.hex4()
		if !ok {
			return s.syntax(`bad \u escape`)
		}
		if utf16.IsSurrogate(r) {
			r2 := utf8.RuneError
			if s.end-s.pos >= 6 && s.buf[s.pos] == '\\' && s.buf[s.pos+1] == 'u' {
				save := s.pos
				s.pos += 2
				if lo, ok := s.hex4(); ok && utf16.DecodeRune(r, lo) != utf8.RuneError {
					r2 = utf16.DecodeRune(r, lo)
				} else {
					s.pos = save
				}
			}
			r = r2
		}
		if r == '\n' {
			s.newline()
			return nil
		}
		var enc [utf8.UTFMax]byte
		s.add(enc[:utf8.EncodeRune(enc[:], r)])
	default:
		return s.syntax("bad escape")
	}
	return nil
}

func (s *logScanner) hex4() (rune, bool) {
	if s.end-s.pos < 4 {
		return 0, false
	}
	var v rune
	for _, c := range s.buf[s.pos : s.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.pos += 4
	return v, true
}

// add appends to the current line, cutting it at maxLineBytes.
func (s *logScanner) add(b []byte) {
	if s.dropped > 0 {
		s.dropped += int64(len(b))
		return
	}
	room := maxLineBytes - len(s.line)
	if len(b) <= room {
		s.line = append(s.line, b...)
		return
	}
	s.line = append(s.line, b[:room]...)
	// Cut at a rune boundary, not inside a character.
	keep := len(s.line)
	for i := 0; i < utf8.UTFMax && keep-i > 0; i++ {
		if utf8.RuneStart(s.line[keep-i-1]) {
			if !utf8.FullRune(s.line[keep-i-1:]) {
				keep -= i + 1
			}
			break
		}
	}
	s.dropped = int64(len(b)-room) + int64(len(s.line)-keep)
	s.line = s.line[:keep]
}

func (s *logScanner) addByte(c byte) {
	if s.dropped == 0 && len(s.line) < maxLineBytes {
		s.line = append(s.line, c)
		return
	}
	s.add([]byte{c})
}

// newline hands on the current line, even an empty one.
func (s *logScanner) newline() {
	if s.dropped > 0 {
		s.line = append(s.line, cutMarker...)
		s.line = strconv.AppendInt(s.line, s.dropped, 10)
		s.line = append(s.line, " bytes]"...)
	}
	s.emit(bytes.TrimSuffix(s.line, carriageReturn))
	s.line, s.dropped = s.line[:0], 0
}

// finish hands on a last line that has no newline.
func (s *logScanner) finish() {
	if len(s.line) > 0 || s.dropped > 0 {
		s.newline()
	}
}
