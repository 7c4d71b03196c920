package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/logtext"
)

// defaultTail is the log lines shown when the platform does not say.
const defaultTail = 30

func parseLogs(r *Registry, a Args, req Request) (call, error) {
	slug, n, rest, err := takeRepoBuild(a.Positional)
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
	lines := a.Lines
	if lines == 0 {
		lines = req.TailLines
	}
	if lines <= 0 {
		lines = defaultTail
	}
	return call{repo: slug, run: func(ctx context.Context) (Reply, error) {
		return r.runLogs(ctx, slug, n, step, lines)
	}}, nil
}

func (r *Registry) runLogs(ctx context.Context, slug string, n int64, want string, lines int) (Reply, error) {
	b, err := r.getBuild(ctx, slug, n)
	if err != nil {
		return Reply{}, err
	}
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
	tail, err := r.deps.Drone.LogTail(ctx, slug, n, drone.RefOf(stage, step),
		drone.TailOptions{Lines: lines, Mark: logtext.IsErrorLine})
	switch {
	case drone.KindOf(err) == drone.KindLogNotReady:
		return Reply{}, fail(Warning, err, msgLogNotReadyFor, name)
	case drone.IsNotFound(err):
		return Reply{}, fail(Warning, err, msgNoStoredLog, name)
	case err != nil:
		return Reply{}, fmt.Errorf("log of %s: %w", name, err)
	}
	return r.logsReply(slug, b, stage, step, tail), nil
}

func (r *Registry) logsReply(slug string, b *drone.Build, stage *drone.Stage, step *drone.Step, tail *drone.LogTail) Reply {
	p := r.say()
	title := fmt.Sprintf("%s #%d · %s/%s: %s", slug, b.Number, stage.Name, step.Name, step.Status)
	if step.Status.Failed() || step.ExitCode != 0 {
		title += p.f(msgExitCode, step.ExitCode)
	}
	cleaned := make([]string, len(tail.Lines))
	for i, l := range tail.Lines {
		cleaned[i] = logtext.Clean(l)
	}
	cleaned = r.masker.MaskLinesFrom(cleaned, tail.KeyOpen)
	var text string
	switch {
	case tail.Total == 0 && len(tail.Lines) == 0:
		text = p.f(msgLogEmpty)
	case len(tail.Lines) < tail.Total:
		text = p.f(msgLogLastOf, len(tail.Lines), tail.Total)
	case len(tail.Lines) == 1:
		text = p.f(msgLogWholeOne)
	default:
		text = p.f(msgLogWhole, len(tail.Lines))
	}
	if tail.Marked != "" && tail.MarkedLine > 0 {
		marked, _ := r.masker.MaskFrom(logtext.Clean(tail.Marked), tail.MarkedInKey)
		text += p.f(msgLogFirstError, tail.MarkedLine, shorten(marked, 200))
	}
	return Reply{
		Title:   title,
		Text:    text,
		Code:    strings.Join(cleaned, "\n"),
		Links:   r.buildLinks(slug, b.Number),
		Buttons: buttonsFor(p, slug, b),
		Level:   statusLevel(step.Status),
	}
}

// pickStep finds the step the user named ("step" or "stage/step"), or by
// default the first failed step, else the last step.
func pickStep(b *drone.Build, want string) (*drone.Stage, *drone.Step, error) {
	if want == "" {
		if st, step := failedStep(b); step != nil {
			return st, step, nil
		}
		if st, step := lastStep(b); step != nil {
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
