package drone

import (
	"strings"
)

// Wire types of Woodpecker CI 3.x (server/model/*.go), only the fields
// dronebot uses. Times are Unix seconds, 0 meaning not yet.

type wpUser struct {
	Login  string `json:"login"`
	Email  string `json:"email"`
	Avatar string `json:"avatar_url"`
	Admin  bool   `json:"admin"`
}

type wpRepo struct {
	ID            int64  `json:"id"` // absent for a forge repository not yet activated
	ForgeRemoteID string `json:"forge_remote_id"`
	Owner         string `json:"owner"`
	Name          string `json:"name"`
	FullName      string `json:"full_name"`
	ForgeURL      string `json:"forge_url"`
	DefaultBranch string `json:"default_branch"`
	Private       bool   `json:"private"`
	Visibility    string `json:"visibility"`
	Active        bool   `json:"active"`
	// LastPipeline comes with GET /api/user/repos only.
	LastPipeline *wpPipeline `json:"last_pipeline"`
}

type wpPipelineError struct {
	Message   string `json:"message"`
	IsWarning bool   `json:"is_warning"`
}

type wpPipeline struct {
	ID           int64             `json:"id"`
	Number       int64             `json:"number"`
	Parent       int64             `json:"parent"`
	Event        string            `json:"event"`
	Status       string            `json:"status"`
	Errors       []wpPipelineError `json:"errors"`
	Created      int64             `json:"created"`
	Started      int64             `json:"started"`
	Finished     int64             `json:"finished"`
	DeployTo     string            `json:"deploy_to"`
	Commit       string            `json:"commit"`
	Branch       string            `json:"branch"`
	Ref          string            `json:"ref"`
	Refspec      string            `json:"refspec"`
	Title        string            `json:"title"`
	Message      string            `json:"message"`
	Author       string            `json:"author"`
	AuthorAvatar string            `json:"author_avatar"`
	AuthorEmail  string            `json:"author_email"`
	Sender       string            `json:"sender"`
	ForgeURL     string            `json:"forge_url"`
	Variables    map[string]string `json:"variables"`
	Workflows    []*wpWorkflow     `json:"workflows"`
}

type wpWorkflow struct {
	PID      int       `json:"pid"`
	Name     string    `json:"name"`
	State    string    `json:"state"`
	Error    string    `json:"error"`
	Started  int64     `json:"started"`
	Finished int64     `json:"finished"`
	Children []*wpStep `json:"children"`
}

type wpStep struct {
	ID       int64  `json:"id"`
	PID      int    `json:"pid"`
	Name     string `json:"name"`
	State    string `json:"state"`
	Error    string `json:"error"`
	ExitCode int    `json:"exit_code"`
	Started  int64  `json:"started"`
	Finished int64  `json:"finished"`
}

// wpFeed is one /api/user/feed entry: a pipeline without workflows, with
// its repository's id and name. Every field is omitempty.
type wpFeed struct {
	RepoID       int64  `json:"repo_id"`
	FullName     string `json:"full_name"`
	ID           int64  `json:"id"`
	Number       int64  `json:"number"`
	Event        string `json:"event"`
	Status       string `json:"status"`
	Created      int64  `json:"created"`
	Started      int64  `json:"started"`
	Finished     int64  `json:"finished"`
	Commit       string `json:"commit"`
	Branch       string `json:"branch"`
	Ref          string `json:"ref"`
	Refspec      string `json:"refspec"`
	Title        string `json:"title"`
	Author       string `json:"author"`
	AuthorAvatar string `json:"author_avatar"`
	AuthorEmail  string `json:"author_email"`
	Message      string `json:"message"`
}

// wpLogEntry is one log line; Data (base64 on the wire) is the line
// without its newline.
type wpLogEntry struct {
	Data []byte `json:"data"`
}

// Woodpecker's events that Drone names otherwise.
const (
	wpEventDeployment = "deployment"
	wpEventManual     = "manual"
	wpEventRelease    = "release"
)

// wpStatus maps Woodpecker's statuses onto Drone's: "canceled" (stopped
// before it ran) reads as killed, "created" (not yet queued) as pending.
func wpStatus(s string) Status {
	switch s {
	case "canceled":
		return StatusKilled
	case "created":
		return StatusPending
	}
	return Status(s)
}

// wpEvent maps Woodpecker's events onto Drone's: a deployment is a
// promotion, a manual pipeline a custom build, a release a tag.
func wpEvent(e string) string {
	switch e {
	case wpEventDeployment:
		return EventPromote
	case wpEventManual:
		return EventCustom
	case wpEventRelease:
		return EventTag
	}
	return e
}

func (u *wpUser) model() *User {
	// Woodpecker has no inactive users: whoever holds a token is active.
	return &User{Login: u.Login, Email: u.Email, Avatar: u.Avatar, Admin: u.Admin, Active: true}
}

func (r *wpRepo) model() *Repo {
	m := &Repo{
		ID: r.ID, Owner: r.Owner, Name: r.Name, Slug: r.FullName, Active: r.Active, Private: r.Private,
		Visibility: r.Visibility, DefaultBranch: r.DefaultBranch, Link: r.ForgeURL,
	}
	if m.Slug == "" && m.Owner != "" {
		m.Slug = m.Owner + "/" + m.Name
	}
	if r.LastPipeline != nil && r.LastPipeline.Number > 0 {
		m.Build = r.LastPipeline.model()
	}
	return m
}

func (p *wpPipeline) model() *Build {
	m := &Build{
		ID: p.ID, Number: p.Number, Parent: p.Parent, Status: wpStatus(p.Status), Event: wpEvent(p.Event),
		Error: wpErrorText(p.Errors), Trigger: p.Sender, Link: p.ForgeURL, Message: p.Message, Title: p.Title,
		Commit: p.Commit, Ref: p.Ref, Author: p.Author, AuthorName: p.Author,
		AuthorEmail: p.AuthorEmail, AuthorAvatar: p.AuthorAvatar, Sender: p.Sender, Params: p.Variables,
		DeployTo: p.DeployTo, Created: unixTime(p.Created), Started: unixTime(p.Started), Finished: unixTime(p.Finished),
	}
	m.Source, m.Target = wpBranches(p.Event, p.Branch, p.Refspec)
	// A pipeline cancelled while it waited for approval leaves its
	// workflows and steps blocked: they end with the pipeline.
	settle := func(s Status) Status {
		if s == StatusBlocked && m.Status.Done() {
			return m.Status
		}
		return s
	}
	for _, w := range p.Workflows {
		if w == nil {
			continue
		}
		st := &Stage{
			Number: w.PID, Name: w.Name, Status: settle(wpStatus(w.State)), Error: w.Error,
			Started: unixTime(w.Started), Stopped: unixTime(w.Finished),
		}
		for _, c := range w.Children {
			if c == nil {
				continue
			}
			step := &Step{
				Number: c.PID, ID: c.ID, Name: c.Name, Status: settle(wpStatus(c.State)), ExitCode: c.ExitCode,
				Error: c.Error, Started: unixTime(c.Started), Stopped: unixTime(c.Finished),
			}
			if step.Status.Failed() && step.ExitCode > st.ExitCode {
				st.ExitCode = step.ExitCode
			}
			st.Steps = append(st.Steps, step)
		}
		m.Stages = append(m.Stages, st)
	}
	return m
}

func (f *wpFeed) model() *Build {
	m := &Build{
		ID: f.ID, Number: f.Number, Status: wpStatus(f.Status), Event: wpEvent(f.Event), Message: f.Message,
		Title: f.Title, Commit: f.Commit, Ref: f.Ref, Author: f.Author, AuthorName: f.Author,
		AuthorEmail: f.AuthorEmail, AuthorAvatar: f.AuthorAvatar,
		Created: unixTime(f.Created), Started: unixTime(f.Started), Finished: unixTime(f.Finished),
	}
	m.Source, m.Target = wpBranches(f.Event, f.Branch, f.Refspec)
	return m
}

// wpBranches reads a pipeline's branches: a pull request names its target
// in branch and "source:target" in refspec.
func wpBranches(event, branch, refspec string) (source, target string) {
	source, target = branch, branch
	if !strings.HasPrefix(event, EventPullRequest) {
		return source, target
	}
	if src, _, ok := strings.Cut(refspec, ":"); ok && src != "" {
		source = src
	}
	return source, target
}

// wpErrorText joins the errors (not the warnings) that stopped a pipeline
// before any step ran, e.g. invalid YAML.
func wpErrorText(errs []wpPipelineError) string {
	var msgs []string
	for _, e := range errs {
		if !e.IsWarning && strings.TrimSpace(e.Message) != "" {
			msgs = append(msgs, strings.TrimSpace(e.Message))
		}
	}
	return strings.Join(msgs, "; ")
}
