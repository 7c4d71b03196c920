package drone

import (
	"sort"
	"strings"
)

// Wire types of Drone 0.8 (model/*.go), only the fields dronebot uses.

type v08User struct {
	Login  string `json:"login"`
	Email  string `json:"email"`
	Avatar string `json:"avatar_url"`
	Admin  bool   `json:"admin"`
	Active bool   `json:"active"`
}

type v08Repo struct {
	ID            int64  `json:"id"`
	Owner         string `json:"owner"`
	Name          string `json:"name"`
	FullName      string `json:"full_name"`
	Link          string `json:"link_url"`
	DefaultBranch string `json:"default_branch"`
	Private       bool   `json:"private"`
	Visibility    string `json:"visibility"`
	Active        bool   `json:"active"`
}

// v08Build is a build; a feed entry has the same build fields inlined next
// to owner/name/full_name, so one type reads both.
type v08Build struct {
	ID           int64      `json:"id"`
	Number       int64      `json:"number"`
	Parent       int64      `json:"parent"`
	Event        string     `json:"event"`
	Status       string     `json:"status"`
	Error        string     `json:"error"`
	Created      int64      `json:"created_at"`
	Started      int64      `json:"started_at"`
	Finished     int64      `json:"finished_at"`
	DeployTo     string     `json:"deploy_to"`
	Commit       string     `json:"commit"`
	Branch       string     `json:"branch"`
	Ref          string     `json:"ref"`
	Refspec      string     `json:"refspec"`
	Title        string     `json:"title"`
	Message      string     `json:"message"`
	Sender       string     `json:"sender"`
	Author       string     `json:"author"`
	AuthorAvatar string     `json:"author_avatar"`
	AuthorEmail  string     `json:"author_email"`
	Link         string     `json:"link_url"`
	Procs        []*v08Proc `json:"procs"`

	// Feed entries only.
	Owner    string `json:"owner"`
	Name     string `json:"name"`
	FullName string `json:"full_name"`
}

type v08Proc struct {
	PID      int        `json:"pid"`
	PPID     int        `json:"ppid"`
	Name     string     `json:"name"`
	State    string     `json:"state"`
	Error    string     `json:"error"`
	ExitCode int        `json:"exit_code"`
	Started  int64      `json:"start_time"`
	Stopped  int64      `json:"end_time"`
	Children []*v08Proc `json:"children"`
}

func (u *v08User) model() *User {
	return &User{Login: u.Login, Email: u.Email, Avatar: u.Avatar, Admin: u.Admin, Active: u.Active}
}

func (r *v08Repo) model() *Repo {
	m := &Repo{
		ID: r.ID, Owner: r.Owner, Name: r.Name, Slug: r.FullName, Active: r.Active, Private: r.Private,
		Visibility: r.Visibility, DefaultBranch: r.DefaultBranch, Link: r.Link,
	}
	if m.Slug == "" && m.Owner != "" {
		m.Slug = m.Owner + "/" + m.Name
	}
	return m
}

func (b *v08Build) model() *Build {
	m := &Build{
		ID: b.ID, Number: b.Number, Parent: b.Parent, Status: Status(b.Status), Event: b.Event, Error: b.Error,
		Link: b.Link, Message: b.Message, Title: b.Title, Commit: b.Commit, Ref: b.Ref,
		Source: b.Branch, Target: b.Branch, Author: b.Author, AuthorName: b.Author, AuthorEmail: b.AuthorEmail,
		AuthorAvatar: b.AuthorAvatar, Sender: b.Sender, DeployTo: b.DeployTo,
		Created: unixTime(b.Created), Started: unixTime(b.Started), Finished: unixTime(b.Finished),
	}
	if b.Event == "deployment" {
		m.Event = EventPromote
	}
	// A 0.8 pull request names its branches in refspec "source:target".
	if src, _, ok := strings.Cut(b.Refspec, ":"); ok && b.Event == EventPullRequest && src != "" {
		m.Source = src
	}
	for _, top := range procTree(b.Procs) {
		st := &Stage{
			Number: top.PID, Name: top.Name, Status: Status(top.State), ExitCode: top.ExitCode, Error: top.Error,
			Started: unixTime(top.Started), Stopped: unixTime(top.Stopped),
		}
		if st.Name == "" {
			st.Name = "default" // the single unnamed pipeline, as 1.x calls it
		}
		for _, p := range top.Children {
			st.Steps = append(st.Steps, &Step{
				Number: p.PID, Name: p.Name, Status: Status(p.State), ExitCode: p.ExitCode, Error: p.Error,
				Started: unixTime(p.Started), Stopped: unixTime(p.Stopped),
			})
		}
		m.Stages = append(m.Stages, st)
	}
	return m
}

// procTree returns the top-level procs with their children. A restart answers
// with a flat list (children empty, parents named by ppid); that is nested here.
func procTree(procs []*v08Proc) []*v08Proc {
	flat := false
	for _, p := range procs {
		if p != nil && p.PPID != 0 {
			flat = true
			break
		}
	}
	if !flat {
		return procs
	}
	byPID := map[int]*v08Proc{}
	var tops []*v08Proc
	for _, p := range procs {
		if p != nil && p.PPID == 0 {
			cp := *p
			cp.Children = append([]*v08Proc(nil), p.Children...)
			byPID[p.PID] = &cp
			tops = append(tops, &cp)
		}
	}
	for _, p := range procs {
		if p == nil || p.PPID == 0 {
			continue
		}
		if parent, ok := byPID[p.PPID]; ok {
			parent.Children = append(parent.Children, p)
		}
	}
	for _, t := range tops {
		sort.SliceStable(t.Children, func(i, j int) bool { return t.Children[i].PID < t.Children[j].PID })
	}
	sort.SliceStable(tops, func(i, j int) bool { return tops[i].PID < tops[j].PID })
	return tops
}

// feedRepo reads a /api/user/feed?latest=true entry: an active repository
// with its latest build inlined (build fields absent when it has none).
func (b *v08Build) feedRepo() *Repo {
	r := &Repo{Owner: b.Owner, Name: b.Name, Slug: b.FullName, Active: true}
	if r.Slug == "" {
		r.Slug = b.Owner + "/" + b.Name
	}
	if b.Number > 0 {
		r.Build = b.model()
	}
	return r
}
