package wecomapp

import (
	"context"
	"errors"
	"fmt"

	"github.com/dronebot/dronebot/bot/intake"
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

// start runs j detached from the request that brought it, under
// ReplyTimeout. Wait waits for it.
func (h *Handler) start(j job) {
	h.jobs.Go(intake.Job{
		Route:  "reply",
		Who:    j.to,
		Run:    func(ctx context.Context) { h.run(ctx, j) },
		Failed: func(ctx context.Context, reply commands.Reply) { h.deliver(ctx, "reply", j.to, reply) },
	})
}

func (h *Handler) run(ctx context.Context, j job) {
	if j.notice != "" {
		h.deliver(ctx, "reply", j.to, commands.Reply{Text: j.notice})
		return
	}
	reply := h.reg.Run(ctx, j.req)
	follow := reply.Follow
	if follow != nil && !reply.Err && h.cfg.Drone == nil {
		reply.Text = intake.JoinText(reply.Text, fmt.Sprintf("check /status %s %d for the outcome.", follow.Repo, follow.Number))
		follow = nil
	}
	if !h.deliver(ctx, "reply", j.to, reply) || follow == nil || reply.Err {
		return
	}
	h.jobs.Follow(follow, func() { h.follow(j.to, follow) })
}

// follow waits for the build to finish and sends its outcome to the asker.
func (h *Handler) follow(to string, f *commands.Follow) {
	outcome, err := h.jobs.WaitBuild(h.cfg.Drone, f, h.cfg.FollowLimit)
	if errors.Is(err, intake.ErrStopped) {
		return // shutting down: nothing half-said
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
	err := h.app.SendMarkdown(ctx, wecom.Recipients{Users: []string{to}}, render(reply))
	return h.jobs.Delivered(route, err, "who", to)
}
