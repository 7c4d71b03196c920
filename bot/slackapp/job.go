package slackapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dronebot/dronebot/bot/intake"
	"github.com/dronebot/dronebot/commands"
)

// job is one command to run in the background and where its answers go.
type job struct {
	route    string
	req      commands.Request
	respond  *responseURL // nil when the request came without one
	channel  string
	received time.Time
}

// start runs j in its own goroutine, detached from the request that brought
// it, under ReplyTimeout. Wait waits for it.
func (a *App) start(j job) {
	a.jobs.Go(intake.Job{
		Route:  j.route,
		Who:    j.req.From.String(),
		Run:    func(ctx context.Context) { a.run(ctx, j) },
		Failed: func(ctx context.Context, reply commands.Reply) { a.deliver(ctx, j, render(reply)) },
	})
}

func (a *App) run(ctx context.Context, j job) {
	reply := a.reg.Run(ctx, j.req)
	follow := reply.Follow
	if follow != nil && !reply.Err {
		if note := a.followNote(j, follow); note != "" {
			reply.Text = intake.JoinText(reply.Text, note)
		}
	}
	if !a.deliver(ctx, j, render(reply)) || follow == nil || reply.Err {
		return
	}
	a.jobs.Follow(follow, func() { a.follow(j, follow) })
}

// deliver sends msg through the response_url while it lasts, else with the
// bot token to the channel. It reports whether the message went out.
func (a *App) deliver(ctx context.Context, j job, msg message) bool {
	var err error
	switch {
	case j.respond.usable(a.now()):
		err = a.postResponse(ctx, j.respond, msg)
		if err != nil && a.api != nil && j.channel != "" && msg.Public {
			a.log.Warn("slack reply through response_url failed; posting to the channel", "route", j.route, "err", err)
			err = a.postChannel(ctx, j.channel, msg)
		}
	case a.api != nil && j.channel != "":
		err = a.postChannel(ctx, j.channel, msg)
	default:
		err = errResponseURLSpent
	}
	return a.jobs.Delivered(j.route, err, "who", j.req.From.String())
}

// How a followed build's outcome reaches the conversation:
//
//   - with a bot token: chat.postMessage to the channel when the build
//     finishes, watched for at most FollowLimit;
//   - without one: the same response_url as the first reply, which Slack
//     honours for 30 minutes. The first reply says so; if the build still
//     runs a minute before the URL expires, a last message says where to
//     look instead;
//   - with neither (no bot token and no usable response_url): the first
//     reply says the outcome cannot be posted and names /status.
//
// Followed builds are not resumed after a restart of the bot.
func (a *App) followNote(j job, f *commands.Follow) string {
	status := fmt.Sprintf("/status %s %d", f.Repo, f.Number)
	switch {
	case a.api != nil && j.channel != "":
		return ""
	case j.respond.usable(a.now().Add(time.Minute)):
		return fmt.Sprintf("I'll post the outcome here if it finishes within 30 minutes; after that I can't (no bot token): check %s.", status)
	default:
		return fmt.Sprintf("I can't post the outcome later: no bot token; check %s.", status)
	}
}

// follow waits for the build to finish and posts its outcome.
func (a *App) follow(j job, f *commands.Follow) {
	byToken := a.api != nil && j.channel != ""
	var limit time.Duration
	switch {
	case byToken:
		limit = a.cfg.FollowLimit
	case j.respond.usable(a.now().Add(time.Minute)):
		// Keep a minute of the response_url's life for the last word.
		limit = j.respond.expires.Add(-time.Minute).Sub(a.now())
	default:
		return
	}
	outcome, err := a.jobs.WaitBuild(a.drone, f, limit)
	if errors.Is(err, intake.ErrStopped) {
		return // shutting down: nothing half-said
	}
	if errors.Is(err, context.DeadlineExceeded) && !byToken {
		outcome.Text = fmt.Sprintf("%s #%d is still running and I can't post its outcome later: no bot token; check /status %s %d.",
			f.Repo, f.Number, f.Repo, f.Number)
	}
	sendCtx, cancelSend := context.WithTimeout(context.Background(), postTimeout)
	defer cancelSend()
	outcome.Public = true
	msg := render(outcome)
	var sendErr error
	if byToken {
		sendErr = a.postChannel(sendCtx, j.channel, msg)
		if sendErr != nil && j.respond.usable(a.now()) {
			// Typically not_in_channel: the bot was never invited.
			sendErr = a.postResponse(sendCtx, j.respond, msg)
		}
	} else {
		sendErr = a.postResponse(sendCtx, j.respond, msg)
	}
	a.jobs.Delivered("follow", sendErr, "repo", f.Repo, "build", f.Number)
}
