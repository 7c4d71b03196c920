package logtext

import "bytes"

// text is a line as the stream holds it or as it is shown.
type text interface{ ~string | ~[]byte }

// findKeyMarker finds the first "-----BEGIN … PRIVATE KEY-----" marker (or,
// with begin false, the first END marker) in s at or after from. The label
// between the word and PRIVATE KEY may be empty or any of A–Z, 0–9 and
// spaces (RSA, EC, OPENSSH, ENCRYPTED, PGP … BLOCK).
func findKeyMarker[T text](s T, from int, begin bool) (start, end int, ok bool) {
	word := "END "
	if begin {
		word = "BEGIN "
	}
	for i := from; i+5 <= len(s); i++ {
		if s[i] != '-' || s[i+1] != '-' || s[i+2] != '-' || s[i+3] != '-' || s[i+4] != '-' {
			continue
		}
		if e, found := keyMarkerEnd(s, i+5, word); found {
			return i, e, true
		}
	}
	return 0, 0, false
}

// keyMarkerEnd checks for `WORD label PRIVATE KEY[ BLOCK]-----` at s[p:]
// and returns the index after it.
func keyMarkerEnd[T text](s T, p int, word string) (int, bool) {
	if !hasPrefixAt(s, p, word) {
		return 0, false
	}
	p += len(word)
	q := p
	for q < len(s) && q-p < 64 && (s[q] >= 'A' && s[q] <= 'Z' || s[q] >= '0' && s[q] <= '9' || s[q] == ' ') {
		q++
	}
	label := s[p:q]
	if !hasSuffix(label, "PRIVATE KEY") && !hasSuffix(label, "PRIVATE KEY BLOCK") || !hasPrefixAt(s, q, "-----") {
		return 0, false
	}
	return q + 5, true
}

func hasPrefixAt[T text](s T, p int, prefix string) bool {
	if len(s)-p < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[p+i] != prefix[i] {
			return false
		}
	}
	return true
}

func hasSuffix[T text](s T, suffix string) bool {
	return len(s) >= len(suffix) && hasPrefixAt(s, len(s)-len(suffix), suffix)
}

// keyInAfter reports whether a private-key block is open at the end of
// line, given whether one was open at its start.
func keyInAfter[T text](in bool, line T) bool {
	pos := 0
	for {
		_, end, ok := findKeyMarker(line, pos, !in)
		if !ok {
			return in
		}
		pos, in = end, !in
	}
}

var (
	needlePrivateKey = []byte("PRIVATE KEY")
	needleEnd        = []byte("-----END ")
)

// KeyTracker follows private-key blocks through a whole log, line by line,
// so that a line shown on its own is known to be key material even when the
// block's BEGIN line is far above it. The zero value starts outside a block.
type KeyTracker struct{ in bool }

// Line takes the next line of the log and reports whether it starts inside a
// private-key block (pass that to Masker.MaskFrom). Lines that cannot hold a
// marker cost one byte search.
func (k *KeyTracker) Line(line []byte) (inAtStart bool) {
	inAtStart = k.in
	// One byte search rules out most lines: no K, no "PRIVATE KEY".
	if !k.in && (bytes.IndexByte(line, 'K') < 0 || bytes.Index(line, needlePrivateKey) < 0) ||
		k.in && bytes.Index(line, needleEnd) < 0 {
		return inAtStart
	}
	k.in = keyInAfter(k.in, line)
	return inAtStart
}

// In reports whether a block is open after the last line.
func (k *KeyTracker) In() bool { return k.in }
