package logtext

import (
	"context"
	"fmt"
	"log/slog"
)

// Handler wraps h so that the message and every attribute of each record
// are cleaned and masked before h sees them: the bot's own log never
// carries a secret, even one quoted in an error from a remote server.
func (m *Masker) Handler(h slog.Handler) slog.Handler { return &maskHandler{m: m, h: h} }

type maskHandler struct {
	m *Masker
	h slog.Handler
}

func (mh *maskHandler) Enabled(ctx context.Context, l slog.Level) bool { return mh.h.Enabled(ctx, l) }

func (mh *maskHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, mh.m.Text(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(mh.attr(a))
		return true
	})
	return mh.h.Handle(ctx, out)
}

func (mh *maskHandler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = mh.attr(a)
	}
	return &maskHandler{m: mh.m, h: mh.h.WithAttrs(masked)}
}

func (mh *maskHandler) WithGroup(name string) slog.Handler {
	return &maskHandler{m: mh.m, h: mh.h.WithGroup(name)}
}

// attr masks strings, errors and anything else printed as text; numbers,
// times and durations pass as they are.
func (mh *maskHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, mh.m.Text(v.String()))
	case slog.KindGroup:
		group := v.Group()
		masked := make([]any, len(group))
		for i, g := range group {
			masked[i] = mh.attr(g)
		}
		return slog.Group(a.Key, masked...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, mh.m.Text(x.Error()))
		case nil:
			return a
		default:
			return slog.String(a.Key, mh.m.Text(fmt.Sprint(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
