package dronetest

import (
	"github.com/dronebot/dronebot/drone"
)

// The 0.8 wire types, fields in the order Drone 0.8.10 writes them.

type userV08 struct {
	ID     int64  `json:"id"`
	Login  string `json:"login"`
	Email  string `json:"email"`
	Avatar string `json:"avatar_url"`
	Active bool   `json:"active"`
	Synced int64  `json:"synced"`
	Admin  bool   `json:"admin,omitempty"`
}

type repoV08 struct {
	ID          int64  `json:"id,omitempty"`
	Owner       string `json:"owner"`
	Name        string `json:"name"`
	FullName    string `json:"full_name"`
	Avatar      string `json:"avatar_url,omitempty"`
	Link        string `json:"link_url,omitempty"`
	Kind        string `json:"scm,omitempty"`
	Clone       string `json:"clone_url,omitempty"`
	Branch      string `json:"default_branch,omitempty"`
	Timeout     int64  `json:"timeout,omitempty"`
	Visibility  string `json:"visibility"`
	IsPrivate   bool   `json:"private"`
	IsTrusted   bool   `json:"trusted"`
	IsGated     bool   `json:"gated"`
	IsActive    bool   `json:"active"`
	AllowPull   bool   `json:"allow_pr"`
	AllowPush   bool   `json:"allow_push"`
	AllowDeploy bool   `json:"allow_deploys"`
	AllowTag    bool   `json:"allow_tags"`
	LastBuild   int64  `json:"last_build"`
	Config      string `json:"config_file"`
}

type buildV08 struct {
	ID        int64        `json:"id"`
	Number    int64        `json:"number"`
	Parent    int64        `json:"parent"`
	Event     string       `json:"event"`
	Status    drone.Status `json:"status"`
	Error     string       `json:"error"`
	Enqueued  int64        `json:"enqueued_at"`
	Created   int64        `json:"created_at"`
	Started   int64        `json:"started_at"`
	Finished  int64        `json:"finished_at"`
	Deploy    string       `json:"deploy_to"`
	Commit    string       `json:"commit"`
	Branch    string       `json:"branch"`
	Ref       string       `json:"ref"`
	Refspec   string       `json:"refspec"`
	Remote    string       `json:"remote"`
	Title     string       `json:"title"`
	Message   string       `json:"message"`
	Timestamp int64        `json:"timestamp"`
	Sender    string       `json:"sender"`
	Author    string       `json:"author"`
	Avatar    string       `json:"author_avatar"`
	Email     string       `json:"author_email"`
	Link      string       `json:"link_url"`
	Signed    bool         `json:"signed"`
	Verified  bool         `json:"verified"`
	Reviewer  string       `json:"reviewed_by"`
	Reviewed  int64        `json:"reviewed_at"`
	Procs     []*procV08   `json:"procs,omitempty"`
}

type procV08 struct {
	ID       int64        `json:"id"`
	BuildID  int64        `json:"build_id"`
	PID      int          `json:"pid"`
	PPID     int          `json:"ppid"`
	PGID     int          `json:"pgid"`
	Name     string       `json:"name"`
	State    drone.Status `json:"state"`
	Error    string       `json:"error,omitempty"`
	ExitCode int          `json:"exit_code"`
	Started  int64        `json:"start_time,omitempty"`
	Stopped  int64        `json:"end_time,omitempty"`
	Machine  string       `json:"machine,omitempty"`
	Platform string       `json:"platform,omitempty"`
	Children []*procV08   `json:"children,omitempty"`
}

// feedV08 is a build with its repository inlined; build fields are left out
// when the repository has no build.
type feedV08 struct {
	Owner    string       `json:"owner"`
	Name     string       `json:"name"`
	FullName string       `json:"full_name"`
	Number   int64        `json:"number,omitempty"`
	Event    string       `json:"event,omitempty"`
	Status   drone.Status `json:"status,omitempty"`
	Created  int64        `json:"created_at,omitempty"`
	Started  int64        `json:"started_at,omitempty"`
	Finished int64        `json:"finished_at,omitempty"`
	Commit   string       `json:"commit,omitempty"`
	Branch   string       `json:"branch,omitempty"`
	Ref      string       `json:"ref,omitempty"`
	Refspec  string       `json:"refspec,omitempty"`
	Remote   string       `json:"remote,omitempty"`
	Title    string       `json:"title,omitempty"`
	Message  string       `json:"message,omitempty"`
	Author   string       `json:"author,omitempty"`
	Avatar   string       `json:"author_avatar,omitempty"`
	Email    string       `json:"author_email,omitempty"`
}

func (s *Server) userV08Locked() userV08 {
	return userV08{ID: 1, Login: s.Login, Avatar: s.avatar(), Admin: true}
}

func (s *Server) repoV08Locked(r *repoState) *repoV08 {
	out := &repoV08{
		ID: r.id, Owner: r.owner, Name: r.name, FullName: r.slug(), Avatar: s.avatar(),
		Link: s.forgeLink(r.slug()), Kind: "git", Clone: s.forgeLink(r.slug() + ".git"),
		Branch: r.opts.DefaultBranch, IsPrivate: r.opts.Private, IsActive: r.active,
		LastBuild: int64(len(r.builds)),
	}
	if r.everActive {
		out.Timeout, out.Visibility, out.Config = 60, "public", ".drone.yml"
		out.AllowPull, out.AllowPush = true, true
		if r.opts.Private {
			out.Visibility = "private"
		}
	}
	return out
}

// eventV08 is the event name 0.8 uses: promote is "deployment" there.
func eventV08(event string) string {
	if event == drone.EventPromote {
		return "deployment"
	}
	return event
}

// buildV08Locked renders a build; tree nests steps under their top-level
// proc, otherwise the procs come as one flat list (restart's answer).
func (s *Server) buildV08Locked(r *repoState, b *buildState, withProcs, tree bool) *buildV08 {
	sp := b.spec
	out := &buildV08{
		ID: b.id, Number: b.num, Parent: sp.Parent, Event: eventV08(sp.Event), Status: sp.Status,
		Error: sp.Error, Enqueued: unix(sp.Created), Created: unix(sp.Created),
		Started: unix(sp.Started), Finished: unix(sp.Finished), Deploy: sp.DeployTo,
		Commit: sp.Commit, Branch: sp.Branch, Ref: ref(sp, b.num), Message: sp.Message,
		Timestamp: unix(sp.Created), Sender: s.Login, Author: sp.Author, Avatar: s.avatar(),
		Email: sp.AuthorEmail, Link: sp.Link, Verified: true,
	}
	if out.Link == "" {
		out.Link = s.forgeLink(r.slug(), "commit", sp.Commit)
	}
	if !withProcs {
		return out
	}
	for i, st := range sp.Stages {
		top := &procV08{ID: b.stageID[i], BuildID: b.id, PID: i + 1, PGID: i + 1, Name: st.Name,
			State: st.Status, ExitCode: stageExitV08(st)}
		if started(st.Status) {
			top.Started, top.Machine, top.Platform = unix(sp.Started), "fake-agent", "linux/amd64"
		}
		if st.Status.Done() {
			top.Stopped = unix(sp.Finished)
		}
		out.Procs = append(out.Procs, top)
	}
	for i, st := range sp.Stages {
		for j, step := range st.Steps {
			pid := stepPid(sp, i, j)
			p := &procV08{ID: b.stepID[i][j], BuildID: b.id, PID: pid, PPID: i + 1, PGID: pid,
				Name: step.Name, State: step.Status, ExitCode: step.ExitCode}
			if started(step.Status) {
				p.Started = unix(sp.Started)
			}
			if step.Status.Done() {
				p.Stopped = max(unix(sp.Finished), p.Started)
			}
			if tree {
				out.Procs[i].Children = append(out.Procs[i].Children, p)
			} else {
				out.Procs = append(out.Procs, p)
			}
		}
	}
	return out
}

// stageExitV08: a killed top-level proc exits 137, a failed one with its
// failed step's code (at least 1).
func stageExitV08(st StageSpec) int {
	switch st.Status {
	case drone.StatusKilled:
		return 137
	case drone.StatusFailure, drone.StatusError:
		for _, step := range st.Steps {
			if step.Status.Failed() && step.ExitCode != 0 {
				return step.ExitCode
			}
		}
		return 1
	}
	return 0
}

// stepPid: top-level procs are pids 1..N, steps continue from N+1 in order.
func stepPid(sp BuildSpec, stage, step int) int {
	pid := len(sp.Stages)
	for i := 0; i < stage; i++ {
		pid += len(sp.Stages[i].Steps)
	}
	return pid + step + 1
}

// findPid finds the stage (and step, -1 for a top-level proc) of pid.
func findPid(sp BuildSpec, pid int) (stage, step int, ok bool) {
	if pid >= 1 && pid <= len(sp.Stages) {
		return pid - 1, -1, true
	}
	for i, st := range sp.Stages {
		for j := range st.Steps {
			if stepPid(sp, i, j) == pid {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

func (s *Server) feedV08Locked(r *repoState, b *buildState) feedV08 {
	f := feedV08{Owner: r.owner, Name: r.name, FullName: r.slug()}
	if b == nil {
		return f
	}
	sp := b.spec
	f.Number, f.Event, f.Status = b.num, eventV08(sp.Event), sp.Status
	f.Created, f.Started, f.Finished = unix(sp.Created), unix(sp.Started), unix(sp.Finished)
	f.Commit, f.Branch, f.Ref, f.Message = sp.Commit, sp.Branch, ref(sp, b.num), sp.Message
	f.Author, f.Avatar, f.Email = sp.Author, s.avatar(), sp.AuthorEmail
	return f
}
