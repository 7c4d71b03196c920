package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/logtext"
)

// defaultTail is the log lines shown when the platform does not say.
const defaultTail = 30

// logMode is what of a log /logs shows.
type logMode struct {
	lines  int    // the end: how many lines (with the excerpt, at most in all)
	tail   bool   // the plain end, nothing recognised
	around int    // the lines around this one
	grep   string // the lines holding this
}

func parseLogs(r *Registry, a Args, req Request) (call, error) {
	slug, n, rest, err := takeRepoMaybeBuild(a.Positional)
	if err != nil {
		return call{}, err
	}
	if len(rest) > 1 || len(a.Params) > 0 {
		return call{}, usagef(msgOneStep)
	}
	step := ""
	if len(rest) == 1 {
		step = rest[0]
	}
	// -n alone asks for the plain end; beside --around or --grep it says
	// how many lines.
	mode := logMode{lines: a.Lines, tail: a.Tail || a.Lines > 0 && a.Around == 0 && a.Grep == "", around: a.Around, grep: a.Grep}
	modes := 0
	for _, set := range []bool{mode.tail, mode.around > 0, mode.grep != ""} {
		if set {
			modes++
		}
	}
	if modes > 1 {
		return call{}, usagef(msgLogOneMode)
	}
	if mode.lines == 0 {
		mode.lines = req.TailLines
	}
	if mode.lines <= 0 {
		mode.lines = defaultTail
	}
	return call{repo: slug, run: func(ctx context.Context) (Reply, error) {
		return r.runLogs(ctx, slug, n, step, mode)
	}}, nil
}

// runLogs shows a step of build n, or of the latest build of the default
// branch when n is 0.
func (r *Registry) runLogs(ctx context.Context, slug string, n int64, want string, mode logMode) (Reply, error) {
	var b *drone.Build
	var err error
	if n > 0 {
		b, err = r.getBuild(ctx, slug, n)
	} else {
		b, err = r.latestBuild(ctx, slug, "")
	}
	if err != nil {
		return Reply{}, err
	}
	n = b.Number
	stage, step, err := pickStep(b, want)
	if err != nil {
		return Reply{}, fmt.Errorf("%s #%d: %w", slug, n, err)
	}
	name := stage.Name + "/" + step.Name
	switch step.Status {
	case drone.StatusRunning:
		return Reply{}, fail(Warning, nil, msgStepRunning, name)
	case drone.StatusPending, drone.StatusWaiting, drone.StatusBlocked, "":
		return Reply{}, fail(Warning, nil, msgStepNotStarted, name)
	case drone.StatusSkipped:
		return Reply{}, fail(Warning, nil, msgStepSkipped, name)
	}
	opts := logtext.Options{Tail: mode.lines, Find: !mode.tail}
	switch {
	case mode.around > 0:
		opts = logtext.Options{Tail: -1, Around: mode.around, Radius: max(mode.lines/2, 1)}
	case mode.grep != "":
		opts = logtext.Options{Tail: -1, Grep: mode.grep, MaxMatches: mode.lines}
	}
	c := logtext.NewCollector(opts)
	_, err = r.deps.Drone.LogTail(ctx, slug, n, drone.RefOf(stage, step), drone.TailOptions{Lines: -1, Each: c.Line})
	switch {
	case drone.KindOf(err) == drone.KindLogNotReady:
		return Reply{}, fail(Warning, err, msgLogNotReadyFor, name)
	case drone.IsNotFound(err):
		return Reply{}, fail(Warning, err, msgNoStoredLog, name)
	case err != nil:
		return Reply{}, fmt.Errorf("log of %s: %w", name, err)
	}
	ex := c.Excerpt(r.masker)
	if opts.Find {
		fitExcerpt(ex, mode.lines)
	}
	return r.logsReply(slug, b, stage, step, ex, mode), nil
}

// fitExcerpt keeps an excerpt within about twice lines lines (what the
// platform shows of a plain tail), so that a platform that cuts long
// replies from the top rarely cuts: the blocks that explain the failure
// come first, the tail keeps at least a few lines.
func fitExcerpt(ex *logtext.Excerpt, lines int) {
	const minTail = 5
	inBlocks := 0
	for _, b := range ex.Blocks {
		inBlocks += len(b.Lines)
	}
	keepTail := min(len(ex.Tail.Lines), max(lines-inBlocks, minTail))
	if drop := len(ex.Tail.Lines) - keepTail; drop > 0 {
		ex.Tail.First += drop
		ex.Tail.Lines = ex.Tail.Lines[drop:]
	}
	room := max(2*lines-keepTail, minTail)
	// Over the room, the longest block loses its last line, again and
	// again: every block keeps its start.
	for total := inBlocks; total > room && len(ex.Blocks) > 0; total-- {
		longest := 0
		for i, b := range ex.Blocks {
			if len(b.Lines) > len(ex.Blocks[longest].Lines) {
				longest = i
			}
		}
		if b := &ex.Blocks[longest]; len(b.Lines) > 1 {
			b.Lines = b.Lines[:len(b.Lines)-1]
		} else {
			ex.Blocks = ex.Blocks[:len(ex.Blocks)-1]
		}
	}
}

func (r *Registry) logsReply(slug string, b *drone.Build, stage *drone.Stage, step *drone.Step, ex *logtext.Excerpt, mode logMode) Reply {
	p := r.say()
	title := fmt.Sprintf("%s #%d · %s/%s: %s", slug, b.Number, stage.Name, step.Name, step.Status)
	if step.Status.Failed() || step.ExitCode != 0 {
		title += p.f(msgExitCode, step.ExitCode)
	}
	shown := append(append([]logtext.Block(nil), ex.Blocks...), ex.Tail)
	count := 0
	for _, bl := range shown {
		count += len(bl.Lines)
	}
	ranges := lineRanges(shown)
	var text string
	switch {
	case ex.Total == 0:
		text = p.f(msgLogEmpty)
	case mode.grep != "" && ex.Matches == 0:
		text = p.f(msgLogGrepNone, ex.Total, shorten(mode.grep, 60))
	case mode.grep != "" && ex.Matches > count:
		text = p.f(msgLogGrepFirst, ex.Matches, shorten(mode.grep, 60), count, ranges, ex.Total)
	case mode.grep != "":
		text = p.n(ex.Matches, msgLogGrepOne, msgLogGrep, shorten(mode.grep, 60), ranges, ex.Total)
	case mode.around > ex.Total:
		text = p.f(msgLogPastEnd, ex.Total, mode.around)
	case mode.around > 0:
		text = p.f(msgLogAround, ranges, ex.Total, mode.around)
	case len(ex.Blocks) > 0:
		text = p.f(msgLogExcerpt, ranges, ex.Total)
	case count == ex.Total && count == 1:
		text = p.f(msgLogWholeOne)
	case count == ex.Total:
		text = p.f(msgLogWhole, count)
	case !mode.tail && !ex.Found:
		text = p.f(msgLogNoFailure, ranges, ex.Total)
	default:
		text = p.f(msgLogLastOf, count, ex.Total)
	}
	return Reply{
		Title:   title,
		Text:    text,
		Code:    numberedLines(shown, ex.Total, func(n int) string { return p.n(n, msgLogSkippedOne, msgLogSkipped) }),
		Links:   r.buildLinks(slug, b.Number),
		Buttons: buttonsFor(p, slug, b),
		Level:   statusLevel(step.Status),
	}
}

// lineRanges names the lines shown: "77–85, 108–109, 123–152".
func lineRanges(blocks []logtext.Block) string {
	var parts []string
	for _, b := range blocks {
		switch len(b.Lines) {
		case 0:
		case 1:
			parts = append(parts, strconv.Itoa(b.First))
		default:
			parts = append(parts, fmt.Sprintf("%d–%d", b.First, b.Last()))
		}
	}
	return strings.Join(parts, ", ")
}

// numberedLines shows each line after its number, with a marker wherever
// lines are left out.
func numberedLines(blocks []logtext.Block, total int, skipped func(int) string) string {
	last := 0
	for _, b := range blocks {
		if len(b.Lines) > 0 {
			last = b.Last()
		}
	}
	width := len(strconv.Itoa(last))
	var out []string
	prev := 0
	for _, b := range blocks {
		if len(b.Lines) == 0 {
			continue
		}
		if b.First > prev+1 {
			out = append(out, skipped(b.First-prev-1))
		}
		for i, l := range b.Lines {
			out = append(out, fmt.Sprintf("%*d  %s", width, b.First+i, l))
		}
		prev = b.Last()
	}
	if len(out) > 0 && prev < total {
		out = append(out, skipped(total-prev))
	}
	return strings.Join(out, "\n")
}

// pickStep finds the step the user named ("step" or "stage/step"), or by
// default the first failed step, else the running one, else the last step
// that started, else the last step.
func pickStep(b *drone.Build, want string) (*drone.Stage, *drone.Step, error) {
	if want == "" {
		if st, step := failedStep(b); step != nil {
			return st, step, nil
		}
		if st, step := runningStep(b); step != nil {
			return st, step, nil
		}
		if st, step := lastStep(b, true); step != nil {
			return st, step, nil
		}
		if st, step := lastStep(b, false); step != nil {
			return st, step, nil
		}
		if b.Error != "" {
			return nil, nil, fail(Error, nil, msgErroredBeforeSteps, b.Number, shorten(strings.TrimSpace(b.Error), 300))
		}
		return nil, nil, fail(Warning, nil, msgNoStepsYet, b.Number)
	}
	stageName, stepName, qualified := strings.Cut(want, "/")
	if !qualified {
		stageName, stepName = "", want
	}
	type hit struct {
		stage *drone.Stage
		step  *drone.Step
	}
	find := func(fold bool) []hit {
		eq := func(a, b string) bool { return a == b || fold && strings.EqualFold(a, b) }
		var hits []hit
		for _, st := range b.Stages {
			if qualified && !eq(st.Name, stageName) {
				continue
			}
			for _, step := range st.Steps {
				if eq(step.Name, stepName) {
					hits = append(hits, hit{st, step})
				}
			}
		}
		return hits
	}
	hits := find(false)
	if len(hits) == 0 {
		hits = find(true)
	}
	switch len(hits) {
	case 0:
		return nil, nil, fail(Error, nil, msgNoStep, b.Number, shorten(want, 60), stepNames(b))
	case 1:
		return hits[0].stage, hits[0].step, nil
	}
	return nil, nil, fail(Error, nil, msgAmbiguousStep, shorten(want, 60), b.Number, stepNames(b))
}

// stepNames lists the build's steps as stage/step, or is the message for
// none.
func stepNames(b *drone.Build) any {
	var names []string
	for _, st := range b.Stages {
		for _, step := range st.Steps {
			names = append(names, st.Name+"/"+step.Name)
		}
	}
	if len(names) == 0 {
		return say(msgNoSteps)
	}
	return strings.Join(names, ", ")
}
