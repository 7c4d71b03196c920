package commands

import (
	"context"
	"fmt"
	"strings"
)

func parseHelp(r *Registry, a Args, _ Request) (call, error) {
	if len(a.Positional) > 1 {
		return call{}, usagef(msgOneCommand)
	}
	if len(a.Positional) == 0 {
		return call{run: func(context.Context) (Reply, error) { return r.helpAll(), nil }}, nil
	}
	name := strings.ToLower(strings.TrimPrefix(a.Positional[0], "/"))
	cmd, ok := r.commands[name]
	if !ok {
		return call{run: func(context.Context) (Reply, error) {
			return Reply{}, &sentenceError{msg: r.unknown(name), level: Error}
		}}, nil
	}
	return call{run: func(context.Context) (Reply, error) {
		needs := map[Class]msgID{Read: msgNeedsRead, Write: msgNeedsWrite, Deploy: msgNeedsDeploy}[cmd.Class]
		return Reply{Title: cmd.Usage, Text: cmd.Help + "\n" + r.say().f(needs)}, nil
	}}, nil
}

func (r *Registry) helpAll() Reply {
	var b strings.Builder
	for _, c := range r.Commands() {
		fmt.Fprintf(&b, "%s\n    %s\n", c.Usage, c.Help)
	}
	b.WriteString(r.say().f(msgHelpFooter))
	return Reply{Title: r.say().f(msgHelpTitle), Text: b.String()}
}
