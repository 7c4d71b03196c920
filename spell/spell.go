// Package spell finds the word a typo meant: the nearest of the known
// words by edit distance.
package spell

// maxRunes bounds the words compared, so a pasted paragraph costs little.
const maxRunes = 64

// Distance counts the insertions, deletions, substitutions and swaps of
// two neighbours that turn a into b (optimal string alignment): a swapped
// pair, the commonest typo, costs one. Words over 64 runes are 64 apart.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > maxRunes || len(rb) > maxRunes {
		return maxRunes
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// Limit is how far a typo of word may be from what was meant: one edit
// for short words, two for longer ones, three past a dozen runes.
func Limit(word string) int {
	switch n := len([]rune(word)); {
	case n <= 4:
		return 1
	case n <= 12:
		return 2
	}
	return 3
}

// Nearest is the candidate nearest to word within Limit(word), or "" when
// none is that near, or two are equally near.
func Nearest(word string, candidates []string) string {
	best, bestDist, tie := "", Limit(word)+1, false
	for _, c := range candidates {
		d := Distance(word, c)
		switch {
		case d < bestDist:
			best, bestDist, tie = c, d, false
		case d == bestDist && c != best:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}
