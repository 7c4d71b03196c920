package watch

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/logtext"
	"github.com/dronebot/dronebot/notify"
)

// DefaultLogTail is the number of log lines in an alert when none is set.
const DefaultLogTail = 30

// AlertBuilder turns a finished build into the platform-neutral alert.
type AlertBuilder struct {
	Client   drone.Client
	DroneURL string          // base URL for build links
	LogTail  int             // lines of the failed step's log; 0 means DefaultLogTail
	Masker   *logtext.Masker // hides secrets in log lines; nil masks patterns only
	Now      func() time.Time
	Logger   *slog.Logger
}

// AlertID is the alert's dedup key: one per build and outcome.
func AlertID(repo string, number int64, o notify.Outcome) string {
	return repo + "#" + strconv.FormatInt(number, 10) + ":" + string(o)
}

// BuildLink is the build's page on the Drone server.
func BuildLink(droneURL, repo string, number int64) string {
	return drone.BuildURL(drone.DialectV1, droneURL, repo, number)
}

// BuildAlert describes build b of repo. Outcome, ID and FailCount are left
// for the caller, which makes one alert per outcome. With withLog, the tail
// of the first failed step's log is fetched; a log that cannot be read
// leaves the alert without a tail rather than holding it back.
func (ab *AlertBuilder) BuildAlert(ctx context.Context, repo string, b *drone.Build, withLog bool) *notify.Alert {
	dialect, _ := ab.Client.Dialect(ctx) // known: the build came from this client
	a := &notify.Alert{
		Repo:        repo,
		Build:       b.Number,
		BuildLink:   drone.BuildURL(dialect, ab.DroneURL, repo, b.Number),
		Status:      string(b.Status),
		Event:       b.Event,
		Branch:      b.Branch(),
		Ref:         b.Ref,
		Commit:      b.Commit,
		Title:       commitTitle(b),
		Author:      b.Author,
		AuthorName:  b.AuthorName,
		AuthorEmail: b.AuthorEmail,
		Started:     b.Started,
		Finished:    b.Finished,
		At:          ab.now(),
	}
	stages, steps := FailedSteps(b)
	for i, step := range steps {
		a.FailedSteps = append(a.FailedSteps, notify.FailedStep{
			Stage:    stages[i].Name,
			Name:     step.Name,
			ExitCode: step.ExitCode,
			Duration: span(step.Started, step.Stopped),
		})
	}
	if b.Error != "" {
		a.BuildError = ab.masker().Text(b.Error)
	}
	if withLog && len(steps) > 0 {
		a.Log = ab.logExcerpt(ctx, repo, b, stages[0], steps[0])
	}
	return a
}

// logExcerpt reads one step's log: the blocks that explain the failure and
// the tail, cleaned and masked.
func (ab *AlertBuilder) logExcerpt(ctx context.Context, repo string, b *drone.Build, stage *drone.Stage, step *drone.Step) *notify.LogExcerpt {
	lines := ab.LogTail
	if lines <= 0 {
		lines = DefaultLogTail
	}
	c := logtext.NewCollector(logtext.Options{Tail: lines, Find: true})
	ref := drone.RefOf(stage, step)
	if _, err := ab.Client.LogTail(ctx, repo, b.Number, ref, drone.TailOptions{Lines: -1, Each: c.Line}); err != nil {
		if k := drone.KindOf(err); k != drone.KindLogNotReady && k != drone.KindNotFound {
			ab.logger().Warn("alert without log tail", "repo", repo, "build", b.Number, "step", step.Name, "err", err)
		}
		return nil
	}
	return LogExcerpt(stepLabel(b, stage, step), c.Excerpt(ab.masker()))
}

// LogExcerpt is the alert's form of an excerpt.
func LogExcerpt(step string, ex *logtext.Excerpt) *notify.LogExcerpt {
	out := &notify.LogExcerpt{Step: step, Lines: ex.Tail.Lines, Total: ex.Total, Cause: ex.Cause, CauseLine: ex.CauseLine}
	if out.Lines == nil {
		out.Lines = []string{}
	}
	for _, bl := range ex.Blocks {
		out.Blocks = append(out.Blocks, notify.LogBlock{First: bl.First, Lines: bl.Lines})
	}
	return out
}

// stepLabel names a step the way /logs accepts it: "stage/step" when the
// build has several stages.
func stepLabel(b *drone.Build, stage *drone.Stage, step *drone.Step) string {
	if len(b.Stages) > 1 {
		return fmt.Sprintf("%s/%s", stage.Name, step.Name)
	}
	return step.Name
}

// commitTitle is the first line of the commit message, else the title.
func commitTitle(b *drone.Build) string {
	msg := strings.TrimSpace(b.Message)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	if msg == "" {
		return strings.TrimSpace(b.Title)
	}
	return msg
}

func span(start, stop time.Time) time.Duration {
	if start.IsZero() || stop.Before(start) {
		return 0
	}
	return stop.Sub(start)
}

func (ab *AlertBuilder) masker() *logtext.Masker {
	if ab.Masker == nil {
		return logtext.NewMasker()
	}
	return ab.Masker
}

func (ab *AlertBuilder) now() time.Time {
	if ab.Now == nil {
		return time.Now()
	}
	return ab.Now()
}

func (ab *AlertBuilder) logger() *slog.Logger {
	if ab.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return ab.Logger
}
