package drone

import "time"

// Wire types of Drone 1.x/2.x (core/*.go), only the fields dronebot uses.

type v1User struct {
	Login  string `json:"login"`
	Email  string `json:"email"`
	Avatar string `json:"avatar"`
	Admin  bool   `json:"admin"`
	Active bool   `json:"active"`
}

type v1Repo struct {
	ID            int64    `json:"id"`
	Namespace     string   `json:"namespace"`
	Name          string   `json:"name"`
	Slug          string   `json:"slug"`
	Link          string   `json:"link"`
	DefaultBranch string   `json:"default_branch"`
	Private       bool     `json:"private"`
	Visibility    string   `json:"visibility"`
	Active        bool     `json:"active"`
	Build         *v1Build `json:"build"`
}

type v1Build struct {
	ID           int64             `json:"id"`
	Trigger      string            `json:"trigger"`
	Number       int64             `json:"number"`
	Parent       int64             `json:"parent"`
	Status       string            `json:"status"`
	Error        string            `json:"error"`
	Event        string            `json:"event"`
	Link         string            `json:"link"`
	Title        string            `json:"title"`
	Message      string            `json:"message"`
	After        string            `json:"after"`
	Ref          string            `json:"ref"`
	Source       string            `json:"source"`
	Target       string            `json:"target"`
	AuthorLogin  string            `json:"author_login"`
	AuthorName   string            `json:"author_name"`
	AuthorEmail  string            `json:"author_email"`
	AuthorAvatar string            `json:"author_avatar"`
	Sender       string            `json:"sender"`
	Params       map[string]string `json:"params"`
	DeployTo     string            `json:"deploy_to"`
	Started      int64             `json:"started"`
	Finished     int64             `json:"finished"`
	Created      int64             `json:"created"`
	Stages       []*v1Stage        `json:"stages"`
}

type v1Stage struct {
	Number   int       `json:"number"`
	Name     string    `json:"name"`
	Status   string    `json:"status"`
	Error    string    `json:"error"`
	ExitCode int       `json:"exit_code"`
	Started  int64     `json:"started"`
	Stopped  int64     `json:"stopped"`
	Steps    []*v1Step `json:"steps"`
}

type v1Step struct {
	Number   int    `json:"number"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Error    string `json:"error"`
	ExitCode int    `json:"exit_code"`
	Started  int64  `json:"started"`
	Stopped  int64  `json:"stopped"`
}

// unixTime reads Drone's unix seconds; 0 means not yet.
func unixTime(sec int64) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

func (u *v1User) model() *User {
	return &User{Login: u.Login, Email: u.Email, Avatar: u.Avatar, Admin: u.Admin, Active: u.Active}
}

func (r *v1Repo) model() *Repo {
	m := &Repo{
		ID: r.ID, Owner: r.Namespace, Name: r.Name, Slug: r.Slug, Active: r.Active,
		Private: r.Private, Visibility: r.Visibility, DefaultBranch: r.DefaultBranch, Link: r.Link,
	}
	if m.Slug == "" && m.Owner != "" {
		m.Slug = m.Owner + "/" + m.Name
	}
	if r.Build != nil && r.Build.Number > 0 {
		m.Build = r.Build.model()
	}
	return m
}

func (b *v1Build) model() *Build {
	m := &Build{
		ID: b.ID, Number: b.Number, Parent: b.Parent, Status: Status(b.Status), Event: b.Event,
		Error: b.Error, Trigger: b.Trigger, Link: b.Link, Message: b.Message, Title: b.Title,
		Commit: b.After, Ref: b.Ref, Source: b.Source, Target: b.Target, Author: b.AuthorLogin,
		AuthorName: b.AuthorName, AuthorEmail: b.AuthorEmail, AuthorAvatar: b.AuthorAvatar,
		Sender: b.Sender, Params: b.Params, DeployTo: b.DeployTo,
		Created: unixTime(b.Created), Started: unixTime(b.Started), Finished: unixTime(b.Finished),
	}
	for _, s := range b.Stages {
		if s == nil { // only a forged webhook body has null stages
			continue
		}
		st := &Stage{
			Number: s.Number, Name: s.Name, Status: Status(s.Status), ExitCode: s.ExitCode, Error: s.Error,
			Started: unixTime(s.Started), Stopped: unixTime(s.Stopped),
		}
		for _, p := range s.Steps {
			if p == nil {
				continue
			}
			st.Steps = append(st.Steps, &Step{
				Number: p.Number, Name: p.Name, Status: Status(p.Status), ExitCode: p.ExitCode, Error: p.Error,
				Started: unixTime(p.Started), Stopped: unixTime(p.Stopped),
			})
		}
		m.Stages = append(m.Stages, st)
	}
	return m
}

func v1Repos(in []*v1Repo, activeOnly bool) []*Repo {
	out := make([]*Repo, 0, len(in))
	for _, r := range in {
		if r == nil || (activeOnly && !r.Active) {
			continue
		}
		out = append(out, r.model())
	}
	return out
}
