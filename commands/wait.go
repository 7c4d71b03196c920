package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// WaitBuild polls build n of repo every interval (5s when every <= 0) until
// it finishes or ctx ends, and returns its outcome: status, the failed step
// with its exit code, and a link under droneURL. Network trouble and server
// errors are retried on the next tick; an unknown build ends the wait. The
// outcome is in English; WaitBuildIn phrases it in another language.
func WaitBuild(ctx context.Context, c drone.Client, repo string, n int64, every time.Duration, droneURL string) (Reply, error) {
	return WaitBuildIn(ctx, c, repo, n, every, droneURL, "en")
}

// WaitBuildIn is WaitBuild with the outcome in lang ("en", "zh"; see Deps.Lang).
func WaitBuildIn(ctx context.Context, c drone.Client, repo string, n int64, every time.Duration, droneURL, lang string) (Reply, error) {
	if every <= 0 {
		every = 5 * time.Second
	}
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	var lastErr error
	for {
		b, err := c.Build(ctx, repo, n)
		switch {
		case err == nil && b.Status.Done():
			p, d := phrasesFor(lang), drone.DialectV1
			if d, _ = c.Dialect(ctx); d == drone.DialectWoodpecker {
				p = woodpeckerPhrases(lang)
			}
			return outcomeReply(p, repo, b, d, droneURL, time.Now()), nil
		case err == nil:
			lastErr = nil
		case drone.IsNotFound(err) || drone.KindOf(err) == drone.KindUnauthorized:
			return Reply{}, fmt.Errorf("wait for %s #%d: %w", repo, n, err)
		default:
			lastErr = err
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return Reply{}, fmt.Errorf("wait for %s #%d: %w (last error: %v)", repo, n, ctx.Err(), lastErr)
			}
			return Reply{}, fmt.Errorf("wait for %s #%d: %w", repo, n, ctx.Err())
		case <-ticker.C:
		}
	}
}

// outcomeReply is a finished build in a few lines: the status, and for a
// failure which step failed with which exit code.
func outcomeReply(p *phrases, repo string, b *drone.Build, d drone.Dialect, droneURL string, now time.Time) Reply {
	reply := Reply{
		Title:   fmt.Sprintf("%s #%d: %s", repo, b.Number, b.Status),
		Fields:  buildFields(p, b, now),
		Buttons: buttonsFor(p, repo, b),
		Level:   statusLevel(b.Status),
		Public:  true,
	}
	switch st, step := failedStep(b); {
	case step != nil:
		reply.Text = p.f(msgStepFailed, st.Name, step.Name, step.ExitCode)
	case b.Error != "":
		reply.Text = p.f(msgErrorPrefix, shorten(strings.TrimSpace(b.Error), 300))
	default:
		reply.Text = p.f(msgBuildFinished, b.Number, b.Status)
	}
	if droneURL != "" {
		reply.Links = []Link{{Text: fmt.Sprintf("%s #%d", repo, b.Number), URL: drone.BuildURL(d, droneURL, repo, b.Number)}}
	}
	return reply
}
