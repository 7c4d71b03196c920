package dronetest

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/dronebot/dronebot/drone"
)

// runnerChunks cuts log lines into chunks the way a 1.x runner uploads them:
// mostly one line per chunk, now and then two lines in one chunk, a line
// split over two chunks, and empty chunks. Clients must reassemble.
func runnerChunks(lines []string) []string {
	var chunks []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case i%7 == 3 && i+1 < len(lines):
			chunks = append(chunks, line+"\n"+lines[i+1]+"\n")
			i++
		case i%11 == 5 && len(line) > 1:
			half := len(line) / 2
			chunks = append(chunks, line[:half], line[half:]+"\n")
		default:
			chunks = append(chunks, line+"\n")
		}
		if len(chunks)%8 == 7 {
			chunks = append(chunks, "")
		}
	}
	if len(chunks) > 0 {
		chunks = append(chunks, "") // the runner flushes an empty chunk at the end
	}
	return chunks
}

// hasLog reports whether a step has a stored log: only a step that ran to
// its end has one (running, pending and skipped steps answer 404).
func hasLog(st drone.Status) bool {
	return st.Done() && st != drone.StatusSkipped && st != drone.StatusDeclined
}

// chunkTime is the recorded seconds-since-start of chunk i, 0 if not given.
func chunkTime(step StepSpec, i int) int64 {
	if i < len(step.LogTimes) {
		return int64(step.LogTimes[i])
	}
	return 0
}

// v1Log is GET builds/{n}/logs/{stage}/{step}: the chunk array, or 404 "sql:
// no rows in result set" for an unknown stage or step or one without a log.
func (s *Server) v1Log(r *http.Request) answer {
	_, b, fail := s.buildOfV1(r, false)
	if fail != nil {
		return fail
	}
	stageNo, err1 := strconv.Atoi(r.PathValue("stage"))
	stepNo, err2 := strconv.Atoi(r.PathValue("step"))
	if err1 != nil || err2 != nil || stageNo < 1 || stageNo > len(b.spec.Stages) {
		return errV1(http.StatusNotFound, msgNoRows)
	}
	steps := b.spec.Stages[stageNo-1].Steps
	if stepNo < 1 || stepNo > len(steps) || !hasLog(steps[stepNo-1].Status) {
		return errV1(http.StatusNotFound, msgNoRows)
	}
	step := steps[stepNo-1]
	chunks := step.LogChunks
	if chunks == nil {
		chunks = runnerChunks(step.Log)
	}
	out := make([]lineV1, 0, len(chunks))
	for i, c := range chunks {
		out = append(out, lineV1{Pos: i, Out: c, Time: chunkTime(step, i)})
	}
	return okJSONv1(out)
}

// lineV08 is one 0.8 log entry; time is left out when 0.
type lineV08 struct {
	Proc string `json:"proc"`
	Time int64  `json:"time,omitempty"`
	Pos  int    `json:"pos"`
	Out  string `json:"out"`
}

// v08Log is GET /api/repos/{o}/{n}/logs/{build}/{pid}. The body is the blob
// the agent uploaded (no trailing newline, Content-Type without charset); a
// build, pid or log that does not exist answers 404 with an empty body.
func (s *Server) v08Log(r *http.Request) answer {
	repo, fail := s.repoV08(r, permPull)
	if fail != nil {
		return fail
	}
	n, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	pid, err2 := strconv.Atoi(r.PathValue("pid"))
	if err != nil || err2 != nil {
		return emptyV08(http.StatusNotFound)
	}
	_, b := s.findLocked(repo.slug(), n)
	if b == nil {
		return emptyV08(http.StatusNotFound)
	}
	i, j, ok := findPid(b.spec, pid)
	if !ok || j < 0 {
		return emptyV08(http.StatusNotFound)
	}
	step := b.spec.Stages[i].Steps[j]
	if !hasLog(step.Status) || (step.Log == nil && step.LogChunks == nil) {
		return emptyV08(http.StatusNotFound)
	}
	chunks := step.LogChunks
	if chunks == nil {
		for _, line := range step.Log {
			chunks = append(chunks, line+"\n")
		}
	}
	out := make([]lineV08, 0, len(chunks))
	for k, c := range chunks {
		out = append(out, lineV08{Proc: step.Name, Time: chunkTime(step, k), Pos: k, Out: c})
	}
	body, err := json.Marshal(out)
	if err != nil {
		return emptyV08(http.StatusInternalServerError)
	}
	return func(w http.ResponseWriter) { writeRaw(w, http.StatusOK, ctJSONv1, body) }
}
