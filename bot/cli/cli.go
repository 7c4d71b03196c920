// Package cli is dronebot's command line: the subcommand table, their flags
// and what they print. The work itself is done by the service (package bot)
// and the demo (package demo).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/spell"
)

// Build information, set at link time (the only package-level variables):
//
//	go build -ldflags "-X github.com/dronebot/dronebot/bot/cli.version=v1.0.0 -X github.com/dronebot/dronebot/bot/cli.commit=abc1234"
var (
	version = "dev"
	commit  = ""
)

// Exit codes of every subcommand.
const (
	exitOK    = 0
	exitFail  = 1 // the command failed, was refused, or the configuration has errors
	exitUsage = 2 // bad subcommand, flag or argument
)

// BuildInfo says which dronebot this is.
type BuildInfo struct {
	Version   string
	Commit    string
	GoVersion string
}

// CurrentBuild returns the link-time version and commit, falling back to the
// VCS revision Go stamps into binaries built from a checkout.
func CurrentBuild() BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, GoVersion: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok && b.Commit == "" {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				b.Commit = s.Value
			}
		}
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

// CLI is what every subcommand gets: its I/O, the environment and the build.
type CLI struct {
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer
	LookupEnv func(string) (string, bool)
	Build     BuildInfo
	// onFlags, when set, is given a subcommand's flag set instead of
	// parsing it, and the subcommand stops there: how --help lists them.
	onFlags func(fs *flag.FlagSet)
}

// subcommand is one entry of the command table.
type subcommand struct {
	name    string
	usage   string // after "dronebot "
	summary string
	run     func(ctx context.Context, cli *CLI, args []string) int
	// about, args and examples are its --help: what it does, its
	// positional arguments ("SINK  what it is") and typical command lines.
	about    string
	args     []string
	examples []string
}

// subcommands is the command table: a new subcommand is one entry here and
// its function in its own file.
func subcommands() []subcommand {
	return []subcommand{
		{name: "run", usage: "run [--config FILE]", summary: "run the service until SIGINT/SIGTERM", run: runCommand,
			about: "Runs the bot: answers chat commands, watches builds and sends alerts and digests. " +
				"On SIGINT or SIGTERM it stops taking work and drains within server.shutdown_timeout.",
			examples: []string{"dronebot run", "dronebot run --config /etc/dronebot/bot.yaml"}},
		{name: "check", usage: "check [--config FILE | FILE]", summary: "validate the configuration; exit 1 on any error", run: checkCommand,
			about: "Reads the configuration and prints each problem as file:line: error: … or file:line: warning: …, " +
				"then a summary, and last a line if no route would alert anyone. It touches neither Drone nor the store. Exit 1 on any error.",
			examples: []string{"dronebot check", "dronebot check staging.yaml", "dronebot check --config staging.yaml"}},
		{name: "exec", usage: "exec [--config FILE] [--as PLATFORM:ID] [--wait] [--format text|json] '/command ...'",
			summary: "run one chat command and print the reply", run: execCommand,
			about: "Runs one chat command through the same commands the chat apps use, and prints the reply. " +
				"By default it runs as the terminal's operator, who may do everything; --as checks another identity's rights.",
			args: []string{"'/command ...'  a chat command, quoted as one argument (/help lists them)"},
			examples: []string{"dronebot exec '/status octo/demo'", "dronebot exec --wait '/build octo/demo main'",
				"dronebot exec --as slack:U012AB3CD '/restart octo/demo 42'", "dronebot exec --format json '/builds octo/demo -n 5'"}},
		{name: "digest", usage: "digest [--config FILE] [--name NAME] [--send] [--html FILE]",
			summary: "build a digest now: print it, write its HTML, or send it", run: digestCommand,
			about:    "Builds a digest of the configured period now from the recorded builds: prints it, writes its HTML, or sends it to its sinks.",
			examples: []string{"dronebot digest", "dronebot digest --name weekly --html weekly.html", "dronebot digest --name daily --send"}},
		{name: "notify-test", usage: "notify-test [--config FILE] SINK", summary: "send a test message to one sink and print the answer",
			run:      notifyTestCommand,
			about:    "Sends a test alert to one sink and prints what its server answered, to check a webhook or mail setup.",
			args:     []string{"SINK  the name of a sink under sinks: in the configuration"},
			examples: []string{"dronebot notify-test team-chat"}},
		{name: "demo", usage: "demo [--pace DURATION]", summary: "run against a simulated Drone with a prompt; no configuration needed",
			run:      demoCommand,
			about:    "Starts a simulated Drone with a failing and a fixed build, prints the alerts, and gives a prompt for chat commands. It needs no configuration and reaches no outside server.",
			examples: []string{"dronebot demo", "dronebot demo --pace 500ms"}},
		{name: "version", usage: "version", summary: "print version, commit and Go version", run: versionCommand,
			about: "Prints the version, the commit and the Go version of this dronebot.", examples: []string{"dronebot version"}},
	}
}

// Main runs the dronebot command line and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cli := &CLI{Stdin: stdin, Stdout: stdout, Stderr: stderr, LookupEnv: os.LookupEnv, Build: CurrentBuild()}
	return cli.Run(ctx, args)
}

// Run dispatches args[0] to its subcommand.
func (c *CLI) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		c.usage(c.Stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[0] == "help" {
			return c.helpFor(args[1])
		}
		c.usage(c.Stdout)
		return exitOK
	}
	if cmd, ok := lookup(args[0]); ok {
		if wantsHelp(args[1:]) {
			c.subcommandHelp(c.Stdout, cmd)
			return exitOK
		}
		return cmd.run(ctx, c, args[1:])
	}
	c.unknown(args[0])
	return exitUsage
}

func lookup(name string) (subcommand, bool) {
	for _, cmd := range subcommands() {
		if cmd.name == name {
			return cmd, true
		}
	}
	return subcommand{}, false
}

// helpFor is "dronebot help NAME".
func (c *CLI) helpFor(name string) int {
	cmd, ok := lookup(name)
	if !ok {
		c.unknown(name)
		return exitUsage
	}
	c.subcommandHelp(c.Stdout, cmd)
	return exitOK
}

// unknown says that name is no subcommand, with the likely one.
func (c *CLI) unknown(name string) {
	var names []string
	for _, cmd := range subcommands() {
		names = append(names, cmd.name)
	}
	if best := spell.Nearest(name, names); best != "" {
		fmt.Fprintf(c.Stderr, "dronebot: unknown command %q; did you mean %s?\n", name, best)
		fmt.Fprintln(c.Stderr, "Run 'dronebot help' for the list.")
		return
	}
	fmt.Fprintf(c.Stderr, "dronebot: unknown command %q\n\n", name)
	c.usage(c.Stderr)
}

// wantsHelp says whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func (c *CLI) usage(w io.Writer) {
	fmt.Fprintln(w, "dronebot puts Drone CI into team chat.")
	fmt.Fprintln(w, "\nUsage:")
	for _, cmd := range subcommands() {
		fmt.Fprintf(w, "  dronebot %-40s %s\n", cmd.usage, cmd.summary)
	}
	fmt.Fprintln(w, "\n--config defaults to $DRONEBOT_CONFIG, then ./bot.yaml.")
	fmt.Fprintln(w, "'dronebot help COMMAND' or 'dronebot COMMAND --help' explains one command, with examples.")
}

// subcommandHelp is a subcommand's --help: what it does, its arguments,
// its options and examples.
func (c *CLI) subcommandHelp(w io.Writer, cmd subcommand) {
	fmt.Fprintf(w, "dronebot %s\n\n%s\n", cmd.usage, wrap(cmd.about, 76))
	if len(cmd.args) > 0 {
		fmt.Fprintln(w, "\nArguments:")
		for _, a := range cmd.args {
			name, what, _ := strings.Cut(a, "  ")
			fmt.Fprintf(w, "  %-22s %s\n", name, strings.TrimSpace(what))
		}
	}
	// The options are the subcommand's own flags, read from a flag set
	// built as the subcommand builds it.
	probe := &CLI{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, LookupEnv: c.LookupEnv, Build: c.Build}
	var opts []string
	probe.onFlags = func(fs *flag.FlagSet) {
		fs.VisitAll(func(f *flag.Flag) {
			kind, usage := flag.UnquoteUsage(f)
			name := "--" + f.Name
			if kind != "" {
				name += " " + strings.ToUpper(kind)
			}
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
				usage += " (default " + f.DefValue + ")"
			}
			opts = append(opts, fmt.Sprintf("  %-22s %s", name, usage))
		})
	}
	cmd.run(context.Background(), probe, []string{"--help"})
	if len(opts) > 0 {
		fmt.Fprintln(w, "\nOptions:")
		for _, o := range opts {
			fmt.Fprintln(w, o)
		}
	}
	if len(cmd.examples) > 0 {
		fmt.Fprintln(w, "\nExamples:")
		for _, e := range cmd.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}

// wrap breaks text into lines of at most width runes at spaces.
func wrap(text string, width int) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
			lines = append(lines, line)
			line = word
			continue
		}
		line = strings.TrimSpace(line + " " + word)
	}
	return strings.Join(append(lines, line), "\n")
}

// flagSet starts the flags of a subcommand; errors go to stderr with a
// pointer to --help.
func (c *CLI) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("dronebot "+name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	fs.Usage = func() {
		if cmd, ok := lookup(name); ok {
			fmt.Fprintf(c.Stderr, "usage: dronebot %s\nRun 'dronebot %s --help' for details.\n", cmd.usage, name)
		}
	}
	return fs
}

// configFlag adds --config, defaulting to $DRONEBOT_CONFIG, then ./bot.yaml.
func (c *CLI) configFlag(fs *flag.FlagSet) *string {
	def := "bot.yaml"
	if v, ok := c.LookupEnv("DRONEBOT_CONFIG"); ok && v != "" {
		def = v
	}
	return fs.String("config", def, "configuration `file`")
}

// parseFlags parses args; when it returns ok=false the subcommand exits with code.
func (c *CLI) parseFlags(fs *flag.FlagSet, args []string) (rest []string, code int, ok bool) {
	if c.onFlags != nil {
		c.onFlags(fs)
		return nil, exitOK, false
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, exitOK, false
		}
		return nil, exitUsage, false
	}
	return fs.Args(), exitOK, true
}

// noArgs reports a usage error for a subcommand that takes no arguments.
func (c *CLI) noArgs(name string, rest []string) bool {
	if len(rest) == 0 {
		return true
	}
	fmt.Fprintf(c.Stderr, "dronebot %s: unexpected argument %q\n", name, strings.Join(rest, " "))
	return false
}

// loadConfig loads the configuration at path with the CLI's environment.
func (c *CLI) loadConfig(path string) (*config.Config, *config.Report, error) {
	return config.Load(path, c.LookupEnv)
}

// usableConfig loads the configuration for a subcommand that needs one
// without errors: on a problem it prints every problem to stderr and
// returns nil. Warnings are the caller's to show.
func (c *CLI) usableConfig(cmd, path string) (*config.Config, *config.Report) {
	cfg, rep, err := c.loadConfig(path)
	if err == nil && !rep.HasErrors() {
		return cfg, rep
	}
	printProblems(c.Stderr, rep)
	if err != nil && len(rep.Problems) == 0 {
		fmt.Fprintf(c.Stderr, "dronebot %s: %v\n", cmd, err)
	}
	return nil, rep
}

// printProblems writes each problem as "file:line: error: message" or
// "file:line: warning: message".
func printProblems(w io.Writer, rep *config.Report) {
	for _, p := range rep.Problems {
		level := "error"
		if p.Warning {
			level = "warning"
		}
		fmt.Fprintf(w, "%s:%d: %s: %s\n", p.File, p.Line, level, p.Message)
	}
}

func checkCommand(_ context.Context, c *CLI, args []string) int {
	fs := c.flagSet("check")
	path := c.configFlag(fs)
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) == 1 && !flagSet(fs, "config") {
		// "dronebot check FILE", as other linters take their file.
		*path, rest = rest[0], nil
	}
	if !c.noArgs("check", rest) {
		return exitUsage
	}
	cfg, rep, err := c.loadConfig(*path)
	printProblems(c.Stdout, rep)
	if err != nil {
		if len(rep.Problems) == 0 {
			fmt.Fprintf(c.Stderr, "dronebot check: %v\n", err)
		}
		return exitFail
	}
	code = exitOK
	if rep.HasErrors() {
		fmt.Fprintf(c.Stdout, "%s: %s, %s\n", *path, countOf(len(rep.Errors()), "error"), countOf(len(rep.Warnings()), "warning"))
		code = exitFail
	} else {
		fmt.Fprintf(c.Stdout, "%s: ok (%s)\n", *path, cfg.Summary())
	}
	if why := cfg.AlertsNobody(); why != "" {
		fmt.Fprintf(c.Stdout, "%s: alerts nobody: %s\n", *path, why)
	}
	return code
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func versionCommand(_ context.Context, c *CLI, args []string) int {
	fs := c.flagSet("version")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if !c.noArgs("version", rest) {
		return exitUsage
	}
	fmt.Fprintf(c.Stdout, "dronebot %s\ncommit %s\n%s\n", c.Build.Version, c.Build.Commit, c.Build.GoVersion)
	return exitOK
}
