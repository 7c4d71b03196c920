package config

import (
	"fmt"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/notify"
	"net"
	"os"
	"time"
)

func (c *checker) validate() {
	cfg := c.cfg
	c.oneOf("lang", cfg.Lang, "en", "zh")
	c.oneOf("log.level", cfg.Log.Level, "debug", "info", "warn", "error")
	c.oneOf("log.format", cfg.Log.Format, "text", "json")
	c.validateServer()
	c.validateDrone()
	c.validateStore()
	c.validateWatch()
	c.validateSlack()
	c.validateWeCom()
	c.validateSinks()
	c.validateDelivery()
	c.validateRoutes()
	c.validateDigests()
	c.validateACL()
	c.validateUsers()
}

// required checks a value the service cannot run without. Missing, or
// written empty, is an error. Empty only because a ${VAR} it uses is unset is
// a warning, so the shipped file passes check on a fresh machine, and it
// makes Runnable fail so run refuses to start.
func (c *checker) required(p, value string) bool {
	if value != "" {
		return true
	}
	switch {
	case !c.has(p):
		c.rep.errorf(c.line(p), "%s is required", p)
	case c.why(p) == "":
		c.rep.errorf(c.line(p), "%s is required but written empty", p)
	default:
		sentence := fmt.Sprintf("%s is empty: %s", p, c.why(p))
		c.cfg.notRunnable = append(c.cfg.notRunnable, sentence)
		c.rep.warnf(c.line(p), "%s (run refuses to start until it is set)", sentence)
	}
	return false
}

func (c *checker) validateServer() {
	s := &c.cfg.Server
	c.listenAddr("server.listen", s.Listen)
	if s.AdminListen != "" {
		c.listenAddr("server.admin_listen", s.AdminListen)
		if s.AdminListen == s.Listen {
			c.rep.errorf(c.line("server.admin_listen"), "server.admin_listen: must differ from server.listen")
		}
	}
	if s.PublicURL != "" {
		c.httpURL("server.public_url", s.PublicURL)
	}
	c.atLeast("server.shutdown_timeout", s.ShutdownTimeout, time.Second)
}

func (c *checker) listenAddr(p, addr string) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		c.rep.errorf(c.line(p), "%s: must be host:port, e.g. \":8080\" or \"127.0.0.1:8080\"", p)
	}
}

func (c *checker) validateDrone() {
	d := &c.cfg.Drone
	if c.required("drone.server", d.Server) {
		c.httpURL("drone.server", d.Server)
	}
	c.required("drone.token", d.Token)
	c.oneOf("drone.api", string(d.API), "auto", "v1", "v0.8", "woodpecker")
	c.atLeast("drone.timeout", d.Timeout, time.Millisecond)
	c.atLeast("drone.log_timeout", d.LogTimeout, time.Millisecond)
	c.readableFile("drone.ca_file", d.CAFile)
}

// readableFile reports an error when a configured file cannot be opened.
func (c *checker) readableFile(p, file string) {
	if file == "" {
		return
	}
	f, err := os.Open(file)
	if err != nil {
		c.rep.errorf(c.line(p), "%s: cannot read %s", p, file)
		return
	}
	f.Close()
}

// templateFile checks that a sink's template reads, parses and renders a
// sample alert, so its mistakes show here and not at the first failure.
func (c *checker) templateFile(p, file string) {
	if file == "" {
		return
	}
	if _, err := notify.ParseTemplate(file); err != nil {
		c.rep.errorf(c.line(p), "%s: %v", p, err)
	}
}

func (c *checker) validateStore() {
	c.atLeast("store.retention", c.cfg.Store.Retention, time.Hour)
}

func (c *checker) validateWatch() {
	w := &c.cfg.Watch
	ok := c.oneOf("watch.mode", w.Mode, ModePoll, ModeWebhook, ModeStream)
	if api := c.cfg.Drone.API; ok && w.Mode == ModeStream && (api == drone.DialectV1 || api == drone.DialectV08) {
		c.rep.errorf(c.line("watch.mode"), "watch.mode: stream follows Woodpecker's event stream, which Drone has not; use poll or webhook")
	}
	if ok && w.Mode == ModeWebhook {
		// Unsigned webhooks would let anyone fake builds, so the secret is required.
		c.required("watch.webhook_secret", w.WebhookSecret)
		if c.cfg.Drone.API == drone.DialectWoodpecker {
			c.rep.errorf(c.line("watch.mode"), "watch.mode: Woodpecker sends no global webhooks; use poll, which reads its feed")
		}
	}
	c.atLeast("watch.interval", w.Interval, time.Second)
	c.atLeast("watch.safety_poll", w.SafetyPoll, time.Second)
	c.atLeast("watch.webhook_max_skew", w.WebhookMaxSkew, time.Second)
	if w.LogTail < 1 || w.LogTail > 1000 {
		c.rep.errorf(c.line("watch.log_tail"), "watch.log_tail: must be between 1 and 1000 lines")
	}
	c.globs("watch.repos", w.Repos)
}

func (c *checker) validateDelivery() {
	d := &c.cfg.Delivery
	c.atLeast("delivery.max_age", d.MaxAge, time.Minute)
	if d.Ops == "" {
		return
	}
	s, ok := c.cfg.Sinks[d.Ops]
	switch {
	case !ok || s == nil:
		c.rep.errorf(c.line("delivery.ops"), "delivery.ops: no sink named %s", c.show("delivery.ops", d.Ops))
	case s.Disabled:
		c.rep.warnf(c.line("delivery.ops"), "delivery.ops: sink %q is disabled, so the bot's own trouble is only logged", d.Ops)
	}
}

// Summary describes a loaded configuration in one line, e.g.
// "poll mode, 2 routes, 7 sinks of which 5 disabled, 1 digest".
func (c *Config) Summary() string {
	disabled := len(c.Sinks) - c.EnabledSinks()
	sinks := plural(len(c.Sinks), "sink")
	if disabled > 0 {
		sinks += fmt.Sprintf(" of which %d disabled", disabled)
	}
	return fmt.Sprintf("%s mode, %s, %s, %s", c.Watch.Mode, plural(len(c.Routes), "route"), sinks, plural(len(c.Digests), "digest"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
