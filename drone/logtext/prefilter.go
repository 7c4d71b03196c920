package logtext

import (
	"bytes"
	"fmt"
	"strings"
)

// prefilter finds which patterns' needles a line holds in one pass over
// its bytes. Each needle is anchored at the byte pair least common in logs
// (as log text goes: the "rr" of "error", "FA" of "FAIL"); scanStride
// above 1 would look at fewer positions with as many anchors a needle,
// which the verification of the extra false hits costs back. A bit
// per pair says whether some needle is anchored there, and only at such
// pairs are needles compared. Ordinary lines hit no anchor at all.
type prefilter struct {
	stride  int                  // scan looks at every stride-th byte pair
	anchors [1 << 16 / 64]uint64 // bit (b0<<8 | b1): some needle is anchored at b0 b1
	bucket  [1 << 16]uint8       // pair → 1 + index into buckets
	buckets [][]needle
}

type needle struct {
	text     []byte
	at       int    // where in text this anchor pair starts
	patterns uint64 // bit i: flatPatterns[i]
}

// scanStride is how far apart the positions are that scan looks at; a
// needle has that many anchor pairs, so it is at least scanStride+1 bytes
// long.
const scanStride = 1

// flatPattern is a pattern with its ecosystem's name; a prefilter mask
// indexes flatPatterns.
type flatPattern struct {
	*pattern
	ecosystem string
}

func newPrefilter(flat []flatPattern, stride int) *prefilter {
	if len(flat) > 64 {
		panic(fmt.Sprintf("logtext: %d patterns, the prefilter holds 64", len(flat)))
	}
	p := &prefilter{stride: stride}
	for i, fp := range flat {
		for _, n := range fp.needles {
			if len(n) < stride+1 {
				panic("logtext: needle " + n + " is too short for the prefilter")
			}
			first := rarestPairs(n, stride)
			for at := first; at < first+stride; at++ {
				p.anchor(n, at, i)
			}
		}
	}
	return p
}

// anchor files needle n of pattern i under its pair at offset at.
func (p *prefilter) anchor(n string, at, i int) {
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
	for j := range list {
		if string(list[j].text) == n && list[j].at == at {
			list[j].patterns |= 1 << i
			return
		}
	}
	p.buckets[p.bucket[pair]-1] = append(list, needle{text: []byte(n), at: at, patterns: 1 << i})
}

// rarestPairs is where in n the stride consecutive byte pairs least common
// in logs start.
func rarestPairs(n string, stride int) int {
	// The window whose commonest pair is least common; then the smallest sum.
	best, bestWorst, bestSum := 0, -1, 0
	for i := 0; i+stride < len(n); i++ {
		worst, sum := 0, 0
		for j := i; j < i+stride; j++ {
			c := pairCost(n[j], n[j+1])
			worst, sum = max(worst, c), sum+c
		}
		if bestWorst < 0 || worst < bestWorst || worst == bestWorst && sum < bestSum {
			best, bestWorst, bestSum = i, worst, sum
		}
	}
	return best
}

// commonBigrams are the most frequent letter pairs of English text, which
// build logs are full of.
const commonBigrams = "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ce li ch be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut so rs un lo wa ge ie wh wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr av ag if ap gr od bo sp rd do uc bu ei ov by rm ep oc fa ef cu rn sc gi da yo cr cl du ga qu ue ba ey ls va um ua up lu go ht ru ug ds lt pi rc eg au ck ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob fu ph og ms ye ud mb ip ub oi rl gu dr hr tw ft wn nu"

// commonness is a rough weight of how often b appears in build logs:
// English letter frequencies, then digits, punctuation and capitals
// (CamelCase names).
func commonness(b byte) int {
	const letters = "etaoinshrdlcumwfgypbvkjxqz"
	switch {
	case b == ' ':
		return 40
	case b >= 'a' && b <= 'z':
		return 26 - strings.IndexByte(letters, b)
	case b == '-' || b == '=':
		return 14
	case b >= 'A' && b <= 'Z':
		return 12
	case b >= '0' && b <= '9':
		return 10
	case strings.IndexByte("./_:=,", b) >= 0:
		return 8
	case strings.IndexByte("()[]'\"", b) >= 0:
		return 4
	}
	return 1 // other punctuation, UTF-8 bytes
}

func pairCost(a, b byte) int {
	c := commonness(a) * commonness(b)
	switch {
	case a == b && a >= 'a' && a <= 'z':
		c /= 4 // doubled letters are rare: "rr" of error, "nn" of cannot
	case a == b && strings.IndexByte("=-_*.#~", a) >= 0:
		c *= 16 // rules and separators: ===, ----, ____
	case a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z' && strings.Contains(commonBigrams, string([]byte{a, b})):
		c *= 8
	case a == ' ' || b == ' ':
		c *= 4 // words begin and end everywhere
	}
	return c
}

// scan returns the patterns whose needles line holds.
func (p *prefilter) scan(line []byte) (mask uint64) {
	if len(line) < 2 {
		return 0
	}
	if p.stride > 1 {
		return p.scanStrided(line)
	}
	anchors := &p.anchors
	prev := uint16(line[0])
	for i, c := range line[1:] {
		pair := prev<<8 | uint16(c)
		prev = uint16(c)
		if anchors[pair>>6]&(1<<(pair&63)) != 0 {
			mask |= p.verify(line, i, pair)
		}
	}
	return mask
}

func (p *prefilter) scanStrided(line []byte) (mask uint64) {
	for i := 1; i < len(line); i += p.stride {
		pair := uint16(line[i-1])<<8 | uint16(line[i])
		if p.anchors[pair>>6]&(1<<(pair&63)) != 0 {
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
	needleFilter = newPrefilter(flatPatterns, scanStride)
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
