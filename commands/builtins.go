package commands

// builtins is every chat command of the design's table.
func builtins() []Command {
	return []Command{
		{Name: "help", Usage: "/help [command]", Class: Read, parse: parseHelp,
			Help: "Lists the commands, or explains one."},
		{Name: "repos", Usage: "/repos [filter] [--all]", Class: Read, parse: parseRepos,
			Help: "Lists active repositories with their last build; --all syncs from the forge and lists every repository the bot's token sees."},
		{Name: "activate", Usage: "/activate owner/name", Class: Write, parse: parseActivate(true),
			Help: "Enables the repository in Drone."},
		{Name: "deactivate", Usage: "/deactivate owner/name", Class: Write, parse: parseActivate(false),
			Help: "Disables the repository in Drone."},
		{Name: "build", Usage: "/build owner/name [branch] [KEY=VALUE ...]", Class: Write, parse: parseBuild,
			Help: "Starts a build of the branch (default: the repository's default branch) and posts its outcome when it finishes; on Drone 0.8 it re-runs the branch's latest build."},
		{Name: "restart", Usage: "/restart owner/name N [KEY=VALUE ...]", Class: Write, parse: parseRestart,
			Help: "Restarts build N."},
		{Name: "cancel", Usage: "/cancel owner/name N", Class: Write, parse: parseCancel,
			Help: "Stops build N."},
		{Name: "approve", Usage: "/approve owner/name N", Class: Write, parse: parseGate(true),
			Help: "Approves a build waiting for approval (every blocked stage)."},
		{Name: "decline", Usage: "/decline owner/name N", Class: Write, parse: parseGate(false),
			Help: "Declines a build waiting for approval."},
		{Name: "promote", Usage: "/promote owner/name N TARGET [KEY=VALUE ...]", Class: Deploy, parse: parsePromote,
			Help: "Deploys build N to TARGET (a promotion; on Drone 0.8 a deployment)."},
		{Name: "status", Usage: "/status owner/name [N]", Class: Read, parse: parseStatus,
			Help: "Shows a build (default: the latest of the default branch) with each stage's and step's state, exit code and duration."},
		{Name: "logs", Usage: "/logs owner/name N [step | stage/step] [-n LINES]", Class: Read, parse: parseLogs,
			Help: "Shows the tail of a step's log (default: the first failed step, else the last step)."},
		{Name: "subscribe", Usage: "/subscribe owner/name-or-glob [branch-glob] [failure|fixed|all]", Class: Write, parse: parseSubscribe,
			Help: "Sends this conversation the alerts of those repositories: branches default to the repository's default branch (all branches for a glob), alerts to failures."},
		{Name: "unsubscribe", Usage: "/unsubscribe owner/name-or-glob [branch-glob]", Class: Write, parse: parseUnsubscribe,
			Help: "Stops this conversation's alerts for those repositories (and branch)."},
		{Name: "subscriptions", Usage: "/subscriptions", Class: Write, parse: parseSubscriptions,
			Help: "Lists this conversation's subscriptions."},
	}
}
