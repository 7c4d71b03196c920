// Package drone is dronebot's client for the Drone CI HTTP API.
//
// It speaks three dialects, Drone 1.x/2.x ("v1"), Drone 0.8 ("v0.8") and
// Woodpecker CI ("woodpecker"), behind one dialect-neutral model: a Build has
// Stages, a Stage has Steps. On 0.8 a top-level proc is a Stage and its
// children are Steps; on Woodpecker a pipeline is a Build and its workflows
// are Stages.
package drone

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Dialect names the API generation a server speaks.
type Dialect string

const (
	DialectAuto Dialect = "auto"
	DialectV1   Dialect = "v1"   // Drone 1.x and 2.x
	DialectV08  Dialect = "v0.8" // Drone 0.8
	// DialectWoodpecker is Woodpecker CI 3.x, the fork of Drone 0.8.
	DialectWoodpecker Dialect = "woodpecker"
)

// Status is the state of a build, stage or step, with the values Drone uses.
type Status string

const (
	StatusPending  Status = "pending"
	StatusRunning  Status = "running"
	StatusSuccess  Status = "success"
	StatusFailure  Status = "failure"
	StatusKilled   Status = "killed"
	StatusError    Status = "error"
	StatusSkipped  Status = "skipped"
	StatusBlocked  Status = "blocked"
	StatusDeclined Status = "declined"
	StatusWaiting  Status = "waiting_on_dependencies"
)

// Done reports whether the status is terminal.
func (s Status) Done() bool {
	switch s {
	case StatusPending, StatusRunning, StatusBlocked, StatusWaiting, "":
		return false
	}
	return true
}

// Failed reports whether the status counts as a failed build or step.
func (s Status) Failed() bool { return s == StatusFailure || s == StatusError }

// Build events. Drone 0.8 calls promote "deployment"; the client maps it to EventPromote.
const (
	EventPush        = "push"
	EventPullRequest = "pull_request"
	EventTag         = "tag"
	EventPromote     = "promote"
	EventRollback    = "rollback"
	EventCron        = "cron"
	EventCustom      = "custom"
)

// User is the account behind the API token.
type User struct {
	Login  string
	Email  string
	Avatar string
	Admin  bool
	Active bool
}

// Repo is a repository known to Drone.
type Repo struct {
	ID            int64
	Owner         string
	Name          string
	Slug          string // owner/name
	Active        bool
	Private       bool
	Visibility    string
	DefaultBranch string
	Link          string // the repository on the forge
	// Build is the latest build, when the listing asked for it (nil if none).
	Build *Build
}

// Build is one run of a repository's pipeline.
type Build struct {
	ID           int64
	Number       int64
	Parent       int64 // the build this one restarted, 0 if none
	Status       Status
	Event        string
	Error        string // why the build errored before any step ran (e.g. invalid YAML)
	Trigger      string
	Link         string // compare or commit link on the forge
	Message      string
	Title        string
	Commit       string
	Ref          string
	Source       string // source branch (pull requests: the PR branch)
	Target       string // target branch (push: the branch)
	Author       string // forge login of the commit author
	AuthorName   string
	AuthorEmail  string
	AuthorAvatar string
	Sender       string
	Params       map[string]string
	DeployTo     string
	Created      time.Time
	Started      time.Time
	Finished     time.Time
	Stages       []*Stage
}

// Branch is the branch a build's line belongs to: the source branch of a pull
// request, else the target branch.
func (b *Build) Branch() string {
	if b.Event == EventPullRequest && b.Source != "" {
		return b.Source
	}
	if b.Target != "" {
		return b.Target
	}
	return b.Source
}

// Stage is a pipeline (1.x) or a top-level proc (0.8).
type Stage struct {
	Number   int // 1.x stage number; 0.8 top-level proc pid
	Name     string
	Status   Status
	ExitCode int
	Error    string
	Started  time.Time
	Stopped  time.Time
	Steps    []*Step
}

// Step is one step of a stage.
type Step struct {
	Number   int   // 1.x step number; 0.8 and Woodpecker pid (0.8's log key)
	ID       int64 // the server's id of the step: Woodpecker's log key (0 elsewhere)
	Name     string
	Status   Status
	ExitCode int
	Error    string
	Started  time.Time
	Stopped  time.Time
}

// StepRef names one step of a build for its log: on 1.x the stage and step
// numbers, on 0.8 the step's pid in Step (Stage is then the parent pid), on
// Woodpecker the step's ID (or, without it, its pid in Step).
type StepRef struct {
	Stage int
	Step  int
	ID    int64
}

// RefOf is the StepRef of step in stage, for any dialect.
func RefOf(stage *Stage, step *Step) StepRef {
	return StepRef{Stage: stage.Number, Step: step.Number, ID: step.ID}
}

// TailOptions say how much of a log to keep.
type TailOptions struct {
	Lines int // the last N lines; 0 means 30, negative none
	// Each, when set, is given every line of the log in order as it
	// streams in, without its newline; line is only valid during the call.
	Each func(line []byte)
}

// LogTail is the end of a step's log, read without holding the whole log.
type LogTail struct {
	Lines []string // the last lines, oldest first, without trailing newlines
	Total int      // number of lines in the whole log
	// KeyOpen says the first of Lines starts inside a private-key block
	// whose BEGIN line is above the tail: mask them as key material
	// (logtext.Masker.MaskLinesFrom).
	KeyOpen bool
}

// ListOptions page through builds.
type ListOptions struct {
	Page    int // 1-based; 0 means 1
	PerPage int // 1.x: at most 100 (0 means 25); 0.8 pages are always 50; Woodpecker at most 50 (0 means 50)
	Branch  string
}

// CreateOptions start a new build.
type CreateOptions struct {
	Branch string // default: the repository's default branch
	Commit string
	Params map[string]string
}

// Client is what dronebot needs from a Drone server. Every call takes a context
// and returns errors of type *Error where the server answered.
type Client interface {
	// Dialect is the API generation in use (resolved when it was "auto").
	Dialect(ctx context.Context) (Dialect, error)
	Self(ctx context.Context) (*User, error)
	// Repos lists active repositories. With latest, each carries its latest
	// build (one request: 1.x ?latest=true, 0.8 /api/user/feed?latest=true).
	Repos(ctx context.Context, latest bool) ([]*Repo, error)
	// SyncRepos asks Drone to sync from the forge and lists every repository
	// the token sees, active or not.
	SyncRepos(ctx context.Context) ([]*Repo, error)
	Repo(ctx context.Context, slug string) (*Repo, error)
	EnableRepo(ctx context.Context, slug string) (*Repo, error)
	DisableRepo(ctx context.Context, slug string) (*Repo, error)
	Builds(ctx context.Context, slug string, opts ListOptions) ([]*Build, error)
	Build(ctx context.Context, slug string, number int64) (*Build, error)
	// LatestBuild is the latest build of branch (the default branch if empty).
	LatestBuild(ctx context.Context, slug, branch string) (*Build, error)
	// CreateBuild starts a build. On 0.8 it restarts the latest build of the
	// branch with the params; the result's Parent names that build.
	CreateBuild(ctx context.Context, slug string, opts CreateOptions) (*Build, error)
	RestartBuild(ctx context.Context, slug string, number int64, params map[string]string) (*Build, error)
	CancelBuild(ctx context.Context, slug string, number int64) error
	// ApproveBuild and DeclineBuild act on every blocked stage (1.x) or the build (0.8).
	ApproveBuild(ctx context.Context, slug string, number int64) error
	DeclineBuild(ctx context.Context, slug string, number int64) error
	PromoteBuild(ctx context.Context, slug string, number int64, target string, params map[string]string) (*Build, error)
	LogTail(ctx context.Context, slug string, number int64, step StepRef, opts TailOptions) (*LogTail, error)
	// RecentBuilds lists the newest builds across every repository the
	// token may push to, newest first, in one request (Woodpecker's feed,
	// at most FeedLimit builds, without stages). Drone has no such call:
	// its dialects answer KindNotImplemented without a request.
	RecentBuilds(ctx context.Context) ([]*RecentBuild, error)
	// WatchBuilds follows the server's event stream (Woodpecker's
	// /api/stream/events): opened is called once it is open, each with
	// every build as it changes, stages and steps included. It returns
	// when ctx ends (nil) or the stream breaks or falls silent (an error);
	// Drone has no such stream: KindNotImplemented without a request.
	WatchBuilds(ctx context.Context, opened func(), each func(slug string, b *Build)) error
}

// FeedLimit is the most builds RecentBuilds returns: a full answer may have
// left older builds out.
const FeedLimit = 50

// RecentBuild is one entry of RecentBuilds.
type RecentBuild struct {
	Slug  string
	Build *Build
}

// BuildURL is build number of slug in the web UI at base: Drone serves
// /{owner}/{name}/{n}; Woodpecker addresses repositories by id and
// redirects /repos/{owner}/{name}/… there.
func BuildURL(d Dialect, base, slug string, number int64) string {
	base = strings.TrimRight(base, "/")
	if d == DialectWoodpecker {
		return fmt.Sprintf("%s/repos/%s/pipeline/%d", base, slug, number)
	}
	return fmt.Sprintf("%s/%s/%d", base, slug, number)
}
