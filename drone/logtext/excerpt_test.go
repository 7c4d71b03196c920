package logtext

import (
	"fmt"
	"strings"
	"testing"
)

func collect(raw []string, opts Options) *Excerpt {
	c := NewCollector(opts)
	for _, l := range raw {
		c.Line([]byte(l))
	}
	return c.Excerpt(NewMasker())
}

// shownLines maps each shown line number to its text.
func shownLines(ex *Excerpt) map[int]string {
	out := map[int]string{}
	for _, b := range append(append([]Block(nil), ex.Blocks...), ex.Tail) {
		for i, l := range b.Lines {
			out[b.First+i] = l
		}
	}
	return out
}

func render(ex *Excerpt) string {
	var b strings.Builder
	prev := 0
	for _, bl := range append(append([]Block(nil), ex.Blocks...), ex.Tail) {
		if bl.First > prev+1 {
			fmt.Fprintf(&b, "… %d lines …\n", bl.First-prev-1)
		}
		for i, l := range bl.Lines {
			fmt.Fprintf(&b, "%4d  %s\n", bl.First+i, l)
		}
		prev = bl.Last()
	}
	return b.String()
}

func TestFixtureKeyLinesAreShown(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		t.Run(fx.Name, func(t *testing.T) {
			for _, tail := range []int{5, 30} {
				ex := collect(fx.Raw, Options{Find: true, Tail: tail})
				shown := shownLines(ex)
				for _, k := range fx.KeyLines {
					if _, ok := shown[k]; !ok {
						t.Errorf("tail %d: key line %d not shown: %q", tail, k, Clean(fx.Raw[k-1]))
					}
				}
				if !ex.Found {
					t.Errorf("tail %d: nothing recognised", tail)
				}
				blockLines := 0
				for _, b := range ex.Blocks {
					blockLines += len(b.Lines)
				}
				if t.Failed() || testing.Verbose() {
					t.Logf("tail %d: %d block lines\n%s", tail, blockLines, render(ex))
				}
			}
		})
	}
}
