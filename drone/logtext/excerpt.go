package logtext

import (
	"regexp"
	"strings"
)

// Defaults of Options.
const (
	DefaultTail       = 30
	DefaultBlockLines = 80
	DefaultRadius     = 10
	DefaultMatches    = 50
)

const (
	// contextRing is how many recent lines are kept for the context above
	// a hit; no pattern asks for more.
	contextRing = 16
	// mergeGap joins blocks this close: a marker would cost as much as the
	// lines it hides.
	mergeGap = 2
	// cmdGap is how far above a block its set -x command may be to be
	// shown with the lines between.
	cmdGap = 4
)

// Options say what an Excerpt keeps of a log.
type Options struct {
	// Tail is how many of the last lines to keep: 0 means DefaultTail,
	// a negative number none.
	Tail int
	// Find looks for the blocks that explain a failure (see recognise.go).
	Find bool
	// Around, when positive, keeps the lines within Radius (0:
	// DefaultRadius) of that line number.
	Around, Radius int
	// Grep, when set, keeps the lines holding it (ignoring case), at most
	// MaxMatches (0: DefaultMatches) of them.
	Grep       string
	MaxMatches int
	// MaxBlockLines bounds the lines of all blocks (0: DefaultBlockLines).
	MaxBlockLines int
}

// Excerpt is what a log shows: numbered blocks of lines, cleaned and
// masked, then the tail.
type Excerpt struct {
	Total  int     // lines in the whole log
	Blocks []Block // above the tail, in line order, not touching each other
	Tail   Block   // the last lines (First is 0 when there are none)
	// Found says that recognised blocks explain the failure; without them
	// the excerpt is the tail alone.
	Found bool
	// Cause is the first recognised line and CauseLine its number.
	Cause     string
	CauseLine int
	// Matches is how many lines matched Grep, shown or not.
	Matches int
}

// Block is consecutive lines of a log; First is the number of Lines[0].
type Block struct {
	First int
	Lines []string
}

// Last is the number of the block's last line.
func (b Block) Last() int { return b.First + len(b.Lines) - 1 }

// Collector reads a log line by line, as it streams in, and keeps only what
// its excerpt needs: the tail, a few lines of context, the blocks found so
// far and the state of private-key blocks. Most lines are copied into a
// reused buffer and looked at by the prefilter only.
type Collector struct {
	opts   Options
	n      int
	ring   []slot // the last lines, ring[n % len(ring)] is line n
	keys   KeyTracker
	blocks []*rawBlock
	kept   int // lines in blocks
	// The last block takes the lines up to openUntil unless one matches
	// a stop first.
	openUntil int
	stops     []*regexp.Regexp
	cmd       slot // the last `+ command` line of a set -x shell
	matches   int
	grep      string
	cause     slot
}

type slot struct {
	n     int
	inKey bool
	text  []byte
}

type rawBlock struct {
	first int
	inKey bool
	lines []string
	cmd   *slot // the set -x command above the block
}

func (b *rawBlock) last() int { return b.first + len(b.lines) - 1 }

// NewCollector starts an excerpt with opts.
func NewCollector(opts Options) *Collector {
	if opts.Tail == 0 {
		opts.Tail = DefaultTail
	}
	if opts.Radius <= 0 {
		opts.Radius = DefaultRadius
	}
	if opts.MaxMatches <= 0 {
		opts.MaxMatches = DefaultMatches
	}
	if opts.MaxBlockLines <= 0 {
		opts.MaxBlockLines = DefaultBlockLines
	}
	size := max(opts.Tail, contextRing)
	return &Collector{opts: opts, ring: make([]slot, size), grep: strings.ToLower(opts.Grep)}
}

// Line takes the next line of the log, without its newline. The collector
// copies what it keeps; line may be reused after the call.
func (c *Collector) Line(line []byte) {
	c.n++
	inKey := c.keys.Line(line)
	s := &c.ring[c.n%len(c.ring)]
	s.n, s.inKey, s.text = c.n, inKey, append(s.text[:0], line...)
	if isCommand(line) {
		c.cmd.n, c.cmd.inKey, c.cmd.text = c.n, inKey, append(c.cmd.text[:0], line...)
	}
	switch {
	case c.opts.Around > 0:
		if c.n >= c.opts.Around-c.opts.Radius && c.n <= c.opts.Around+c.opts.Radius {
			c.keep(s)
		}
	case c.grep != "":
		if strings.Contains(strings.ToLower(Clean(string(line))), c.grep) {
			c.matches++
			if c.matches <= c.opts.MaxMatches {
				c.keep(s)
			}
		}
	case c.opts.Find:
		c.find(s)
	}
}

// find extends the open block and tries the recognisers on s.
func (c *Collector) find(s *slot) {
	if c.kept >= c.opts.MaxBlockLines {
		return // enough to explain; the tail shows the end
	}
	taken := false
	if s.n <= c.openUntil {
		clean := Clean(string(s.text))
		if matchesAny(c.stops, clean) {
			c.openUntil = 0
		} else {
			c.appendLine(s)
			taken = true
		}
	}
	mask := needleFilter.scan(s.text)
	if mask == 0 {
		return
	}
	clean := Clean(string(s.text))
	before, after := 0, 0
	var back, until []*regexp.Regexp
	hit := false
	for i, fp := range flatPatterns {
		if mask&(1<<i) == 0 || !fp.re.MatchString(clean) || fp.not != nil && fp.not.MatchString(clean) {
			continue
		}
		hit = true
		before, after = max(before, fp.before), max(after, fp.after)
		if fp.back != nil {
			back = append(back, fp.back)
		}
		if fp.until != nil {
			until = append(until, fp.until)
		}
	}
	if !hit {
		return
	}
	if c.cause.n == 0 {
		c.cause.n, c.cause.inKey, c.cause.text = s.n, s.inKey, append(c.cause.text[:0], s.text...)
	}
	if !taken {
		c.startAt(s, c.firstAbove(s.n, before, back))
	}
	if end := s.n + after; end > c.openUntil || len(until) > 0 {
		c.openUntil, c.stops = max(end, s.n), until
	}
}

// firstAbove walks up from line n by at most before lines still in the
// ring and not yet shown, stopping after a line matching back.
func (c *Collector) firstAbove(n, before int, back []*regexp.Regexp) int {
	first := n
	shown := 0
	if len(c.blocks) > 0 {
		shown = c.blocks[len(c.blocks)-1].last()
	}
	for k := 1; k <= before && n-k > shown && n-k > c.n-len(c.ring); k++ {
		first = n - k
		if len(back) > 0 && matchesAny(back, Clean(string(c.ring[first%len(c.ring)].text))) {
			break
		}
	}
	return first
}

// startAt shows the lines first..s.n: in the last block when it ends close
// above, else in a new block.
func (c *Collector) startAt(s *slot, first int) {
	var last *rawBlock
	if len(c.blocks) > 0 {
		last = c.blocks[len(c.blocks)-1]
	}
	if last != nil && first-last.last() <= mergeGap+1 && last.last() >= c.n-len(c.ring) {
		for n := last.last() + 1; n <= s.n; n++ {
			c.appendLine(&c.ring[n%len(c.ring)])
		}
		return
	}
	shown := 0
	if last != nil {
		shown = last.last()
	}
	// The command that printed the block: shown with the lines between
	// when it is close above, else on its own.
	if c.cmd.n > shown && c.cmd.n < first && first-c.cmd.n <= cmdGap && c.cmd.n > c.n-len(c.ring) {
		first = c.cmd.n
	}
	b := &rawBlock{first: first, inKey: c.ring[first%len(c.ring)].inKey}
	if c.cmd.n > shown && c.cmd.n < first {
		cmd := slot{n: c.cmd.n, inKey: c.cmd.inKey, text: append([]byte(nil), c.cmd.text...)}
		b.cmd = &cmd
		c.kept++
	}
	c.blocks = append(c.blocks, b)
	for n := first; n <= s.n; n++ {
		c.appendLine(&c.ring[n%len(c.ring)])
	}
}

// keep shows s, in the last block when it follows on, else in a new one.
func (c *Collector) keep(s *slot) {
	if len(c.blocks) == 0 || c.blocks[len(c.blocks)-1].last() != s.n-1 {
		c.blocks = append(c.blocks, &rawBlock{first: s.n, inKey: s.inKey})
	}
	c.appendLine(s)
}

func (c *Collector) appendLine(s *slot) {
	b := c.blocks[len(c.blocks)-1]
	b.lines = append(b.lines, string(s.text))
	c.kept++
}

func matchesAny(res []*regexp.Regexp, s string) bool {
	for _, r := range res {
		if r.MatchString(s) {
			return true
		}
	}
	return false
}

// Excerpt returns what was collected, cleaned and masked by m. A block
// within the last lines is left to the tail; one that starts above them
// and reaches into them keeps its lines, and the tail is what follows, so
// that a rendering that shortens the tail never shortens a block.
func (c *Collector) Excerpt(m *Masker) *Excerpt {
	ex := &Excerpt{Total: c.n, Matches: c.matches}
	tailFirst := c.n + 1
	if c.opts.Tail > 0 {
		tailFirst = max(1, c.n-c.opts.Tail+1)
	}
	shownTo := 0 // blocks must not reach into each other
	add := func(first int, inKey bool, raw []string) {
		if first <= shownTo || first >= tailFirst || len(raw) == 0 {
			return // shown already, or by the tail
		}
		lines := m.MaskLinesFrom(cleanLines(raw), inKey)
		if n := len(ex.Blocks); n > 0 && ex.Blocks[n-1].Last()+1 == first {
			ex.Blocks[n-1].Lines = append(ex.Blocks[n-1].Lines, lines...)
		} else {
			ex.Blocks = append(ex.Blocks, Block{First: first, Lines: lines})
		}
		shownTo = first + len(raw) - 1
	}
	for _, b := range c.blocks {
		if b.cmd != nil {
			add(b.cmd.n, b.cmd.inKey, []string{string(b.cmd.text)})
		}
		add(b.first, b.inKey, b.lines)
	}
	if c.opts.Tail > 0 && c.n > 0 {
		first := max(tailFirst, shownTo+1)
		if first <= c.n {
			raw := make([]string, 0, c.n-first+1)
			for n := first; n <= c.n; n++ {
				raw = append(raw, string(c.ring[n%len(c.ring)].text))
			}
			ex.Tail = Block{First: first, Lines: m.MaskLinesFrom(cleanLines(raw), c.ring[first%len(c.ring)].inKey)}
		}
	}
	if c.opts.Find && c.cause.n > 0 {
		ex.Found = true
		ex.CauseLine = c.cause.n
		ex.Cause, _ = m.MaskFrom(Clean(string(c.cause.text)), c.cause.inKey)
	}
	return ex
}

func cleanLines(raw []string) []string {
	out := make([]string, len(raw))
	for i, l := range raw {
		out[i] = Clean(l)
	}
	return out
}

// isCommand reports whether line is a command echoed by a set -x shell
// ("+ cmd", "++ cmd" one level down), colour codes before it skipped.
func isCommand(line []byte) bool {
	for len(line) > 2 && line[0] == 0x1b && line[1] == '[' {
		i := 2
		for i < len(line) && (line[i] >= '0' && line[i] <= '9' || line[i] == ';') {
			i++
		}
		if i == len(line) {
			return false
		}
		line = line[i+1:]
	}
	i := 0
	for i < len(line) && line[i] == '+' {
		i++
	}
	return i > 0 && i < len(line) && line[i] == ' '
}
