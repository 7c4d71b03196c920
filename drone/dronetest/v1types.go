package dronetest

import (
	"net/url"
	"strings"

	"github.com/dronebot/dronebot/drone"
)

// The 1.x wire types, fields in the order Drone 2.25 writes them.

type userV1 struct {
	ID        int64  `json:"id"`
	Login     string `json:"login"`
	Email     string `json:"email"`
	Machine   bool   `json:"machine"`
	Admin     bool   `json:"admin"`
	Active    bool   `json:"active"`
	Avatar    string `json:"avatar"`
	Syncing   bool   `json:"syncing"`
	Synced    int64  `json:"synced"`
	Created   int64  `json:"created"`
	Updated   int64  `json:"updated"`
	LastLogin int64  `json:"last_login"`
}

type permsV1 struct {
	Read  bool `json:"read"`
	Write bool `json:"write"`
	Admin bool `json:"admin"`
}

type repoV1 struct {
	ID            int64    `json:"id"`
	UID           string   `json:"uid"`
	UserID        int64    `json:"user_id"`
	Namespace     string   `json:"namespace"`
	Name          string   `json:"name"`
	Slug          string   `json:"slug"`
	SCM           string   `json:"scm"`
	HTTPURL       string   `json:"git_http_url"`
	SSHURL        string   `json:"git_ssh_url"`
	Link          string   `json:"link"`
	Branch        string   `json:"default_branch"`
	Private       bool     `json:"private"`
	Visibility    string   `json:"visibility"`
	Active        bool     `json:"active"`
	Config        string   `json:"config_path"`
	Trusted       bool     `json:"trusted"`
	Protected     bool     `json:"protected"`
	IgnoreForks   bool     `json:"ignore_forks"`
	IgnorePulls   bool     `json:"ignore_pull_requests"`
	CancelPulls   bool     `json:"auto_cancel_pull_requests"`
	CancelPush    bool     `json:"auto_cancel_pushes"`
	CancelRunning bool     `json:"auto_cancel_running"`
	Timeout       int64    `json:"timeout"`
	Throttle      int64    `json:"throttle,omitempty"`
	Counter       int64    `json:"counter"`
	Synced        int64    `json:"synced"`
	Created       int64    `json:"created"`
	Updated       int64    `json:"updated"`
	Version       int64    `json:"version"`
	Build         *buildV1 `json:"build,omitempty"`
	Perms         *permsV1 `json:"permissions,omitempty"`
	Archived      bool     `json:"archived"`
}

type buildV1 struct {
	ID           int64             `json:"id"`
	RepoID       int64             `json:"repo_id"`
	Trigger      string            `json:"trigger"`
	Number       int64             `json:"number"`
	Parent       int64             `json:"parent,omitempty"`
	Status       drone.Status      `json:"status"`
	Error        string            `json:"error,omitempty"`
	Event        string            `json:"event"`
	Action       string            `json:"action"`
	Link         string            `json:"link"`
	Timestamp    int64             `json:"timestamp"`
	Title        string            `json:"title,omitempty"`
	Message      string            `json:"message"`
	Before       string            `json:"before"`
	After        string            `json:"after"`
	Ref          string            `json:"ref"`
	Fork         string            `json:"source_repo"`
	Source       string            `json:"source"`
	Target       string            `json:"target"`
	Author       string            `json:"author_login"`
	AuthorName   string            `json:"author_name"`
	AuthorEmail  string            `json:"author_email"`
	AuthorAvatar string            `json:"author_avatar"`
	Sender       string            `json:"sender"`
	Params       map[string]string `json:"params,omitempty"`
	Cron         string            `json:"cron,omitempty"`
	Deploy       string            `json:"deploy_to,omitempty"`
	DeployID     int64             `json:"deploy_id,omitempty"`
	Debug        bool              `json:"debug,omitempty"`
	Started      int64             `json:"started"`
	Finished     int64             `json:"finished"`
	Created      int64             `json:"created"`
	Updated      int64             `json:"updated"`
	Version      int64             `json:"version"`
	Stages       []*stageV1        `json:"stages,omitempty"`
}

type stageV1 struct {
	ID        int64        `json:"id"`
	RepoID    int64        `json:"repo_id"`
	BuildID   int64        `json:"build_id"`
	Number    int          `json:"number"`
	Name      string       `json:"name"`
	Kind      string       `json:"kind"`
	Type      string       `json:"type"`
	Status    drone.Status `json:"status"`
	Error     string       `json:"error,omitempty"`
	ErrIgnore bool         `json:"errignore"`
	ExitCode  int          `json:"exit_code"`
	Machine   string       `json:"machine,omitempty"`
	OS        string       `json:"os"`
	Arch      string       `json:"arch"`
	Started   int64        `json:"started"`
	Stopped   int64        `json:"stopped"`
	Created   int64        `json:"created"`
	Updated   int64        `json:"updated"`
	Version   int64        `json:"version"`
	OnSuccess bool         `json:"on_success"`
	OnFailure bool         `json:"on_failure"`
	Steps     []*stepV1    `json:"steps,omitempty"`
}

type stepV1 struct {
	ID       int64        `json:"id"`
	StageID  int64        `json:"step_id"` // Drone's own misnomer, kept
	Number   int          `json:"number"`
	Name     string       `json:"name"`
	Status   drone.Status `json:"status"`
	Error    string       `json:"error,omitempty"`
	ExitCode int          `json:"exit_code"`
	Started  int64        `json:"started,omitempty"`
	Stopped  int64        `json:"stopped,omitempty"`
	Version  int64        `json:"version"`
}

// lineV1 is one 1.x log chunk.
type lineV1 struct {
	Pos  int    `json:"pos"`
	Out  string `json:"out"`
	Time int64  `json:"time"`
}

func (s *Server) userV1Locked() userV1 {
	t := unix(s.now())
	return userV1{ID: 1, Login: s.Login, Admin: true, Active: true, Avatar: s.avatar(),
		Synced: t, Created: t, Updated: t, LastLogin: t}
}

func (s *Server) repoV1Locked(r *repoState) *repoV1 {
	host := s.forgeURL
	if u, err := url.Parse(s.forgeURL); err == nil {
		host = u.Host
	}
	out := &repoV1{
		ID: r.id, UID: itoa(r.id), Namespace: r.owner, Name: r.name, Slug: r.slug(),
		HTTPURL: s.forgeLink(r.slug() + ".git"), SSHURL: "git@" + host + ":" + r.slug() + ".git",
		Link: s.forgeLink(r.slug()), Branch: r.opts.DefaultBranch, Private: r.opts.Private,
		Visibility: "public", Active: r.active, Counter: int64(len(r.builds)),
		Synced: unix(r.created), Created: unix(r.created), Updated: unix(r.created),
		Version: 1 + int64(len(r.builds)),
	}
	if r.opts.Private {
		out.Visibility = "private"
	}
	if r.everActive {
		out.UserID, out.Config, out.Timeout = 1, ".drone.yml", 60
	}
	return out
}

func (s *Server) buildV1Locked(r *repoState, b *buildState, withStages bool) *buildV1 {
	sp := b.spec
	out := &buildV1{
		ID: b.id, RepoID: r.id, Trigger: b.trigger, Number: b.num, Parent: sp.Parent,
		Status: sp.Status, Error: sp.Error, Event: sp.Event, Link: sp.Link, Message: sp.Message,
		After: sp.Commit, Ref: ref(sp, b.num), Source: sp.Branch, Target: sp.Branch,
		Author: sp.Author, AuthorName: sp.Author, AuthorEmail: sp.AuthorEmail,
		AuthorAvatar: s.avatar(), Sender: s.Login, Params: sp.Params, Deploy: sp.DeployTo,
		Started: unix(sp.Started), Finished: unix(sp.Finished), Created: unix(sp.Created),
		Updated: unix(sp.Created), Version: version(sp.Status),
	}
	if out.Link == "" {
		out.Link = s.forgeLink(r.slug(), "commit", sp.Commit)
	}
	if sp.Event == drone.EventPullRequest && sp.Source != "" {
		out.Source = sp.Source
	}
	if b.viaAPI {
		out.Before, out.Author, out.AuthorAvatar = sp.Commit, "", ""
	}
	if !withStages {
		return out
	}
	for i, st := range sp.Stages {
		stage := &stageV1{
			ID: b.stageID[i], RepoID: r.id, BuildID: b.id, Number: i + 1, Name: st.Name,
			Kind: "pipeline", Type: st.Type, Status: st.Status, OS: "linux", Arch: "amd64",
			Created: unix(sp.Created), Updated: unix(sp.Created), Version: version(st.Status),
			OnSuccess: true,
		}
		if stage.Type == "" {
			stage.Type = "docker"
		}
		if started(st.Status) {
			stage.Machine, stage.Started = "fake-runner", unix(sp.Started)
		}
		if st.Status.Done() {
			stage.Stopped = unix(sp.Finished)
		}
		for j, step := range st.Steps {
			sv := &stepV1{ID: b.stepID[i][j], StageID: b.stageID[i], Number: j + 1, Name: step.Name,
				Status: step.Status, ExitCode: step.ExitCode, Version: version(step.Status)}
			if started(step.Status) {
				sv.Started = unix(sp.Started)
			}
			if step.Status.Done() {
				sv.Stopped = max(unix(sp.Finished), sv.Started)
			}
			stage.Steps = append(stage.Steps, sv)
		}
		out.Stages = append(out.Stages, stage)
	}
	return out
}

// ref is the git ref a build ran for.
func ref(sp BuildSpec, number int64) string {
	switch sp.Event {
	case drone.EventPullRequest:
		return "refs/pull/" + itoa(number) + "/head"
	case drone.EventTag:
		return "refs/tags/" + strings.TrimPrefix(sp.Branch, "refs/tags/")
	}
	return "refs/heads/" + sp.Branch
}

// version mimics Drone's optimistic-lock counter, which grows as a row moves on.
func version(st drone.Status) int64 {
	switch {
	case st.Done():
		return 3
	case started(st):
		return 2
	}
	return 1
}
