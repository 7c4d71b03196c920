package commands

import (
	"context"
	"fmt"

	"github.com/dronebot/dronebot/drone"
)

func parseCancel(r *Registry, a Args, _ Request) (call, error) {
	slug, n, rest, err := takeRepoBuild(a.Positional)
	if err != nil {
		return call{}, err
	}
	if len(rest) > 0 || len(a.Params) > 0 {
		return call{}, usagef(msgUnexpectedAfterNumber)
	}
	return call{repo: slug, run: func(ctx context.Context) (Reply, error) { return r.runCancel(ctx, slug, n) }}, nil
}

func (r *Registry) runCancel(ctx context.Context, slug string, n int64) (Reply, error) {
	// Look first: a finished build needs no request, and Drone 0.8 can only
	// stop running procs.
	b, err := r.getBuild(ctx, slug, n)
	if err != nil {
		return Reply{}, err
	}
	if b.Status.Done() {
		return Reply{}, fail(Warning, nil, msgAlreadyFinished, slug, n, b.Status)
	}
	v08, err := r.isV08(ctx)
	if err != nil {
		return Reply{}, err
	}
	if v08 && b.Status == drone.StatusPending {
		return Reply{}, fail(Error, nil, msgV08NoCancelQueued)
	}
	if err := r.deps.Drone.CancelBuild(ctx, slug, n); err != nil {
		return Reply{}, r.explainNotFound(ctx, fmt.Errorf("cancel: %w", err), slug, n)
	}
	return Reply{
		Text:  r.say().f(msgCancelledBuild, slug, n),
		Level: Success,
		Links: r.buildLinks(slug, n),
	}, nil
}

func parseGate(approve bool) func(*Registry, Args, Request) (call, error) {
	return func(r *Registry, a Args, _ Request) (call, error) {
		slug, n, rest, err := takeRepoBuild(a.Positional)
		if err != nil {
			return call{}, err
		}
		if len(rest) > 0 || len(a.Params) > 0 {
			return call{}, usagef(msgUnexpectedAfterNumber)
		}
		return call{repo: slug, run: func(ctx context.Context) (Reply, error) {
			return r.runGate(ctx, slug, n, approve)
		}}, nil
	}
}

func (r *Registry) runGate(ctx context.Context, slug string, n int64, approve bool) (Reply, error) {
	b, err := r.getBuild(ctx, slug, n)
	if err != nil {
		return Reply{}, err
	}
	if !isBlocked(b) {
		return Reply{}, fail(Warning, nil, msgNotBlocked, slug, n, b.Status)
	}
	verb, done := "approved", msgApproved
	if approve {
		err = r.deps.Drone.ApproveBuild(ctx, slug, n)
	} else {
		verb, done = "declined", msgDeclined
		err = r.deps.Drone.DeclineBuild(ctx, slug, n)
	}
	if err != nil {
		return Reply{}, r.explainNotFound(ctx, fmt.Errorf("%s: %w", verb, err), slug, n)
	}
	reply := Reply{
		Text:  r.say().f(done, slug, n),
		Level: Success,
		Links: r.buildLinks(slug, n),
	}
	if approve {
		reply.Follow = &Follow{Repo: slug, Number: n}
	}
	return reply, nil
}

// isBlocked reports whether the build or one of its stages waits for approval.
func isBlocked(b *drone.Build) bool {
	if b.Status == drone.StatusBlocked {
		return true
	}
	for _, st := range b.Stages {
		if st.Status == drone.StatusBlocked {
			return true
		}
	}
	return false
}
