package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// statusMark is a one-character picture of a status for plain text.
func statusMark(s drone.Status) string {
	switch s {
	case drone.StatusSuccess:
		return "✓"
	case drone.StatusFailure, drone.StatusError:
		return "✗"
	case drone.StatusRunning:
		return "▶"
	case drone.StatusPending, drone.StatusWaiting:
		return "…"
	case drone.StatusBlocked:
		return "⏸"
	case drone.StatusKilled, drone.StatusDeclined:
		return "■"
	case drone.StatusSkipped:
		return "-"
	}
	return "?"
}

func statusLevel(s drone.Status) Level {
	switch {
	case s == drone.StatusSuccess:
		return Success
	case s.Failed():
		return Error
	case s == drone.StatusKilled || s == drone.StatusDeclined || s == drone.StatusBlocked:
		return Warning
	}
	return Info
}

func shortCommit(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// span is how long something ran: start to stop, or start to now while it
// runs; "" when it never started.
func span(start, stop, now time.Time) string {
	if start.IsZero() {
		return ""
	}
	if stop.IsZero() || stop.Before(start) {
		stop = now
	}
	return formatDuration(stop.Sub(start))
}

func formatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	if d < time.Hour {
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// firstLine is the commit message's subject, cut to fit a field.
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return shorten(strings.TrimSpace(s), 80)
}

// buildFields are the facts shown for a build in /status and outcomes.
func buildFields(p *phrases, b *drone.Build, now time.Time) []Field {
	var f []Field
	add := func(name msgID, value string) {
		if value != "" {
			f = append(f, Field{Name: p.f(name), Value: value})
		}
	}
	add(msgBranch, b.Branch())
	add(msgEvent, b.Event)
	add(msgCommit, strings.TrimSpace(shortCommit(b.Commit)+" "+firstLine(b.Message)))
	author := b.Author
	if author == "" {
		author = b.AuthorName
	}
	add(msgAuthor, author)
	if b.DeployTo != "" {
		add(msgTarget, b.DeployTo)
	}
	add(msgDuration, span(b.Started, b.Finished, now))
	return f
}

// stepLines lists every stage and step: state, exit code and duration.
func stepLines(p *phrases, b *drone.Build, now time.Time) string {
	var sb strings.Builder
	for _, st := range b.Stages {
		fmt.Fprintf(&sb, "%s %s: %s", statusMark(st.Status), st.Name, st.Status)
		if d := span(st.Started, st.Stopped, now); d != "" {
			fmt.Fprintf(&sb, " (%s)", d)
		}
		sb.WriteByte('\n')
		for _, step := range st.Steps {
			fmt.Fprintf(&sb, "  %s %s: %s", statusMark(step.Status), step.Name, step.Status)
			if step.Status.Failed() || step.ExitCode != 0 {
				sb.WriteString(p.f(msgExitCode, step.ExitCode))
			}
			if d := span(step.Started, step.Stopped, now); d != "" {
				fmt.Fprintf(&sb, " (%s)", d)
			}
			sb.WriteByte('\n')
		}
	}
	return strings.TrimRight(sb.String(), "\n")
}

// failedStep is the first failed step, by stage number then step number.
func failedStep(b *drone.Build) (*drone.Stage, *drone.Step) {
	var bestStage *drone.Stage
	var best *drone.Step
	for _, st := range b.Stages {
		for _, step := range st.Steps {
			if !step.Status.Failed() {
				continue
			}
			if best == nil || st.Number < bestStage.Number ||
				st.Number == bestStage.Number && step.Number < best.Number {
				bestStage, best = st, step
			}
		}
	}
	return bestStage, best
}

// runningStep is the first running step, by stage number then step number.
func runningStep(b *drone.Build) (*drone.Stage, *drone.Step) {
	var bestStage *drone.Stage
	var best *drone.Step
	for _, st := range b.Stages {
		for _, step := range st.Steps {
			if step.Status != drone.StatusRunning {
				continue
			}
			if best == nil || st.Number < bestStage.Number ||
				st.Number == bestStage.Number && step.Number < best.Number {
				bestStage, best = st, step
			}
		}
	}
	return bestStage, best
}

// lastStep is the highest-numbered step of the highest-numbered stage that
// has steps; with started, of those that have started.
func lastStep(b *drone.Build, started bool) (*drone.Stage, *drone.Step) {
	var bestStage *drone.Stage
	var best *drone.Step
	for _, st := range b.Stages {
		for _, step := range st.Steps {
			if started && !stepStarted(step) {
				continue
			}
			if best == nil || st.Number > bestStage.Number ||
				st.Number == bestStage.Number && step.Number > best.Number {
				bestStage, best = st, step
			}
		}
	}
	return bestStage, best
}

// stepStarted says whether the step has begun: it has a start time or a
// status past waiting.
func stepStarted(s *drone.Step) bool {
	switch s.Status {
	case drone.StatusPending, drone.StatusWaiting, drone.StatusBlocked, "":
		return !s.Started.IsZero()
	}
	return true
}

func buttonsFor(p *phrases, slug string, b *drone.Build) []Button {
	if !b.Status.Done() {
		return nil
	}
	value := fmt.Sprintf("%s#%d", slug, b.Number)
	buttons := []Button{{Text: p.f(msgButtonRestart), Action: "restart", Value: value}}
	if b.Status.Failed() || b.Status == drone.StatusKilled {
		buttons = append(buttons, Button{Text: p.f(msgButtonLogs), Action: "logs", Value: value})
	}
	return buttons
}
