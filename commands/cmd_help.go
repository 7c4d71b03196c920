package commands

import (
	"context"
	"fmt"
	"strings"
)

func parseHelp(r *Registry, a Args, _ Request) (call, error) {
	if len(a.Positional) > 1 {
		return call{}, usagef("one command at a time")
	}
	if len(a.Positional) == 0 {
		return call{run: func(context.Context) (Reply, error) { return r.helpAll(), nil }}, nil
	}
	name := strings.ToLower(strings.TrimPrefix(a.Positional[0], "/"))
	cmd, ok := r.commands[name]
	if !ok {
		return call{run: func(context.Context) (Reply, error) {
			reply := r.unknown(name)
			return reply, &sentenceError{sentence: reply.Text, level: Error}
		}}, nil
	}
	return call{run: func(context.Context) (Reply, error) {
		return Reply{
			Title:  cmd.Usage,
			Text:   cmd.Help,
			Fields: []Field{{Name: "Class", Value: cmd.Class.String()}},
		}, nil
	}}, nil
}

func (r *Registry) helpAll() Reply {
	var b strings.Builder
	for _, c := range r.Commands() {
		fmt.Fprintf(&b, "%s\n    %s\n", c.Usage, c.Help)
	}
	b.WriteString("/drone <command> works too. N may be written 42 or #42. /help <command> explains one command.")
	return Reply{Title: "dronebot commands", Text: b.String()}
}
