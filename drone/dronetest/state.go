package dronetest

import (
	"crypto/sha1"
	"encoding/hex"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// BuildSpec describes a build. Zero values get defaults: Event "push",
// Branch the repository's default branch, Author the token's user, times from
// the clock.
type BuildSpec struct {
	Status      drone.Status
	Event       string // default push
	Branch      string // default repo default
	Source      string // PR source branch
	Commit      string
	Message     string
	Author      string
	AuthorEmail string
	Error       string // build.error (errored before any step)
	Params      map[string]string
	DeployTo    string
	Parent      int64
	Link        string // commit or compare link; default <forge>/<slug>/commit/<sha>
	Ref         string // default from the event: refs/heads/<branch>, refs/pull/<n>/head, ...
	Title       string // pull request title
	// ChangedFiles, DeployTask and Warnings are shown by Woodpecker only.
	ChangedFiles []string
	DeployTask   string
	Warnings     []Warning
	Created      time.Time
	Started      time.Time
	Finished     time.Time
	Stages       []StageSpec
}

// Warning is a linter remark on a Woodpecker pipeline's config that did not
// stop it, e.g. Type "bad_habit" with Data {"docs","field","file"}.
type Warning struct {
	Type    string
	Message string
	Data    map[string]string
}

// StageSpec is a 1.x stage or a 0.8 top-level proc.
type StageSpec struct {
	Name   string
	Status drone.Status
	Type   string // 1.x stage type; default "docker"
	Steps  []StepSpec
	// Config is the workflow's YAML, which Woodpecker serves (default: one
	// generated from the steps).
	Config string
}

// StepSpec is one step and its log.
type StepSpec struct {
	Name     string
	Status   drone.Status
	ExitCode int
	Error    string   // Woodpecker's step error, e.g. "Canceled"
	Type     string   // Woodpecker's step type; default clone for a step named clone, else commands
	Log      []string // lines
	// LogChunks are raw chunks; they override Log, to test chunk reassembly.
	LogChunks []string
	// LogTimes, when set, are the seconds since the step started of each chunk.
	LogTimes []int
}

type repoState struct {
	id          int64
	owner, name string
	opts        RepoOptions
	active      bool
	everActive  bool // enabling sets config path and timeout for good
	synced      bool
	created     time.Time
	builds      []*buildState // index = number-1
	// Woodpecker's repository settings.
	allowDeploy     bool
	requireApproval string
	removed         bool // deleted for good: unknown to every route
}

func (r *repoState) slug() string { return r.owner + "/" + r.name }

type buildState struct {
	id      int64
	num     int64
	spec    BuildSpec
	trigger string // "@hook", the API user's login, or "" for error builds
	viaAPI  bool   // created by POST /builds: before=after, no author login
	stageID []int64
	stepID  [][]int64 // 1.x step ids, or 0.8 child proc ids
	wp      wpBuild   // what only Woodpecker shows
}

// AddBuild adds a build to the repository slug (which must exist) and returns
// its number.
func (s *Server) AddBuild(slug string, b BuildSpec) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repos[slug]
	if r == nil {
		panic("dronetest: AddBuild on unknown repository " + slug)
	}
	trigger := "@hook"
	if b.Error != "" {
		trigger = ""
	}
	s.insertBuildLocked(r, b, trigger, false)
	return int64(len(r.builds))
}

func (s *Server) insertBuildLocked(r *repoState, b BuildSpec, trigger string, viaAPI bool) *buildState {
	s.seq.build++
	bs := &buildState{id: s.seq.build, num: int64(len(r.builds)) + 1, trigger: trigger, viaAPI: viaAPI}
	r.builds = append(r.builds, bs)
	s.setSpecLocked(r, bs, b)
	return bs
}

// UpdateBuild changes a build in place, e.g. to finish a pending build.
// Times left zero are filled from the clock as the status moves on.
func (s *Server) UpdateBuild(slug string, number int64, fn func(b *BuildSpec)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, b := s.findLocked(slug, number)
	if b == nil {
		panic("dronetest: UpdateBuild on unknown build")
	}
	spec := cloneSpec(b.spec)
	fn(&spec)
	s.setSpecLocked(r, b, spec)
}

// BuildSpec returns a copy of a build as the server holds it now.
func (s *Server) BuildSpec(slug string, number int64) (BuildSpec, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, b := s.findLocked(slug, number)
	if b == nil {
		return BuildSpec{}, false
	}
	return cloneSpec(b.spec), true
}

func (s *Server) findLocked(slug string, number int64) (*repoState, *buildState) {
	r := s.repos[slug]
	if r == nil || number < 1 || number > int64(len(r.builds)) {
		return r, nil
	}
	return r, r.builds[number-1]
}

// setSpecLocked stores spec with defaults and times filled in, and gives new
// stages and steps their ids.
func (s *Server) setSpecLocked(r *repoState, b *buildState, spec BuildSpec) {
	now := s.now()
	if spec.Status == "" {
		spec.Status = drone.StatusPending
	}
	if spec.Event == "" {
		spec.Event = drone.EventPush
	}
	if spec.Branch == "" {
		spec.Branch = r.opts.DefaultBranch
	}
	if spec.Author == "" {
		spec.Author = s.Login
	}
	if spec.Commit == "" {
		spec.Commit = fakeSHA(r.slug() + "@" + spec.Branch)
	}
	if spec.Created.IsZero() {
		spec.Created = now
	}
	if spec.Started.IsZero() && started(spec.Status) {
		spec.Started = now
	}
	if spec.Finished.IsZero() && spec.Status.Done() && spec.Status != wpCreated {
		spec.Finished = now
	}
	for i := range spec.Stages {
		if spec.Stages[i].Status == "" {
			spec.Stages[i].Status = drone.StatusPending
		}
		for j := range spec.Stages[i].Steps {
			if spec.Stages[i].Steps[j].Status == "" {
				spec.Stages[i].Steps[j].Status = drone.StatusPending
			}
		}
	}
	b.spec = spec
	s.assignIDsLocked(b)
	if s.dialect == drone.DialectWoodpecker {
		s.wpChangedLocked(r, b, now)
	}
}

// assignIDsLocked keeps the ids of stages and steps already seen and numbers
// new ones from the server-wide sequences. On 0.8 stages and steps share the
// proc table, so a stage's id comes right before its steps' ids.
func (s *Server) assignIDsLocked(b *buildState) {
	for i, st := range b.spec.Stages {
		if i >= len(b.stageID) {
			b.stageID = append(b.stageID, s.nextStageIDLocked())
			b.stepID = append(b.stepID, nil)
		}
		for len(b.stepID[i]) < len(st.Steps) {
			b.stepID[i] = append(b.stepID[i], s.nextStepIDLocked())
		}
	}
}

func (s *Server) nextStageIDLocked() int64 {
	if s.dialect == drone.DialectV08 {
		s.seq.proc++
		return s.seq.proc
	}
	s.seq.stage++
	return s.seq.stage
}

func (s *Server) nextStepIDLocked() int64 {
	if s.dialect == drone.DialectV08 {
		s.seq.proc++
		return s.seq.proc
	}
	s.seq.step++
	return s.seq.step
}

// started reports whether a thing with this status has begun running.
func started(st drone.Status) bool {
	switch st {
	case drone.StatusPending, drone.StatusBlocked, drone.StatusWaiting, drone.StatusDeclined, wpCanceled, wpCreated, "":
		return false
	}
	return true
}

func cloneSpec(b BuildSpec) BuildSpec {
	b.Params = maps.Clone(b.Params)
	b.ChangedFiles = slices.Clone(b.ChangedFiles)
	b.Warnings = slices.Clone(b.Warnings)
	b.Stages = slices.Clone(b.Stages)
	for i := range b.Stages {
		b.Stages[i].Steps = slices.Clone(b.Stages[i].Steps)
		for j := range b.Stages[i].Steps {
			st := &b.Stages[i].Steps[j]
			st.Log = slices.Clone(st.Log)
			st.LogChunks = slices.Clone(st.LogChunks)
			st.LogTimes = slices.Clone(st.LogTimes)
		}
	}
	return b
}

// fakeSHA is a stable 40-hex commit id for a name.
func fakeSHA(name string) string {
	sum := sha1.Sum([]byte(name))
	return hex.EncodeToString(sum[:])
}

// branchKnown reports whether the forge would know branch: the default
// branch, the listed ones and those that have builds.
func (r *repoState) branchKnown(branch string) bool {
	if branch == r.opts.DefaultBranch || slices.Contains(r.opts.Branches, branch) {
		return true
	}
	for _, b := range r.builds {
		if b.spec.Branch == branch {
			return true
		}
	}
	return false
}

// headOf is the newest build of branch (nil if none).
func (r *repoState) headOf(branch string, includePulls bool) *buildState {
	for i := len(r.builds) - 1; i >= 0; i-- {
		b := r.builds[i]
		if b.spec.Branch == branch && (includePulls || b.spec.Event != drone.EventPullRequest) {
			return b
		}
	}
	return nil
}

// runCreateHook lets the OnCreate callback shape a new build. It runs without
// the lock so the callback may call UpdateBuild.
func (s *Server) runCreateHook(slug string, number int64) {
	s.mu.Lock()
	fn := s.onCreate
	_, b := s.findLocked(slug, number)
	spec := cloneSpec(b.spec)
	s.mu.Unlock()
	if fn == nil {
		return
	}
	before := cloneSpec(spec)
	fn(slug, number, &spec)
	if reflect.DeepEqual(before, spec) {
		return // unchanged, or changed through UpdateBuild: keep what is stored
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, b := s.findLocked(slug, number)
	s.setSpecLocked(r, b, spec)
}

// visibleRepos are the synced repositories in slug order.
func (s *Server) visibleReposLocked(activeOnly bool) []*repoState {
	var out []*repoState
	for _, r := range s.repos {
		if r.synced && (!activeOnly || r.active) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *repoState) int {
		if a.slug() < b.slug() {
			return -1
		}
		if a.slug() > b.slug() {
			return 1
		}
		return 0
	})
	return out
}

// syncLocked makes every repository visible, as a forge sync does.
func (s *Server) syncLocked() {
	for _, r := range s.repos {
		r.synced = true
	}
}
