package notify

import (
	"fmt"
	"strconv"
)

// LogBlock is consecutive lines of a step's log; First is the 1-based
// number of Lines[0].
type LogBlock struct {
	First int      `json:"first"`
	Lines []string `json:"lines"`
}

// LogView is how much of an excerpt a rendering shows: the first Blocks
// lines of its blocks and the last Tail lines of its tail. Renderings that
// must fit a size shorten the tail first, then the blocks.
type LogView struct{ Blocks, Tail int }

// FullView shows everything.
func (l *LogExcerpt) FullView() LogView { return LogView{Blocks: l.blockLines(), Tail: len(l.Lines)} }

func (l *LogExcerpt) blockLines() int {
	n := 0
	for _, b := range l.Blocks {
		n += len(b.Lines)
	}
	return n
}

// TailFirst is the number of the tail's first line.
func (l *LogExcerpt) TailFirst() int { return max(l.Total, len(l.Lines)) - len(l.Lines) + 1 }

// Numbered is view v of the excerpt as lines to show in a code block: each
// log line after its number, and "… N lines …" (skipped, a format with the
// count) wherever lines are left out. Lines longer than maxLine bytes are
// cut. It also returns how many log lines it shows.
func (l *LogExcerpt) Numbered(v LogView, skipped string, maxLine int) (out []string, shown int) {
	total := max(l.Total, len(l.Lines))
	type numbered struct {
		n    int
		text string
	}
	var pick []numbered
	left := v.Blocks
	for _, b := range l.Blocks {
		for i, text := range b.Lines {
			if left == 0 {
				break
			}
			pick = append(pick, numbered{b.First + i, text})
			left--
		}
	}
	tailFirst := l.TailFirst()
	for i := len(l.Lines) - min(v.Tail, len(l.Lines)); i < len(l.Lines); i++ {
		if n := tailFirst + i; len(pick) == 0 || n > pick[len(pick)-1].n {
			pick = append(pick, numbered{n, l.Lines[i]})
		}
	}
	if len(pick) == 0 {
		return nil, 0
	}
	width := len(strconv.Itoa(pick[len(pick)-1].n))
	prev := 0
	for _, p := range pick {
		if p.n > prev+1 {
			out = append(out, fmt.Sprintf(skipped, p.n-prev-1))
		}
		out = append(out, fmt.Sprintf("%*d  %s", width, p.n, TruncateBytes(p.text, maxLine, "…")))
		prev = p.n
	}
	if prev < total {
		out = append(out, fmt.Sprintf(skipped, total-prev))
	}
	return out, len(pick)
}

// FitLog finds the largest view of l that fits: the tail loses its oldest
// lines first, then the blocks lose their last lines. ok is false when not
// even a view of no lines fits.
func FitLog(l *LogExcerpt, fits func(LogView) bool) (v LogView, ok bool) {
	full := l.FullView()
	if fits(full) {
		return full, true
	}
	// The largest n in [0, hi] for which try(n) fits, assuming fewer lines
	// are never longer.
	largest := func(hi int, try func(int) LogView) (int, bool) {
		lo, found := 0, false
		if !fits(try(0)) {
			return 0, false
		}
		found = true
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if fits(try(mid)) {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		return lo, found
	}
	if t, found := largest(full.Tail, func(t int) LogView { return LogView{Blocks: full.Blocks, Tail: t} }); found {
		return LogView{Blocks: full.Blocks, Tail: t}, true
	}
	if b, found := largest(full.Blocks, func(b int) LogView { return LogView{Blocks: b} }); found {
		return LogView{Blocks: b}, true
	}
	return LogView{}, false
}
