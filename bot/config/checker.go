package config

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dronebot/dronebot/spell"
)

// Defaults for keys left out of bot.yaml.
const (
	DefaultListen          = ":8080"
	DefaultShutdownTimeout = 20 * time.Second
	DefaultDroneTimeout    = 10 * time.Second
	DefaultLogTimeout      = 2 * time.Minute
	DefaultStorePath       = "dronebot.db"
	DefaultRetention       = 90 * 24 * time.Hour
	DefaultInterval        = 30 * time.Second
	DefaultSafetyPoll      = 5 * time.Minute
	DefaultWebhookMaxSkew  = 5 * time.Minute
	DefaultLogTail         = 30
	DefaultMaxAge          = 24 * time.Hour
	DefaultSlackAPIURL     = "https://slack.com/api/"
	DefaultWeComAPIURL     = "https://qyapi.weixin.qq.com"
)

// checker completes and validates a decoded Config, knowing from the decoder
// where each key was written and which unset variables emptied it.
type checker struct {
	cfg      *Config
	rep      *Report
	lines    map[string]int
	notes    map[string][]string
	expanded map[string]bool

	deployDefaulted bool // acl.deploy was copied from acl.write
}

// show quotes a value for a message, unless it came from the environment,
// where it may be a secret.
func (c *checker) show(p, value string) string {
	if c.expanded[p] {
		return "the value from the environment"
	}
	return strconv.Quote(value)
}

// has reports whether path was written in the file.
func (c *checker) has(p string) bool {
	_, ok := c.lines[p]
	return ok
}

// line is where path was written, else where its nearest written parent was.
func (c *checker) line(p string) int {
	for p != "" {
		if l, ok := c.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 1
}

// why explains an empty value by the variables it used ("X is not set"),
// "" when it was written empty.
func (c *checker) why(p string) string { return strings.Join(c.notes[p], ", ") }

// because appends why(p) in parentheses when there is a reason.
func (c *checker) because(p string) string {
	if w := c.why(p); w != "" {
		return " (" + w + ")"
	}
	return ""
}

func (c *checker) applyDefaults() {
	cfg := c.cfg
	setString(&cfg.Lang, "en")
	setString(&cfg.Log.Level, "info")
	setString(&cfg.Log.Format, "text")
	setString(&cfg.Server.Listen, DefaultListen)
	setDuration(&cfg.Server.ShutdownTimeout, DefaultShutdownTimeout)
	setString((*string)(&cfg.Drone.API), "auto")
	setDuration(&cfg.Drone.Timeout, DefaultDroneTimeout)
	setDuration(&cfg.Drone.LogTimeout, DefaultLogTimeout)
	setString(&cfg.Store.Path, DefaultStorePath)
	setDuration(&cfg.Store.Retention, DefaultRetention)
	setString(&cfg.Watch.Mode, ModePoll)
	setDuration(&cfg.Watch.Interval, DefaultInterval)
	setDuration(&cfg.Watch.SafetyPoll, DefaultSafetyPoll)
	setDuration(&cfg.Watch.WebhookMaxSkew, DefaultWebhookMaxSkew)
	if cfg.Watch.LogTail == 0 {
		cfg.Watch.LogTail = DefaultLogTail
	}
	setList(&cfg.Watch.Repos, "*")
	setDuration(&cfg.Delivery.MaxAge, DefaultMaxAge)
	setString(&cfg.Chat.Slack.APIURL, DefaultSlackAPIURL)
	setString(&cfg.Chat.WeCom.APIURL, DefaultWeComAPIURL)

	for _, r := range cfg.Routes {
		if r == nil {
			continue
		}
		setList(&r.Repos, "*")
		setList(&r.Branches, "*")
		setList(&r.On, OnFailure, OnFixed)
	}
	for _, d := range cfg.Digests {
		if d != nil {
			setList(&d.Repos, "*")
		}
	}
	if !c.has("acl.read") {
		cfg.ACL.Read = []string{"*"}
	}
	if len(cfg.ACL.Deploy) == 0 {
		c.deployDefaulted = true
		cfg.ACL.Deploy = slices.Clone(cfg.ACL.Write)
	}
}

// resolvePaths makes relative paths relative to the configuration file.
func (c *checker) resolvePaths() {
	cfg := c.cfg
	if p := cfg.Store.Path; !strings.HasPrefix(p, ":") && !strings.HasPrefix(p, "file:") {
		cfg.Store.Path = c.abs(p)
	}
	cfg.Drone.CAFile = c.abs(cfg.Drone.CAFile)
	for _, s := range cfg.Sinks {
		if s != nil {
			s.Template = c.abs(s.Template)
		}
	}
}

func (c *checker) abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.cfg.Dir, p)
}

func setString(p *string, def string) {
	if *p == "" {
		*p = def
	}
}

func setDuration(p *Duration, def time.Duration) {
	if *p == 0 {
		*p = Duration(def)
	}
}

func setList(p *[]string, def ...string) {
	if len(*p) == 0 {
		*p = def
	}
}

// oneOf reports an error unless value is one of allowed.
func (c *checker) oneOf(p, value string, allowed ...string) bool {
	if slices.Contains(allowed, value) {
		return true
	}
	hint := ""
	if near := spell.Nearest(value, allowed); near != "" && !c.expanded[p] {
		hint = fmt.Sprintf("; did you mean %s?", near)
	}
	c.rep.errorf(c.line(p), "%s: %s is not one of %s%s", p, c.show(p, value), strings.Join(allowed, ", "), hint)
	return false
}

// httpURL reports an error unless value is an absolute http(s) URL. The
// value itself is never shown: URLs often carry tokens.
func (c *checker) httpURL(p, value string) bool {
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.rep.errorf(c.line(p), "%s: must be an http:// or https:// URL with a host", p)
		return false
	}
	return true
}

// globs reports each pattern that path.Match would reject.
func (c *checker) globs(p string, patterns []string) {
	for i, g := range patterns {
		at := fmt.Sprintf("%s[%d]", p, i)
		if g == "" {
			c.rep.errorf(c.line(at), "%s: empty pattern", at)
			continue
		}
		if _, err := path.Match(g, ""); err != nil {
			c.rep.errorf(c.line(at), "%s: %s is not a valid glob pattern", at, c.show(at, g))
		}
	}
}

// atLeast reports an error when d is below min.
func (c *checker) atLeast(p string, d Duration, min time.Duration) {
	if d.Std() < min {
		c.rep.errorf(c.line(p), "%s: must be at least %s", p, min)
	}
}
