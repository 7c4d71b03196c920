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
}

// subcommand is one entry of the command table.
type subcommand struct {
	name    string
	usage   string // after "dronebot "
	summary string
	run     func(ctx context.Context, cli *CLI, args []string) int
}

// subcommands is the command table: a new subcommand is one entry here and
// its function in its own file.
func subcommands() []subcommand {
	return []subcommand{
		{"run", "run [--config FILE]", "run the service until SIGINT/SIGTERM", runCommand},
		{"check", "check [--config FILE]", "validate the configuration; exit 1 on any error", checkCommand},
		{"exec", "exec [--config FILE] [--as PLATFORM:ID] [--wait] '/command ...'", "run one chat command and print the reply", execCommand},
		{"digest", "digest [--config FILE] [--name NAME] [--send] [--html FILE]", "build a digest now: print it, write its HTML, or send it", digestCommand},
		{"notify-test", "notify-test [--config FILE] SINK", "send a test message to one sink and print the answer", notifyTestCommand},
		{"demo", "demo [--pace DURATION]", "run against a simulated Drone with a prompt; no configuration needed", demoCommand},
		{"version", "version", "print version, commit and Go version", versionCommand},
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
		c.usage(c.Stdout)
		return exitOK
	}
	for _, cmd := range subcommands() {
		if cmd.name == args[0] {
			return cmd.run(ctx, c, args[1:])
		}
	}
	fmt.Fprintf(c.Stderr, "dronebot: unknown command %q\n\n", args[0])
	c.usage(c.Stderr)
	return exitUsage
}

func (c *CLI) usage(w io.Writer) {
	fmt.Fprintln(w, "dronebot puts Drone CI into team chat.")
	fmt.Fprintln(w, "\nUsage:")
	for _, cmd := range subcommands() {
		fmt.Fprintf(w, "  dronebot %-40s %s\n", cmd.usage, cmd.summary)
	}
	fmt.Fprintln(w, "\n--config defaults to $DRONEBOT_CONFIG, then ./bot.yaml.")
}

// flagSet starts the flags of a subcommand; errors and -h go to stderr.
func (c *CLI) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("dronebot "+name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
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
	if rep.HasErrors() {
		return exitFail
	}
	fmt.Fprintf(c.Stdout, "%s: ok (%s)\n", *path, cfg.Summary())
	return exitOK
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
