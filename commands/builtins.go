package commands

// builtins is every chat command of the design's table, with its English
// help sentence.
func builtins() []Command {
	help := english().help
	cmds := []Command{
		{Name: "help", Usage: "/help [command]", Class: Read, parse: parseHelp},
		{Name: "repos", Usage: "/repos [filter] [--all]", Class: Read, parse: parseRepos},
		{Name: "activate", Usage: "/activate owner/name", Class: Write, parse: parseActivate(true)},
		{Name: "deactivate", Usage: "/deactivate owner/name", Class: Write, repoArg: true, parse: parseActivate(false)},
		{Name: "build", Usage: "/build owner/name [branch] [KEY=VALUE ...]", Class: Write, repoArg: true, parse: parseBuild},
		{Name: "restart", Usage: "/restart owner/name N [KEY=VALUE ...]", Class: Write, repoArg: true, parse: parseRestart},
		{Name: "cancel", Usage: "/cancel owner/name N", Class: Write, repoArg: true, parse: parseCancel},
		{Name: "approve", Usage: "/approve owner/name N", Class: Write, repoArg: true, parse: parseGate(true)},
		{Name: "decline", Usage: "/decline owner/name N", Class: Write, repoArg: true, parse: parseGate(false)},
		{Name: "promote", Usage: "/promote owner/name N TARGET [KEY=VALUE ...]", Class: Deploy, repoArg: true, parse: parsePromote},
		{Name: "builds", Usage: "/builds owner/name [branch] [--status S] [--event E] [-n 10]", Class: Read, repoArg: true, parse: parseBuilds},
		{Name: "status", Usage: "/status owner/name [N | branch]", Class: Read, repoArg: true, parse: parseStatus},
		{Name: "logs", Usage: "/logs owner/name [N] [step | stage/step] [--tail | -n LINES | --around LINE | --grep TEXT]", Class: Read, repoArg: true, parse: parseLogs},
		{Name: "subscribe", Usage: "/subscribe owner/name-or-glob [branch-glob] [failure|fixed|all]", Class: Write, repoArg: true, parse: parseSubscribe},
		{Name: "unsubscribe", Usage: "/unsubscribe owner/name-or-glob [branch-glob]", Class: Write, repoArg: true, parse: parseUnsubscribe},
		{Name: "subscriptions", Usage: "/subscriptions", Class: Write, parse: parseSubscriptions},
	}
	for i := range cmds {
		cmds[i].Help = help[cmds[i].Name]
	}
	return cmds
}
