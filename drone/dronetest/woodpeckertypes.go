package dronetest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// The Woodpecker 3.17 wire types, fields in the order its server writes them.

// Woodpecker's own statuses, which Drone lacks; a spec may hold them.
const (
	wpCanceled drone.Status = "canceled" // stopped before it ran
	wpCreated  drone.Status = "created"  // not yet queued
)

type userWP struct {
	ID            int64  `json:"id"`
	ForgeID       int64  `json:"forge_id"`
	ForgeRemoteID string `json:"forge_remote_id"`
	Login         string `json:"login"`
	Email         string `json:"email"`
	Avatar        string `json:"avatar_url"`
	Admin         bool   `json:"admin,omitempty"`
	OrgID         int64  `json:"org_id"`
}

type trustedWP struct {
	Network  bool `json:"network"`
	Volumes  bool `json:"volumes"`
	Security bool `json:"security"`
}

type repoWP struct {
	ID                   int64       `json:"id,omitempty"`
	ForgeID              int64       `json:"forge_id"`
	ForgeRemoteID        string      `json:"forge_remote_id"`
	OrgID                int64       `json:"org_id"`
	Owner                string      `json:"owner"`
	Name                 string      `json:"name"`
	FullName             string      `json:"full_name"`
	Avatar               string      `json:"avatar_url"`
	ForgeURL             string      `json:"forge_url"`
	Clone                string      `json:"clone_url"`
	CloneSSH             string      `json:"clone_url_ssh"`
	Branch               string      `json:"default_branch"`
	PREnabled            bool        `json:"pr_enabled"`
	Timeout              int64       `json:"timeout,omitempty"`
	Visibility           string      `json:"visibility"`
	IsPrivate            bool        `json:"private"`
	Trusted              trustedWP   `json:"trusted"`
	RequireApproval      string      `json:"require_approval"`
	ApprovalAllowedUsers []string    `json:"approval_allowed_users"`
	IsActive             bool        `json:"active"`
	AllowPull            bool        `json:"allow_pr"`
	AllowDeploy          bool        `json:"allow_deploy"`
	Config               string      `json:"config_file"`
	CancelPreviousEvents []string    `json:"cancel_previous_pipeline_events"`
	NetrcTrusted         []string    `json:"netrc_trusted"`
	ConfigExtEndpoint    string      `json:"config_extension_endpoint"`
	ConfigExtExclusive   bool        `json:"config_extension_exclusive"`
	ConfigExtNetrc       bool        `json:"config_extension_netrc"`
	RegistryExtEndpoint  string      `json:"registry_extension_endpoint"`
	RegistryExtNetrc     bool        `json:"registry_extension_netrc"`
	SecretExtEndpoint    string      `json:"secret_extension_endpoint"`
	SecretExtNetrc       bool        `json:"secret_extension_netrc"`
	LastPipeline         *pipelineWP `json:"last_pipeline,omitempty"`
}

type pipelineErrorWP struct {
	Type      string `json:"type"`
	Message   string `json:"message"`
	IsWarning bool   `json:"is_warning"`
	Data      any    `json:"data"`
}

type cancelInfoWP struct {
	CanceledByUser string `json:"canceled_by_user"`
}

type pipelineWP struct {
	ID           int64             `json:"id"`
	Number       int64             `json:"number"`
	Author       string            `json:"author"`
	Parent       int64             `json:"parent"`
	Event        string            `json:"event"`
	EventReason  []string          `json:"event_reason"`
	Status       drone.Status      `json:"status"`
	Errors       []pipelineErrorWP `json:"errors"`
	Created      int64             `json:"created"`
	Updated      int64             `json:"updated"`
	Started      int64             `json:"started"`
	Finished     int64             `json:"finished"`
	DeployTo     string            `json:"deploy_to"`
	DeployTask   string            `json:"deploy_task"`
	Commit       string            `json:"commit"`
	Branch       string            `json:"branch"`
	RerunCount   int               `json:"rerun_count"`
	Ref          string            `json:"ref"`
	Refspec      string            `json:"refspec"`
	AuthorAvatar string            `json:"author_avatar"`
	ForgeURL     string            `json:"forge_url"`
	Reviewer     string            `json:"reviewed_by"`
	Reviewed     int64             `json:"reviewed"`
	CancelInfo   *cancelInfoWP     `json:"cancel_info,omitempty"`
	Workflows    []*workflowWP     `json:"workflows,omitempty"`
	ChangedFiles []string          `json:"changed_files,omitempty"`
	Variables    map[string]string `json:"variables,omitempty"`
	Version      string            `json:"version"`
	Title        string            `json:"title"`
	Message      string            `json:"message"`
	Timestamp    int64             `json:"timestamp"`
	Sender       string            `json:"sender"`
	AuthorEmail  string            `json:"author_email"`
}

type workflowWP struct {
	ID         int64        `json:"id"`
	PipelineID int64        `json:"pipeline_id"`
	PID        int          `json:"pid"`
	Name       string       `json:"name"`
	State      drone.Status `json:"state"`
	Error      string       `json:"error,omitempty"`
	Started    int64        `json:"started,omitempty"`
	Finished   int64        `json:"finished,omitempty"`
	AgentID    int64        `json:"agent_id,omitempty"`
	Children   []*stepWP    `json:"children"`
}

type stepWP struct {
	ID         int64        `json:"id"`
	UUID       string       `json:"uuid"`
	PipelineID int64        `json:"pipeline_id"`
	PID        int          `json:"pid"`
	PPID       int          `json:"ppid"`
	Name       string       `json:"name"`
	State      drone.Status `json:"state"`
	Error      string       `json:"error,omitempty"`
	ExitCode   int          `json:"exit_code"`
	Started    int64        `json:"started,omitempty"`
	Finished   int64        `json:"finished,omitempty"`
	Type       string       `json:"type"`
}

type feedWP struct {
	RepoID       int64        `json:"repo_id,omitempty"`
	FullName     string       `json:"full_name,omitempty"`
	ID           int64        `json:"id,omitempty"`
	Number       int64        `json:"number,omitempty"`
	Event        string       `json:"event,omitempty"`
	Status       drone.Status `json:"status,omitempty"`
	Created      int64        `json:"created,omitempty"`
	Started      int64        `json:"started,omitempty"`
	Finished     int64        `json:"finished,omitempty"`
	Commit       string       `json:"commit,omitempty"`
	Branch       string       `json:"branch,omitempty"`
	Ref          string       `json:"ref,omitempty"`
	Refspec      string       `json:"refspec,omitempty"`
	Title        string       `json:"title,omitempty"`
	Author       string       `json:"author,omitempty"`
	AuthorAvatar string       `json:"author_avatar,omitempty"`
	AuthorEmail  string       `json:"author_email,omitempty"`
	Message      string       `json:"message,omitempty"`
}

type logEntryWP struct {
	ID     int64  `json:"id"`
	StepID int64  `json:"step_id"`
	Time   int64  `json:"time"`
	Line   int    `json:"line"`
	Data   []byte `json:"data"`
	Type   int    `json:"type"`
}

type permWP struct {
	Pull    bool  `json:"pull"`
	Push    bool  `json:"push"`
	Admin   bool  `json:"admin"`
	Synced  int64 `json:"synced"`
	Created int64 `json:"created"`
	Updated int64 `json:"updated"`
}

type configWP struct {
	Hash string `json:"hash"`
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// wpBuild is what a Woodpecker pipeline holds beyond the shared spec.
type wpBuild struct {
	init        bool      // sender and timestamp are set
	timestamp   time.Time // the commit's time; a restart keeps its parent's
	updated     time.Time
	reviewer    string
	reviewed    time.Time
	cancelledBy string
	sender      string // who pushed; "" for a manual pipeline and what derives from one
	rerun       int
	logID       [][][]int64 // per stage and step, the global id of each log line
}

// wpEvent is the event name Woodpecker uses for a spec's event.
func wpEvent(event string) string {
	switch event {
	case drone.EventPromote:
		return "deployment"
	case drone.EventCustom:
		return "manual"
	}
	return event
}

// wpRan reports whether a workflow or step with this status has started.
func wpRan(st drone.Status) bool {
	return started(st) && st != drone.StatusSkipped
}

func (s *Server) wpAvatarLocked() string {
	sum := md5.Sum([]byte(strings.ToLower(strings.TrimSpace(s.Email))))
	return s.forgeLink("avatars", hex.EncodeToString(sum[:]))
}

func (s *Server) userWPLocked() userWP {
	return userWP{ID: 1, ForgeID: 1, ForgeRemoteID: "1", Login: s.Login, Email: s.Email, Avatar: s.wpAvatarLocked(), Admin: true, OrgID: 1}
}

// repoWPLocked renders a repository. One never activated is a bare forge
// listing entry: no id, no organisation, no settings.
func (s *Server) repoWPLocked(r *repoState) *repoWP {
	host := s.forgeURL
	if u, err := url.Parse(s.forgeURL); err == nil {
		host = u.Hostname()
	}
	out := &repoWP{
		ForgeID: 1, ForgeRemoteID: itoa(r.id), Owner: r.owner, Name: r.name, FullName: r.slug(),
		Avatar: s.wpAvatarLocked(), ForgeURL: s.forgeLink(r.slug()), Clone: s.forgeLink(r.slug() + ".git"),
		CloneSSH: "root@" + host + ":" + r.slug() + ".git", Branch: r.opts.DefaultBranch, PREnabled: true,
		IsPrivate: r.opts.Private, IsActive: r.active, AllowDeploy: r.allowDeploy,
	}
	if r.everActive {
		out.ID, out.OrgID, out.Timeout, out.Visibility = r.id, 1, 60, "public"
		if r.opts.Private {
			out.Visibility = "private"
		}
		out.RequireApproval, out.AllowPull = r.requireApproval, true
		out.CancelPreviousEvents = []string{"push", "pull_request"}
	}
	return out
}

// refWP is the pipeline's ref: a manual pipeline, and what restarts or
// deploys it, names the bare branch.
func refWP(sp BuildSpec, number int64) string {
	if sp.Ref != "" {
		return sp.Ref
	}
	if sp.Event == drone.EventCustom || sp.Event == "manual" {
		return sp.Branch
	}
	return ref(sp, number)
}

func (s *Server) pipelineWPLocked(r *repoState, b *buildState, withWorkflows bool) *pipelineWP {
	sp := b.spec
	out := &pipelineWP{
		ID: b.id, Number: b.num, Author: sp.Author, Parent: sp.Parent, Event: wpEvent(sp.Event), Status: sp.Status,
		Created: unix(sp.Created), Updated: unix(b.wp.updated), Started: unix(sp.Started), Finished: unix(sp.Finished),
		DeployTo: sp.DeployTo, DeployTask: sp.DeployTask, Commit: sp.Commit, Branch: sp.Branch, RerunCount: b.wp.rerun,
		Ref: refWP(sp, b.num), AuthorAvatar: s.wpAvatarLocked(), ForgeURL: sp.Link, Reviewer: b.wp.reviewer,
		Reviewed: unix(b.wp.reviewed), ChangedFiles: sp.ChangedFiles, Variables: sp.Params, Version: versionWP,
		Title: sp.Title, Message: sp.Message, Timestamp: unix(b.wp.timestamp), AuthorEmail: sp.AuthorEmail,
	}
	if out.ForgeURL == "" {
		out.ForgeURL = s.forgeLink(r.slug(), "commit", sp.Commit)
	}
	out.Sender = b.wp.sender
	if sp.Event == drone.EventPullRequest && sp.Source != "" {
		out.Refspec = sp.Source + ":" + sp.Branch
	}
	if sp.Status == drone.StatusDeclined {
		out.Finished = 0 // a declined pipeline never ran, so it never finished either
	}
	if sp.Error != "" {
		out.Errors = []pipelineErrorWP{{Type: "compiler", Message: sp.Error}}
	}
	for _, w := range sp.Warnings {
		out.Errors = append(out.Errors, pipelineErrorWP{Type: w.Type, Message: w.Message, IsWarning: true, Data: w.Data})
	}
	if b.wp.cancelledBy != "" {
		out.CancelInfo = &cancelInfoWP{CanceledByUser: b.wp.cancelledBy}
	}
	ran := false
	for _, st := range sp.Stages {
		ran = ran || wpRan(st.Status)
	}
	if len(sp.Stages) > 0 && !ran {
		out.Started = 0 // cancelled while blocked or queued: it never ran
	}
	if !withWorkflows {
		return out
	}
	for i, st := range sp.Stages {
		wf := &workflowWP{ID: b.stageID[i], PipelineID: b.id, PID: i + 1, Name: st.Name, State: st.Status, Children: []*stepWP{}}
		if st.Status == drone.StatusKilled {
			wf.Error = "Canceled"
		}
		if wpRan(st.Status) {
			wf.Started, wf.AgentID = unix(sp.Started), 1
			if st.Status.Done() {
				wf.Finished = unix(sp.Finished)
			}
		}
		for j, step := range st.Steps {
			c := &stepWP{ID: b.stepID[i][j], UUID: ulid(b.stepID[i][j]), PipelineID: b.id, PID: stepPid(sp, i, j), PPID: i + 1,
				Name: step.Name, State: step.Status, Error: step.Error, ExitCode: step.ExitCode, Type: step.Type}
			if c.Type == "" {
				c.Type = "commands"
				if step.Name == "clone" {
					c.Type = "clone"
				}
			}
			if wpRan(step.Status) {
				c.Started = unix(sp.Started)
				if step.Status.Done() {
					c.Finished = max(unix(sp.Finished), c.Started)
				}
			}
			wf.Children = append(wf.Children, c)
		}
		out.Workflows = append(out.Workflows, wf)
	}
	return out
}

func (s *Server) feedWPLocked(r *repoState, b *buildState) feedWP {
	f := feedWP{RepoID: r.id, FullName: r.slug()}
	if b == nil {
		return f
	}
	p := s.pipelineWPLocked(r, b, false)
	f.ID, f.Number, f.Event, f.Status = p.ID, p.Number, p.Event, p.Status
	f.Created, f.Started, f.Finished = p.Created, p.Started, p.Finished
	f.Commit, f.Branch, f.Ref, f.Refspec, f.Title = p.Commit, p.Branch, p.Ref, p.Refspec, p.Title
	f.Author, f.AuthorAvatar, f.AuthorEmail, f.Message = p.Author, p.AuthorAvatar, p.AuthorEmail, p.Message
	return f
}

// configWPOf is the workflows' YAML as Woodpecker stores it.
func configWPOf(sp BuildSpec) []configWP {
	out := []configWP{}
	for _, st := range sp.Stages {
		data := st.Config
		if data == "" {
			var b strings.Builder
			b.WriteString("steps:\n")
			for _, step := range st.Steps {
				if step.Name != "clone" {
					fmt.Fprintf(&b, "  - name: %s\n    image: bash\n", step.Name)
				}
			}
			data = b.String()
		}
		sum := sha256.Sum256([]byte(data))
		out = append(out, configWP{Hash: hex.EncodeToString(sum[:]), Name: st.Name, Data: []byte(data)})
	}
	return out
}

// ulid is a stable 26-character id in Crockford's base32, as steps carry.
func ulid(id int64) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	sum := sha256.Sum256([]byte("step-" + itoa(id)))
	out := make([]byte, 26)
	for i := range out {
		out[i] = alphabet[int(sum[i])%32]
	}
	out[0] = '0'
	return string(out)
}
