package bot

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

// demoConfig is the configuration `dronebot demo` runs with: the simulated
// Drone, a store in a temporary folder, a free loopback port, and every
// alert written to the terminal.
const demoConfig = `lang: en
log: {level: warn}
server: {listen: "127.0.0.1:0", shutdown_timeout: 5s}
drone: {server: "%s", token: "%s", api: v1}
store: {path: "%s"}
watch: {mode: poll, interval: 1s, log_tail: 20}
sinks:
  terminal: {type: stdout}
routes:
  - {repos: ["*"], on: [failure, still_failing, fixed], to: [terminal]}
acl: {read: ["*"], write: ["*"]}
`

// demoCommand runs the bot against a simulated Drone with sample
// repositories and a prompt for commands. One build fails and a later one
// fixes it; their alerts are printed. End of input exits 0.
func demoCommand(ctx context.Context, c *CLI, args []string) int {
	fs := c.flagSet("demo")
	pace := fs.Duration("pace", 4*time.Second, "time between the simulated builds' steps")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if !c.noArgs("demo", rest) {
		return exitUsage
	}
	fake := dronetest.New(drone.DialectV1)
	defer fake.Close()
	seedDemo(fake)

	dir, err := os.MkdirTemp("", "dronebot-demo-")
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot demo: %v\n", err)
		return exitFail
	}
	defer os.RemoveAll(dir)
	text := fmt.Sprintf(demoConfig, fake.URL, fake.Token, filepath.Join(dir, "dronebot.db"))
	cfg, rep, err := config.Parse(filepath.Join(dir, "demo.yaml"), []byte(text), func(string) (string, bool) { return "", false })
	if err != nil || rep.HasErrors() {
		printProblems(c.Stderr, rep)
		fmt.Fprintf(c.Stderr, "dronebot demo: built-in configuration: %v\n", err)
		return exitFail
	}

	out := &lockedWriter{w: c.Stdout}
	logger := NewLogger(c.Stderr, cfg.Log, cfg.Secrets()...)
	listening := make(chan net.Addr, 1)
	svc, err := newService(ctx, cfg, logger, serviceDeps{Out: out,
		OnListen: func(public, _ net.Addr) { listening <- public }})
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot demo: %v\n", err)
		return exitFail
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- svc.run(ctx) }()
	var addr net.Addr
	select {
	case addr = <-listening:
	case err := <-done:
		fmt.Fprintf(c.Stderr, "dronebot demo: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(out, "dronebot demo: a simulated Drone at %s, the bot listening on http://%s\n", fake.URL, addr)
	fmt.Fprintf(out, "Repositories: octo/demo, octo/api, octo/web. A build of octo/demo is about to fail, and a later one\n"+
		"will fix it: their alerts appear here. Type a command such as /help, /repos, /status octo/demo,\n"+
		"/logs octo/demo 3, /build octo/api. End the input (Ctrl-D) to quit.\n\n")

	var scenario sync.WaitGroup
	scenario.Add(1)
	go func() {
		defer scenario.Done()
		// The story starts once the watcher has sighted every repository,
		// so that the failing build is news however slow the machine.
		select {
		case <-svc.watching:
			playDemo(ctx, fake, *pace)
		case <-ctx.Done():
		}
	}()

	prompt(ctx, c, out, svc.registry)
	stop()
	scenario.Wait()
	if err := <-done; err != nil {
		fmt.Fprintf(c.Stderr, "dronebot demo: %v\n", err)
		return exitFail
	}
	return exitOK
}

// prompt runs each input line as a command until the input ends.
func prompt(ctx context.Context, c *CLI, out *lockedWriter, reg *commands.Registry) {
	from := commands.Identity{Platform: "cli", ID: "demo"}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(c.Stdin)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		fmt.Fprint(out, "dronebot> ")
		select {
		case <-ctx.Done():
			return
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(out)
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			reply := reg.Run(ctx, commands.Request{Text: line, From: from,
				Conversation: commands.Conversation{Platform: "cli", ID: "demo"}, TailLines: 20})
			fmt.Fprint(out, commands.RenderText(reply))
		}
	}
}

// lockedWriter keeps the prompt's replies and the alerts from interleaving.
type lockedWriter struct {
	mu sync.Mutex
	w  interface{ Write([]byte) (int, error) }
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
