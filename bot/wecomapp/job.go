package wecomapp

import (
	"context"
	"fmt"

	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify/wecom"
)

// job is one answer to work out in the background: a command to run, or
// a fixed notice.
type job struct {
	to     string // the asker's UserID
	req    commands.Request
	notice string
}

func internalError() commands.Reply {
	return commands.Reply{Text: "internal error: the command failed; the details are in the bot's log.",
		Level: commands.Error, Err: true}
}

// start runs j detached from the request that brought it, under
// ReplyTimeout. Wait waits for it.
func (h *Handler) start(j job) {
	h.inflight.Add(1)
	go func() {
		defer h.inflight.Done()
		ctx, cancel := context.WithTimeout(context.Background(), h.cfg.ReplyTimeout)
		defer cancel()
		// A burst queues here instead of flooding Drone.
		select {
		case h.running <- struct{}{}:
			defer func() { <-h.running }()
		case <-ctx.Done():
			h.log.Warn("wecom command not run: too many commands waiting", "who", j.to)
			h.observe("reply", "overloaded")
			return
		}
		defer func() {
			if p := recover(); p != nil {
				h.log.Error("wecom reply panicked", "who", j.to, "panic", fmt.Sprint(p))
				h.observe("reply", "panic")
				h.deliver(ctx, "reply", j.to, internalError())
			}
		}()
		h.run(ctx, j)
	}()
}

func (h *Handler) run(ctx context.Context, j job) {
	if j.notice != "" {
		h.deliver(ctx, "reply", j.to, commands.Reply{Text: j.notice})
		return
	}
	reply := h.reg.Run(ctx, j.req)
	follow := reply.Follow
	if follow != nil && !reply.Err && h.cfg.Drone == nil {
		reply.Text = joinText(reply.Text, fmt.Sprintf("check /status %s %d for the outcome.", follow.Repo, follow.Number))
		follow = nil
	}
	if !h.deliver(ctx, "reply", j.to, reply) || follow == nil || reply.Err {
		return
	}
	h.inflight.Add(1)
	go func() {
		defer h.inflight.Done()
		defer func() {
			if p := recover(); p != nil {
				h.log.Error("wecom: following a build panicked", "repo", follow.Repo, "build", follow.Number, "panic", fmt.Sprint(p))
				h.observe("follow", "panic")
			}
		}()
		h.follow(j.to, follow)
	}()
}

// follow waits for the build to finish and sends its outcome to the asker.
func (h *Handler) follow(to string, f *commands.Follow) {
	ctx, cancel := context.WithTimeout(h.follows, h.cfg.FollowLimit)
	defer cancel()
	outcome, err := commands.WaitBuild(ctx, h.cfg.Drone, f.Repo, f.Number, h.cfg.FollowEvery, h.cfg.DroneURL)
	if h.follows.Err() != nil {
		return // shutting down: nothing half-said
	}
	if err != nil {
		h.log.Warn("wecom: stopped following a build", "repo", f.Repo, "build", f.Number, "err", err)
		outcome = commands.Reply{Level: commands.Warning,
			Text: fmt.Sprintf("I stopped watching %s #%d; check /status %s %d.", f.Repo, f.Number, f.Repo, f.Number)}
	}
	sendCtx, cancelSend := context.WithTimeout(context.Background(), sendTimeout)
	defer cancelSend()
	h.deliver(sendCtx, "follow", to, outcome)
}

// deliver renders reply and sends it to the user; it reports whether
// WeCom accepted it.
func (h *Handler) deliver(ctx context.Context, route, to string, reply commands.Reply) bool {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := h.app.SendMarkdown(ctx, wecom.Recipients{Users: []string{to}}, render(reply)); err != nil {
		h.log.Error("wecom reply not delivered", "route", route, "who", to, "err", err)
		h.observe(route, "delivery_failed")
		return false
	}
	h.observe(route, "delivered")
	return true
}

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}
