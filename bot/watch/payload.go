package watch

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// hookPayload is the part of a Drone 1.x/2.x webhook body the watcher reads.
type hookPayload struct {
	Event  string     `json:"event"`
	Action string     `json:"action"`
	Repo   *hookRepo  `json:"repo"`
	Build  *hookBuild `json:"build"`
}

type hookRepo struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Slug      string `json:"slug"`
}

func (r *hookRepo) slug() string {
	if r.Slug != "" {
		return r.Slug
	}
	if r.Namespace == "" || r.Name == "" {
		return ""
	}
	return r.Namespace + "/" + r.Name
}

type hookBuild struct {
	ID           int64             `json:"id"`
	Number       int64             `json:"number"`
	Parent       int64             `json:"parent"`
	Status       string            `json:"status"`
	Error        string            `json:"error"`
	Event        string            `json:"event"`
	Trigger      string            `json:"trigger"`
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
	Stages       []*hookStage      `json:"stages"`
}

type hookStage struct {
	Number   int         `json:"number"`
	Name     string      `json:"name"`
	Status   string      `json:"status"`
	Error    string      `json:"error"`
	ExitCode int         `json:"exit_code"`
	Started  int64       `json:"started"`
	Stopped  int64       `json:"stopped"`
	Steps    []*hookStep `json:"steps"`
}

type hookStep struct {
	Number   int    `json:"number"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Error    string `json:"error"`
	ExitCode int    `json:"exit_code"`
	Started  int64  `json:"started"`
	Stopped  int64  `json:"stopped"`
}

// parsePayload decodes a webhook body.
func parsePayload(body []byte) (*hookPayload, error) {
	var p hookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("decode webhook: %w", err)
	}
	return &p, nil
}

// finished reports whether the payload announces a finished build: Drone
// has no "completed" action, so it is an update (or, for a build that
// errored at once, the creation) with a final status and a finish time.
func (p *hookPayload) finished() bool {
	if p.Event != "build" || p.Build == nil || p.Repo == nil || p.Repo.slug() == "" {
		return false
	}
	if p.Action != "updated" && p.Action != "created" {
		return false
	}
	return drone.Status(p.Build.Status).Done() && p.Build.Finished != 0
}

// complete reports whether the payload's build holds all an alert needs:
// its steps, or the error of a build that never ran a step.
func (b *hookBuild) complete() bool {
	return len(b.Stages) > 0 || b.Error != ""
}

func unix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0)
}

// model converts the payload's build into the dialect-neutral model.
func (b *hookBuild) model() *drone.Build {
	out := &drone.Build{
		ID: b.ID, Number: b.Number, Parent: b.Parent, Status: drone.Status(b.Status),
		Event: b.Event, Error: b.Error, Trigger: b.Trigger, Link: b.Link, Message: b.Message,
		Title: b.Title, Commit: b.After, Ref: b.Ref, Source: b.Source, Target: b.Target,
		Author: b.AuthorLogin, AuthorName: b.AuthorName, AuthorEmail: b.AuthorEmail,
		AuthorAvatar: b.AuthorAvatar, Sender: b.Sender, Params: b.Params, DeployTo: b.DeployTo,
		Created: unix(b.Created), Started: unix(b.Started), Finished: unix(b.Finished),
	}
	for _, s := range b.Stages {
		if s == nil {
			continue
		}
		st := &drone.Stage{
			Number: s.Number, Name: s.Name, Status: drone.Status(s.Status), ExitCode: s.ExitCode,
			Error: s.Error, Started: unix(s.Started), Stopped: unix(s.Stopped),
		}
		for _, p := range s.Steps {
			if p == nil {
				continue
			}
			st.Steps = append(st.Steps, &drone.Step{
				Number: p.Number, Name: p.Name, Status: drone.Status(p.Status), ExitCode: p.ExitCode,
				Error: p.Error, Started: unix(p.Started), Stopped: unix(p.Stopped),
			})
		}
		out.Stages = append(out.Stages, st)
	}
	return out
}
