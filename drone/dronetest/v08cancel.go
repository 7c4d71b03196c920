package dronetest

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/dronebot/dronebot/drone"
)

// v08Cancel is DELETE builds/{n}/{pid}: 204 for a running proc, 400 "Cannot
// cancel a non-running build" otherwise, 404 empty for an unknown build or
// pid. Killed procs exit 137. The fake acts as an agent that honours the
// cancel at once: the proc's unfinished steps are killed too, and the build
// ends killed once no top-level proc runs any more.
func (s *Server) v08Cancel(r *http.Request) answer {
	repo, b, fail := s.buildOfV08(r, permPush, http.StatusNotFound)
	if fail != nil {
		return fail
	}
	pid, err := strconv.Atoi(r.PathValue("pid"))
	if err != nil {
		return emptyV08(http.StatusBadRequest)
	}
	i, j, ok := findPid(b.spec, pid)
	if !ok {
		return emptyV08(http.StatusNotFound)
	}
	spec := cloneSpec(b.spec)
	stage := &spec.Stages[i]
	if j >= 0 {
		step := &stage.Steps[j]
		if step.Status != drone.StatusRunning {
			return textV08(http.StatusBadRequest, "Cannot cancel a non-running build")
		}
		step.Status, step.ExitCode = drone.StatusKilled, 137
		s.setSpecLocked(repo, b, spec)
		return noContentV08
	}
	if stage.Status != drone.StatusRunning {
		return textV08(http.StatusBadRequest, "Cannot cancel a non-running build")
	}
	killStage(stage)
	if !anyStageRunning(spec) {
		spec.Status, spec.Finished = drone.StatusKilled, s.now()
	}
	s.setSpecLocked(repo, b, spec)
	return noContentV08
}

// v08ZombieKill is DELETE builds/{n}: force-kills every proc of a running
// build (204); anything else is 400 "Cannot force cancel a non-running build".
func (s *Server) v08ZombieKill(r *http.Request) answer {
	repo, b, fail := s.buildOfV08(r, permAdmin, http.StatusNotFound)
	if fail != nil {
		return fail
	}
	if b.spec.Status != drone.StatusRunning {
		return textV08(http.StatusBadRequest, "Cannot force cancel a non-running build")
	}
	spec := cloneSpec(b.spec)
	for i := range spec.Stages {
		killStage(&spec.Stages[i])
	}
	spec.Status, spec.Finished = drone.StatusKilled, s.now()
	s.setSpecLocked(repo, b, spec)
	return noContentV08
}

// v08Gate approves or declines a blocked build: 200 with the build, 500 text
// when it is not blocked. Not recorded; follows the 0.8.10 handlers.
func (s *Server) v08Gate(approve bool) func(r *http.Request) answer {
	return func(r *http.Request) answer {
		repo, b, fail := s.buildOfV08(r, permPush, http.StatusNotFound)
		if fail != nil {
			return fail
		}
		verb := map[bool]string{true: "approve", false: "decline"}[approve]
		if b.spec.Status != drone.StatusBlocked {
			return textV08(http.StatusInternalServerError, fmt.Sprintf("cannot %s a build with status %s", verb, b.spec.Status))
		}
		spec := cloneSpec(b.spec)
		next := drone.StatusPending
		if !approve {
			next = drone.StatusDeclined
		}
		spec.Status = next
		for i := range spec.Stages {
			if spec.Stages[i].Status == drone.StatusBlocked {
				spec.Stages[i].Status = next
			}
		}
		s.setSpecLocked(repo, b, spec)
		return okJSONv08(http.StatusOK, s.buildV08Locked(repo, b, true, true))
	}
}

// killStage kills a top-level proc and its unfinished steps (exit 137).
func killStage(st *StageSpec) {
	if !st.Status.Done() {
		st.Status = drone.StatusKilled
	}
	for j := range st.Steps {
		if !st.Steps[j].Status.Done() {
			st.Steps[j].Status, st.Steps[j].ExitCode = drone.StatusKilled, 137
		}
	}
}

func anyStageRunning(spec BuildSpec) bool {
	for _, st := range spec.Stages {
		if !st.Status.Done() && started(st.Status) {
			return true
		}
	}
	return false
}
