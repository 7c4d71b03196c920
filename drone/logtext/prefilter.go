package logtext

import (
	"bytes"
	"fmt"
	"strings"
)

// prefilter finds which patterns' needles a line holds in one pass over its
// bytes. Each needle is anchored at its rarest byte pair (as log text
// goes: "rr" of "error", "xc" of "Exception"); a bit per pair says whether
// some needle is anchored there, and only at such pairs are needles
// compared. Ordinary lines hit no anchor at all.
type prefilter struct {
	anchors [1 << 16 / 64]uint64 // bit (b0<<8 | b1): some needle is anchored at b0 b1
	bucket  [1 << 16]uint8       // pair → 1 + index into buckets
	buckets [][]needle
}

type needle struct {
	text     []byte
	at       int    // where in text its anchor pair starts
	patterns uint64 // bit i: flatPatterns[i]
}

// flatPattern is a pattern with its ecosystem's name; a prefilter mask
// indexes flatPatterns.
type flatPattern struct {
	*pattern
	ecosystem string
}

func newPrefilter(flat []flatPattern) *prefilter {
	if len(flat) > 64 {
		panic(fmt.Sprintf("logtext: %d patterns, the prefilter holds 64", len(flat)))
	}
	p := &prefilter{}
	for i, fp := range flat {
		for _, n := range fp.needles {
			if len(n) < 2 {
				panic("logtext: needle " + n + " is shorter than 2 bytes")
			}
			at := rarestPair(n)
			pair := uint16(n[at])<<8 | uint16(n[at+1])
			p.anchors[pair>>6] |= 1 << (pair & 63)
			if p.bucket[pair] == 0 {
				p.buckets = append(p.buckets, nil)
				if len(p.buckets) > 255 {
					panic("logtext: too many needle anchors")
				}
				p.bucket[pair] = uint8(len(p.buckets))
			}
			list := p.buckets[p.bucket[pair]-1]
			found := false
			for j := range list {
				if string(list[j].text) == n {
					list[j].patterns |= 1 << i
					found = true
				}
			}
			if !found {
				list = append(list, needle{text: []byte(n), at: at, patterns: 1 << i})
			}
			p.buckets[p.bucket[pair]-1] = list
		}
	}
	return p
}

// rarestPair is where in n the byte pair least common in logs starts.
func rarestPair(n string) int {
	best, bestScore := 0, -1
	for i := 0; i+1 < len(n); i++ {
		if s := commonness(n[i]) * commonness(n[i+1]); bestScore < 0 || s < bestScore {
			best, bestScore = i, s
		}
	}
	return best
}

// commonness is a rough weight of how often b appears in build logs.
func commonness(b byte) int {
	switch {
	case b == ' ':
		return 20
	case strings.IndexByte("etaoinsrlcdu", b) >= 0:
		return 16
	case strings.IndexByte("hmpgfbywv", b) >= 0:
		return 8
	case b >= 'a' && b <= 'z', b >= '0' && b <= '9', strings.IndexByte("./-_:=", b) >= 0:
		return 4
	case b >= 'A' && b <= 'Z':
		return 3
	}
	return 2 // other punctuation, UTF-8 bytes
}

// scan returns the patterns whose needles line holds.
func (p *prefilter) scan(line []byte) (mask uint64) {
	anchors := &p.anchors
	for i := 1; i < len(line); i++ {
		pair := uint16(line[i-1])<<8 | uint16(line[i])
		if anchors[pair>>6]&(1<<(pair&63)) != 0 {
			mask |= p.verify(line, i-1, pair)
		}
	}
	return mask
}

// verify compares the needles anchored at the pair starting at line[i].
func (p *prefilter) verify(line []byte, i int, pair uint16) (mask uint64) {
	for _, n := range p.buckets[p.bucket[pair]-1] {
		if start := i - n.at; start >= 0 && bytes.HasPrefix(line[start:], n.text) {
			mask |= n.patterns
		}
	}
	return mask
}

var (
	flatPatterns = flatten(ecosystems)
	needleFilter = newPrefilter(flatPatterns)
)

func flatten(es []ecosystem) []flatPattern {
	var out []flatPattern
	for i := range es {
		for j := range es[i].patterns {
			out = append(out, flatPattern{pattern: &es[i].patterns[j], ecosystem: es[i].name})
		}
	}
	return out
}
