package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// acker acknowledges a Socket Mode envelope; *socketmode.Client is one.
type acker interface {
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

// RunSocketMode connects to Slack over Socket Mode (AppToken) and serves
// slash commands and button clicks until ctx ends. Socket Mode needs no
// public URL and no signing secret: the WebSocket itself is authenticated.
func (a *App) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack: Socket Mode needs an app token")
	}
	client := a.socketClient()
	handler := a.socketHandler(ctx, client, client)
	err := handler.RunEventLoopContext(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("slack socket mode: %w", err)
}

// socketClient is a Socket Mode client whose log lines go to the app's
// logger at debug level.
func (a *App) socketClient() *socketmode.Client {
	api := a.webAPI(a.cfg.BotToken, slackapi.OptionAppLevelToken(a.cfg.AppToken))
	return socketmode.New(api, socketmode.OptionLog(slogOutput{a.log}))
}

// slogOutput adapts slog to the Output method slack-go logs through.
type slogOutput struct{ log *slog.Logger }

func (s slogOutput) Output(_ int, line string) error {
	s.log.Debug("slack socket mode: " + strings.TrimSpace(line))
	return nil
}

// socketHandler routes Socket Mode events to the same jobs as the HTTP
// routes: each event is acknowledged at once and its work runs in the
// background. ack is where acknowledgements go (the client itself in
// production).
func (a *App) socketHandler(ctx context.Context, client *socketmode.Client, ack acker) *socketmode.SocketmodeHandler {
	h := socketmode.NewSocketmodeHandler(client)
	h.Handle(socketmode.EventTypeSlashCommand, func(evt *socketmode.Event, _ *socketmode.Client) {
		a.socketEvent(ctx, evt, ack)
	})
	h.Handle(socketmode.EventTypeInteractive, func(evt *socketmode.Event, _ *socketmode.Client) {
		a.socketEvent(ctx, evt, ack)
	})
	for _, t := range []socketmode.EventType{socketmode.EventTypeConnecting, socketmode.EventTypeConnected,
		socketmode.EventTypeHello, socketmode.EventTypeDisconnect} {
		h.Handle(t, func(evt *socketmode.Event, _ *socketmode.Client) {
			a.log.Debug("slack socket mode", "event", string(evt.Type))
		})
	}
	h.HandleDefault(func(evt *socketmode.Event, _ *socketmode.Client) {
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			a.ackEvent(ctx, ack, evt, nil) // Slack redelivers what is not acknowledged
		}
		a.log.Debug("slack socket mode event ignored", "event", string(evt.Type))
	})
	return h
}

// socketEvent acknowledges one slash command or interaction and starts its
// work. It never panics.
func (a *App) socketEvent(ctx context.Context, evt *socketmode.Event, ack acker) {
	route := "socket_" + string(evt.Type)
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("slack socket handler panicked", "route", route, "panic", fmt.Sprint(p))
			a.observe(route, "panic")
		}
	}()
	if evt.Request == nil {
		a.observe(route, "malformed")
		return
	}
	if id := evt.Request.EnvelopeID; id != "" && a.envelopes.Before(id, a.now()) {
		a.ackEvent(ctx, ack, evt, nil) // a redelivery: acknowledged, not run again
		a.observe(route, "duplicate")
		return
	}
	switch data := evt.Data.(type) {
	case slackapi.SlashCommand:
		j, err := a.slashJob(data, route)
		if err != nil {
			a.ackEvent(ctx, ack, evt, nil)
			a.log.Warn("slack socket command refused", "err", err)
			a.observe(route, "malformed")
			return
		}
		if !a.teamAllowed(data.TeamID) {
			a.ackEvent(ctx, ack, evt, ackPayload(refusedTeam))
			a.observe(route, "team_refused")
			return
		}
		a.ackEvent(ctx, ack, evt, ackPayload(workingOn(j.req.Text)))
		a.start(j)
		a.observe(route, "ok")
	case slackapi.InteractionCallback:
		a.ackEvent(ctx, ack, evt, nil)
		jobs, result, err := a.interactionJobs(data, route)
		if err != nil {
			a.log.Warn("slack socket interaction refused", "err", err)
			result = "malformed"
		}
		for _, j := range jobs {
			a.start(j)
		}
		a.observe(route, result)
	default:
		a.ackEvent(ctx, ack, evt, nil)
		a.observe(route, "malformed")
	}
}

func (a *App) ackEvent(ctx context.Context, ack acker, evt *socketmode.Event, payload any) {
	ctx, cancel := context.WithDeadline(ctx, a.ackDeadline())
	defer cancel()
	if err := ack.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil {
		a.log.Warn("slack socket mode ack failed", "event", string(evt.Type), "err", err)
	}
}
