package watch

import (
	"cmp"
	"github.com/dronebot/dronebot/bot/store"
	"slices"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/notify"
)

// Verdict is what one finished build means for its line.
type Verdict struct {
	Outcomes []notify.Outcome
	// FailCount is how many failed builds in a row the line has seen,
	// this one included (still_failing reports it); 0 for a success.
	FailCount int
	// Line is the line's new state; nil when the line keeps its state or
	// the build has none.
	Line *store.Line
}

// HasLine reports whether builds of event belong to a line. Tag, promote
// and rollback builds do not: routes see them as failure or success only.
func HasLine(event string) bool {
	switch event {
	case drone.EventTag, drone.EventPromote, drone.EventRollback, "deployment":
		return false
	}
	return true
}

// Outcomes applies the outcome table to a finished build of repo, given the
// state of its line before (nil: unknown). It is pure: the caller stores the
// returned line.
//
// A build older than the one that last set the line (it finished after a
// newer build) is reported as failure or success and leaves the line alone,
// since the line follows its newest build.
func Outcomes(repo string, b *drone.Build, before *store.Line) Verdict {
	switch b.Status {
	case drone.StatusKilled, drone.StatusDeclined, drone.StatusSkipped:
		return Verdict{Outcomes: []notify.Outcome{notify.OutcomeKilled}}
	}
	failed, succeeded := b.Status.Failed(), b.Status == drone.StatusSuccess
	if !failed && !succeeded {
		return Verdict{} // not a final status the table knows
	}
	stale := before != nil && b.Number <= before.LastBuild
	if !HasLine(b.Event) || stale {
		if failed {
			return Verdict{Outcomes: []notify.Outcome{notify.OutcomeFailure}, FailCount: 1}
		}
		return Verdict{Outcomes: []notify.Outcome{notify.OutcomeSuccess}}
	}

	red := before != nil && before.Red
	next := &store.Line{Repo: repo, Branch: b.Branch(), LastBuild: b.Number, Red: failed}
	if before != nil {
		next.Since = before.Since
	}
	if failed {
		next.FailCount = 1
		if _, step := FirstFailedStep(b); step != nil {
			next.FailingStep = step.Name
		}
		if !red {
			next.Since = b.Finished
			return Verdict{Outcomes: []notify.Outcome{notify.OutcomeFailure}, FailCount: 1, Line: next}
		}
		next.FailCount = before.FailCount + 1
		return Verdict{Outcomes: []notify.Outcome{notify.OutcomeStillFailing}, FailCount: next.FailCount, Line: next}
	}
	if red || before == nil {
		next.Since = b.Finished
	}
	if red {
		return Verdict{Outcomes: []notify.Outcome{notify.OutcomeFixed, notify.OutcomeSuccess}, Line: next}
	}
	return Verdict{Outcomes: []notify.Outcome{notify.OutcomeSuccess}, Line: next}
}

// FailedSteps returns the failed steps of b with their stages, ordered by
// stage number, then step number.
func FailedSteps(b *drone.Build) (stages []*drone.Stage, steps []*drone.Step) {
	ordered := slices.Clone(b.Stages)
	slices.SortStableFunc(ordered, func(x, y *drone.Stage) int { return cmp.Compare(x.Number, y.Number) })
	for _, st := range ordered {
		if st == nil {
			continue
		}
		sorted := slices.Clone(st.Steps)
		slices.SortStableFunc(sorted, func(x, y *drone.Step) int { return cmp.Compare(x.Number, y.Number) })
		for _, step := range sorted {
			if step != nil && step.Status.Failed() {
				stages = append(stages, st)
				steps = append(steps, step)
			}
		}
	}
	return stages, steps
}

// FirstFailedStep is the failed step with the lowest stage number, then
// step number (nil when no step failed).
func FirstFailedStep(b *drone.Build) (*drone.Stage, *drone.Step) {
	stages, steps := FailedSteps(b)
	if len(steps) == 0 {
		return nil, nil
	}
	return stages[0], steps[0]
}
