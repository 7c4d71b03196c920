// Package demo is `dronebot demo`: the bot against a simulated Drone with
// sample repositories, its alerts printed and a prompt for commands. It is
// the one production user of drone/dronetest.
package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dronebot/dronebot/bot"
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

// Run runs the demo until in ends or ctx is done: a build fails and a later
// one fixes it, their alerts and the replies to each input line go to out,
// the bot's warnings to errOut. pace is the time between the simulated
// builds' steps.
func Run(ctx context.Context, in io.Reader, out, errOut io.Writer, pace time.Duration) error {
	fake := dronetest.New(drone.DialectV1)
	defer fake.Close()
	seedDemo(fake)

	dir, err := os.MkdirTemp("", "dronebot-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	text := fmt.Sprintf(demoConfig, fake.URL, fake.Token, filepath.Join(dir, "dronebot.db"))
	cfg, rep, err := config.Parse(filepath.Join(dir, "demo.yaml"), []byte(text), func(string) (string, bool) { return "", false })
	if err == nil && rep.HasErrors() {
		err = fmt.Errorf("%d problems", len(rep.Problems))
	}
	if err != nil {
		return fmt.Errorf("built-in configuration: %w", err)
	}

	screen := &lockedWriter{w: out}
	logger := bot.NewLogger(errOut, cfg.Log, cfg.Secrets()...)
	listening := make(chan net.Addr, 1)
	svc, err := bot.New(ctx, cfg, logger, bot.Deps{Out: screen,
		OnListen: func(public, _ net.Addr) { listening <- public }})
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	var addr net.Addr
	select {
	case addr = <-listening:
	case err := <-done:
		return err
	}
	fmt.Fprintf(screen, "dronebot demo: a simulated Drone at %s, the bot listening on http://%s\n", fake.URL, addr)
	fmt.Fprintf(screen, "Repositories: octo/demo, octo/api, octo/web. A build of octo/demo is about to fail, and a later one\n"+
		"will fix it: their alerts appear here. Type a command such as /help, /repos, /status octo/demo,\n"+
		"/logs octo/demo 3, /build octo/api. End the input (Ctrl-D) to quit.\n\n")

	var scenario sync.WaitGroup
	scenario.Add(1)
	go func() {
		defer scenario.Done()
		// The story starts once the watcher has sighted every repository,
		// so that the failing build is news however slow the machine.
		select {
		case <-svc.Watching():
			playDemo(ctx, fake, pace)
		case <-ctx.Done():
		}
	}()

	prompt(ctx, in, screen, svc.Commands())
	stop()
	scenario.Wait()
	return <-done
}

// prompt runs each input line as a command until the input ends.
func prompt(ctx context.Context, in io.Reader, out *lockedWriter, reg *commands.Registry) {
	from := commands.Identity{Platform: "cli", ID: "demo"}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
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
