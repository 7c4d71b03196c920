package slackapp

import (
	"context"
	"errors"
	"fmt"
	"time"

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
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		ctx, cancel := context.WithTimeout(context.Background(), a.cfg.ReplyTimeout)
		defer cancel()
		// A burst of commands queues here rather than competing with the
		// acknowledgements for CPU and flooding Drone.
		select {
		case a.running <- struct{}{}:
			defer func() { <-a.running }()
		case <-ctx.Done():
			a.log.Warn("slack command not run: too many commands waiting", "route", j.route, "who", j.req.From.String())
			a.observe(j.route, "overloaded")
			return
		}
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("slack reply panicked", "route", j.route, "panic", fmt.Sprint(p))
				a.observe(j.route, "panic")
				a.deliver(ctx, j, render(commands.Reply{
					Text: "internal error: the command failed; the details are in the bot's log.", Level: commands.Error, Err: true,
				}))
			}
		}()
		a.run(ctx, j)
	}()
}

func (a *App) run(ctx context.Context, j job) {
	reply := a.reg.Run(ctx, j.req)
	follow := reply.Follow
	if follow != nil && !reply.Err {
		if note := a.followNote(j, follow); note != "" {
			reply.Text = joinText(reply.Text, note)
		}
	}
	if !a.deliver(ctx, j, render(reply)) || follow == nil || reply.Err {
		return
	}
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("slack: following a build panicked", "repo", follow.Repo, "build", follow.Number, "panic", fmt.Sprint(p))
				a.observe("follow", "panic")
			}
		}()
		a.follow(j, follow)
	}()
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
	if err != nil {
		a.log.Error("slack reply not delivered", "route", j.route, "who", j.req.From.String(), "err", err)
		a.observe(j.route, "delivery_failed")
		return false
	}
	a.observe(j.route, "delivered")
	return true
}

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
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
	var ctx context.Context
	var cancel context.CancelFunc
	switch {
	case byToken:
		ctx, cancel = context.WithTimeout(a.follows, a.cfg.FollowLimit)
	case j.respond.usable(a.now().Add(time.Minute)):
		// Keep a minute of the response_url's life for the last word.
		ctx, cancel = context.WithTimeout(a.follows, j.respond.expires.Add(-time.Minute).Sub(a.now()))
	default:
		return
	}
	defer cancel()
	outcome, err := commands.WaitBuild(ctx, a.drone, f.Repo, f.Number, a.cfg.FollowEvery, a.cfg.DroneURL)
	if a.follows.Err() != nil {
		return // shutting down: nothing half-said
	}
	sendCtx, cancelSend := context.WithTimeout(context.Background(), postTimeout)
	defer cancelSend()
	if err != nil {
		a.log.Warn("slack: stopped following a build", "repo", f.Repo, "build", f.Number, "err", err)
		text := fmt.Sprintf("I stopped watching %s #%d; check /status %s %d.", f.Repo, f.Number, f.Repo, f.Number)
		if errors.Is(err, context.DeadlineExceeded) && !byToken {
			text = fmt.Sprintf("%s #%d is still running and I can't post its outcome later: no bot token; check /status %s %d.",
				f.Repo, f.Number, f.Repo, f.Number)
		}
		outcome = commands.Reply{Text: text, Level: commands.Warning, Public: true}
	}
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
	if sendErr != nil {
		a.log.Error("slack: build outcome not delivered", "repo", f.Repo, "build", f.Number, "err", sendErr)
		a.observe("follow", "delivery_failed")
		return
	}
	a.observe("follow", "delivered")
}
