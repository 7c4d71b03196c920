package notify

import (
	"sort"
	"strings"
	"time"
)

// Outcome is what a finished build means for its line (repository + branch).
type Outcome string

const (
	OutcomeFailure      Outcome = "failure"       // the line was green or unknown
	OutcomeStillFailing Outcome = "still_failing" // the line was already red
	OutcomeFixed        Outcome = "fixed"         // the line was red and is green again
	OutcomeSuccess      Outcome = "success"
	OutcomeKilled       Outcome = "killed" // killed, declined or skipped
)

// Valid reports whether o is one of the known outcomes.
func (o Outcome) Valid() bool {
	switch o {
	case OutcomeFailure, OutcomeStillFailing, OutcomeFixed, OutcomeSuccess, OutcomeKilled:
		return true
	}
	return false
}

// Failed reports whether o is bad news.
func (o Outcome) Failed() bool { return o == OutcomeFailure || o == OutcomeStillFailing }

// severity orders outcomes worst first.
func (o Outcome) severity() int {
	switch o {
	case OutcomeStillFailing:
		return 0
	case OutcomeFailure:
		return 1
	case OutcomeKilled:
		return 2
	case OutcomeFixed:
		return 3
	}
	return 4
}

// WorstFirst is a copy of alerts ordered as every rendering lists a burst:
// still failing, failure, killed, fixed, the rest; longer failure streaks
// first; otherwise in their order.
func WorstFirst(alerts []*Alert) []*Alert {
	sorted := append([]*Alert(nil), alerts...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.Outcome.severity() != b.Outcome.severity() {
			return a.Outcome.severity() < b.Outcome.severity()
		}
		return a.FailCount > b.FailCount
	})
	return sorted
}

// Mentions are one person's ids on each platform, for @-mentions.
type Mentions struct {
	Slack    string `json:"slack,omitempty"`
	WeCom    string `json:"wecom,omitempty"`
	Email    string `json:"email,omitempty"`
	DingTalk string `json:"dingtalk,omitempty"`
}

// FailedStep is one step that failed.
type FailedStep struct {
	Stage    string        `json:"stage,omitempty"`
	Name     string        `json:"name"`
	ExitCode int           `json:"exit_code"`
	Duration time.Duration `json:"duration_ns"`
}

// LogExcerpt is what an alert shows of a failed step's log, already
// cleaned and masked: the blocks that explain the failure, then the tail.
type LogExcerpt struct {
	Step  string   `json:"step"`
	Lines []string `json:"lines"` // the tail, oldest first; its first line is number Total-len(Lines)+1
	Total int      `json:"total"` // lines in the whole log
	// Blocks are the parts above the tail that explain the failure (the
	// failing test, the compiler error, the traceback…), in line order.
	Blocks []LogBlock `json:"blocks,omitempty"`
	// Cause is the first line recognised as explaining the failure, and
	// CauseLine its 1-based line number.
	Cause     string `json:"cause,omitempty"`
	CauseLine int    `json:"cause_line,omitempty"`
}

// Alert is one build outcome, independent of any platform. It is also the
// "alert" object of the webhook schema dronebot.alert/v1 (see Payload).
type Alert struct {
	ID          string       `json:"id"` // dedup key, e.g. "octo/demo#42:failure"
	Outcome     Outcome      `json:"outcome"`
	FailCount   int          `json:"fail_count,omitempty"` // still_failing: how many failures in a row
	Repo        string       `json:"repo"`                 // owner/name
	RepoLink    string       `json:"repo_link,omitempty"`
	Build       int64        `json:"build"`
	BuildLink   string       `json:"build_link,omitempty"`
	Status      string       `json:"status"` // Drone's build status
	Event       string       `json:"event,omitempty"`
	Branch      string       `json:"branch,omitempty"`
	Ref         string       `json:"ref,omitempty"`
	Commit      string       `json:"commit,omitempty"` // full sha
	Title       string       `json:"title,omitempty"`  // first line of the commit message
	Author      string       `json:"author,omitempty"` // forge login
	AuthorName  string       `json:"author_name,omitempty"`
	AuthorEmail string       `json:"author_email,omitempty"`
	Mentions    Mentions     `json:"mentions,omitzero"`
	Started     time.Time    `json:"started,omitzero"`
	Finished    time.Time    `json:"finished,omitzero"`
	FailedSteps []FailedStep `json:"failed_steps,omitempty"`
	Log         *LogExcerpt  `json:"log,omitempty"`
	// BuildError is why the build errored before any step ran.
	BuildError    string    `json:"build_error,omitempty"`
	MentionAuthor bool      `json:"mention_author,omitempty"`
	Lang          string    `json:"lang,omitempty"`
	At            time.Time `json:"at,omitzero"` // when the bot saw the outcome
}

// ShortCommit is the commit's first 7 characters.
func (a *Alert) ShortCommit() string {
	if len(a.Commit) > 7 {
		return a.Commit[:7]
	}
	return a.Commit
}

// Duration is how long the build ran, 0 if unknown.
func (a *Alert) Duration() time.Duration {
	if a.Started.IsZero() || a.Finished.Before(a.Started) {
		return 0
	}
	return a.Finished.Sub(a.Started)
}

// MultiLineLog reports whether the alert carries more than one log line.
func (a *Alert) MultiLineLog() bool { return a.Log != nil && len(a.Log.Lines)+a.Log.blockLines() > 1 }

// firstLine is the commit title when the caller passed a whole message.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// SchemaV1 names the webhook body format.
const SchemaV1 = "dronebot.alert/v1"

// Payload is the JSON body a webhook receives, schema "dronebot.alert/v1":
//
//	{"schema": "dronebot.alert/v1", "delivery": "<Message.ID>", "lang": "en",
//	 "alerts": [{...Alert...}], "notice": {...}}
//
// It is an envelope, not a flat alert, because one delivery may carry a
// merged burst of alerts or a notice instead. "alerts" holds one alert in the
// common case; exactly one of "alerts" and "notice" is present. Durations are
// nanoseconds, times RFC 3339; unknown fields must be ignored by receivers,
// since v1 only ever gains fields.
type Payload struct {
	Schema   string   `json:"schema"`
	Delivery string   `json:"delivery"`
	Lang     string   `json:"lang"`
	Alerts   []*Alert `json:"alerts,omitempty"`
	Notice   *Notice  `json:"notice,omitempty"`
}

// NewPayload wraps m in the webhook envelope.
func NewPayload(m *Message) *Payload {
	return &Payload{Schema: SchemaV1, Delivery: m.ID, Lang: m.Language(), Alerts: m.Alerts, Notice: m.Notice}
}
