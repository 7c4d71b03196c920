package watch

import (
	"github.com/dronebot/dronebot/bot/store"
	"slices"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/notify"
)

func TestOutcomes(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	fin := t0.Add(time.Hour)
	failedBuild := func(st drone.Status) *drone.Build {
		return &drone.Build{Number: 10, Status: st, Event: drone.EventPush, Target: "main", Finished: fin,
			Stages: []*drone.Stage{{Number: 1, Name: "default", Steps: []*drone.Step{
				{Number: 1, Name: "clone", Status: drone.StatusSuccess},
				{Number: 2, Name: "test", Status: drone.StatusFailure, ExitCode: 2},
			}}}}
	}
	build := func(st drone.Status, event string) *drone.Build {
		return &drone.Build{Number: 10, Status: st, Event: event, Source: "feature", Target: "main", Finished: fin}
	}
	green := &store.Line{Repo: "octo/demo", Branch: "main", LastBuild: 9, Since: t0}
	red := &store.Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 3, LastBuild: 9, Since: t0, FailingStep: "lint"}

	tests := []struct {
		name      string
		build     *drone.Build
		before    *store.Line
		want      []notify.Outcome
		failCount int
		line      *store.Line // nil: the line keeps its state
	}{
		{"failure on unknown", failedBuild(drone.StatusFailure), nil, []notify.Outcome{notify.OutcomeFailure}, 1,
			&store.Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 1, LastBuild: 10, Since: fin, FailingStep: "test"}},
		{"failure on green", failedBuild(drone.StatusFailure), green, []notify.Outcome{notify.OutcomeFailure}, 1,
			&store.Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 1, LastBuild: 10, Since: fin, FailingStep: "test"}},
		{"error on green", build(drone.StatusError, drone.EventPush), green, []notify.Outcome{notify.OutcomeFailure}, 1,
			&store.Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 1, LastBuild: 10, Since: fin}},
		{"failure on red", failedBuild(drone.StatusFailure), red, []notify.Outcome{notify.OutcomeStillFailing}, 4,
			&store.Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 4, LastBuild: 10, Since: t0, FailingStep: "test"}},
		{"error on red", build(drone.StatusError, drone.EventCron), red, []notify.Outcome{notify.OutcomeStillFailing}, 4,
			&store.Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 4, LastBuild: 10, Since: t0}},
		{"success on red", build(drone.StatusSuccess, drone.EventPush), red, []notify.Outcome{notify.OutcomeFixed, notify.OutcomeSuccess}, 0,
			&store.Line{Repo: "octo/demo", Branch: "main", LastBuild: 10, Since: fin}},
		{"success on green", build(drone.StatusSuccess, drone.EventCustom), green, []notify.Outcome{notify.OutcomeSuccess}, 0,
			&store.Line{Repo: "octo/demo", Branch: "main", LastBuild: 10, Since: t0}},
		{"success on unknown", build(drone.StatusSuccess, drone.EventPush), nil, []notify.Outcome{notify.OutcomeSuccess}, 0,
			&store.Line{Repo: "octo/demo", Branch: "main", LastBuild: 10, Since: fin}},
		{"killed on red", build(drone.StatusKilled, drone.EventPush), red, []notify.Outcome{notify.OutcomeKilled}, 0, nil},
		{"declined on green", build(drone.StatusDeclined, drone.EventPush), green, []notify.Outcome{notify.OutcomeKilled}, 0, nil},
		{"skipped on unknown", build(drone.StatusSkipped, drone.EventPush), nil, []notify.Outcome{notify.OutcomeKilled}, 0, nil},
		{"pull request uses the source branch", build(drone.StatusFailure, drone.EventPullRequest), nil, []notify.Outcome{notify.OutcomeFailure}, 1,
			&store.Line{Repo: "octo/demo", Branch: "feature", Red: true, FailCount: 1, LastBuild: 10, Since: fin}},
		{"tag failure has no line", build(drone.StatusFailure, drone.EventTag), red, []notify.Outcome{notify.OutcomeFailure}, 1, nil},
		{"promote success has no line", build(drone.StatusSuccess, drone.EventPromote), red, []notify.Outcome{notify.OutcomeSuccess}, 0, nil},
		{"rollback error has no line", build(drone.StatusError, drone.EventRollback), nil, []notify.Outcome{notify.OutcomeFailure}, 1, nil},
		{"older build after a newer one: failure, line kept", build(drone.StatusFailure, drone.EventPush),
			&store.Line{Repo: "octo/demo", Branch: "main", LastBuild: 11}, []notify.Outcome{notify.OutcomeFailure}, 1, nil},
		{"older build after a newer one: success, no fixed", build(drone.StatusSuccess, drone.EventPush),
			&store.Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 1, LastBuild: 11}, []notify.Outcome{notify.OutcomeSuccess}, 0, nil},
		{"unfinished build has no outcome", build(drone.StatusRunning, drone.EventPush), green, nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Outcomes("octo/demo", tt.build, tt.before)
			if !slices.Equal(got.Outcomes, tt.want) {
				t.Errorf("outcomes = %v, want %v", got.Outcomes, tt.want)
			}
			if got.FailCount != tt.failCount {
				t.Errorf("fail count = %d, want %d", got.FailCount, tt.failCount)
			}
			switch {
			case tt.line == nil && got.Line != nil:
				t.Errorf("line = %+v, want unchanged", *got.Line)
			case tt.line != nil && got.Line == nil:
				t.Errorf("line unchanged, want %+v", *tt.line)
			case tt.line != nil && *got.Line != *tt.line:
				t.Errorf("line = %+v, want %+v", *got.Line, *tt.line)
			}
		})
	}
}

func TestFirstFailedStepOrder(t *testing.T) {
	b := &drone.Build{Stages: []*drone.Stage{
		{Number: 2, Name: "arm", Steps: []*drone.Step{{Number: 1, Name: "a", Status: drone.StatusFailure}}},
		{Number: 1, Name: "amd", Steps: []*drone.Step{
			{Number: 3, Name: "late", Status: drone.StatusError},
			{Number: 2, Name: "early", Status: drone.StatusFailure},
			{Number: 1, Name: "ok", Status: drone.StatusSuccess},
		}},
	}}
	stage, step := FirstFailedStep(b)
	if stage.Name != "amd" || step.Name != "early" {
		t.Fatalf("first failed = %s/%s, want amd/early", stage.Name, step.Name)
	}
	_, steps := FailedSteps(b)
	var names []string
	for _, s := range steps {
		names = append(names, s.Name)
	}
	if want := []string{"early", "late", "a"}; !slices.Equal(names, want) {
		t.Fatalf("failed steps = %v, want %v", names, want)
	}
}
