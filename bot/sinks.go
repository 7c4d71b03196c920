package bot

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/delivery"
	"github.com/dronebot/dronebot/notify/registry"
)

// sinkSet is every enabled destination by name, with its rate limits.
type sinkSet struct {
	sinks  map[string]notify.Sink
	limits map[string][]delivery.Window
	langs  map[string]string
}

// buildSinks makes a sink of every enabled sink in the configuration. out is
// where `stdout` sinks write.
func buildSinks(cfg *config.Config, hc *http.Client, out io.Writer, log *slog.Logger) (*sinkSet, error) {
	set := &sinkSet{sinks: map[string]notify.Sink{}, limits: map[string][]delivery.Window{}, langs: map[string]string{}}
	for name, sc := range cfg.Sinks {
		if sc.Disabled {
			continue
		}
		s, err := buildSink(name, sc, hc, out, log)
		if err != nil {
			return nil, err
		}
		set.sinks[name] = s
		set.langs[name] = sc.Lang
		if !sc.Rate.IsZero() {
			set.limits[name] = []delivery.Window{{N: sc.Rate.Count, Per: sc.Rate.Window}}
		} else {
			set.limits[name] = notify.LimitsOf(s)
		}
	}
	return set, nil
}

// buildSink makes one sink through its type's row of the registry, with its
// template when it has one.
func buildSink(name string, sc *config.Sink, hc *http.Client, out io.Writer, log *slog.Logger) (notify.Sink, error) {
	t, ok := registry.Lookup(sc.Type)
	if !ok || sc.Settings == nil {
		return nil, fmt.Errorf("sink %q: type %q is not supported by this build", name, sc.Type)
	}
	s, err := t.New(sc.Settings, notify.Env{Name: name, Lang: sc.Lang, HTTP: hc, Log: log, Out: out})
	if err != nil {
		return nil, err
	}
	if _, fixed := sc.Settings.(notify.FixedFormat); sc.Template == "" || fixed {
		return s, nil
	}
	tmpl, err := notify.ParseTemplate(sc.Template)
	if err != nil {
		return nil, fmt.Errorf("sink %q: %w", name, err)
	}
	return notify.Templated(s, tmpl), nil
}
