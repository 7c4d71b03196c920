// Package config loads and checks dronebot's configuration file (bot.yaml).
//
// Load parses the YAML into nodes first, expands ${NAME} and ${NAME:-default}
// in scalar values from the environment, decodes strictly (every unknown key is
// reported with its line), applies defaults, resolves relative paths against
// the file's directory and validates. Every problem is reported at once as
// "file:line: message"; values of secrets never appear in a message.
package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/notify"
)

// Config is the whole of bot.yaml after defaults.
type Config struct {
	// File is the path the configuration was loaded from; Dir its directory.
	File string `yaml:"-"`
	Dir  string `yaml:"-"`

	Lang     string           `yaml:"lang"` // en | zh
	Log      Log              `yaml:"log"`
	Server   Server           `yaml:"server"`
	Drone    Drone            `yaml:"drone"`
	Store    Store            `yaml:"store"`
	Watch    Watch            `yaml:"watch"`
	Chat     Chat             `yaml:"chat"`
	Sinks    map[string]*Sink `yaml:"sinks"`
	Delivery Delivery         `yaml:"delivery"`
	Routes   []*Route         `yaml:"routes"`
	Digests  []*Digest        `yaml:"digests"`
	ACL      ACL              `yaml:"acl"`
	Users    []User           `yaml:"users"`

	// notRunnable holds the sentences that stop `run`: required values that
	// are empty only because an environment variable is unset.
	notRunnable []string
}

// Runnable reports why the service cannot start although the file is valid:
// a required value (drone.token, drone.server, a webhook secret) is empty
// because the environment variable it uses is not set.
func (c *Config) Runnable() error {
	if len(c.notRunnable) == 0 {
		return nil
	}
	return errors.New(strings.Join(c.notRunnable, "; "))
}

// Log says how the bot logs (to stderr).
type Log struct {
	Level  string `yaml:"level"`  // debug | info | warn | error
	Format string `yaml:"format"` // text | json
}

// Server is the HTTP listener.
type Server struct {
	Listen          string   `yaml:"listen"`
	AdminListen     string   `yaml:"admin_listen"` // when set, /healthz, /readyz and /metrics move here
	PublicURL       string   `yaml:"public_url"`
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
}

// Drone is the Drone server the bot talks to.
type Drone struct {
	Server     string        `yaml:"server"`
	Token      string        `yaml:"token"`
	API        drone.Dialect `yaml:"api"`
	Timeout    Duration      `yaml:"timeout"`     // per attempt, up to the response headers
	LogTimeout Duration      `yaml:"log_timeout"` // reading one step log
	CAFile     string        `yaml:"ca_file"`     // absolute after Load
}

// Store is the embedded database.
type Store struct {
	Path      string   `yaml:"path"` // absolute after Load
	Retention Duration `yaml:"retention"`
}

// Watch modes.
const (
	ModePoll    = "poll"
	ModeWebhook = "webhook"
	ModeStream  = "stream" // Woodpecker's event stream
)

// Watch says how builds are watched.
type Watch struct {
	Mode           string   `yaml:"mode"` // poll | webhook | stream
	Interval       Duration `yaml:"interval"`
	SafetyPoll     Duration `yaml:"safety_poll"`
	WebhookSecret  string   `yaml:"webhook_secret"`
	WebhookMaxSkew Duration `yaml:"webhook_max_skew"`
	LogTail        int      `yaml:"log_tail"`
	Repos          []string `yaml:"repos"` // globs
}

// Chat holds the platforms commands come from.
type Chat struct {
	Slack Slack `yaml:"slack"`
	WeCom WeCom `yaml:"wecom"`
}

// Slack is the Slack app. It is enabled with a signing secret (HTTP
// requests) or an app token (Socket Mode).
type Slack struct {
	SigningSecret string   `yaml:"signing_secret"`
	BotToken      string   `yaml:"bot_token"`
	AppToken      string   `yaml:"app_token"`
	AllowedTeams  []string `yaml:"allowed_teams"`
	APIURL        string   `yaml:"api_url"`

	Disabled       bool   `yaml:"-"`
	DisabledReason string `yaml:"-"`
}

// Enabled reports whether Slack commands are taken.
func (s *Slack) Enabled() bool { return !s.Disabled }

// SocketMode reports whether Slack events arrive over Socket Mode.
func (s *Slack) SocketMode() bool { return s.AppToken != "" }

// WeCom is a self-built WeCom app: commands in through its callback, replies
// out through its message API.
type WeCom struct {
	CorpID         string `yaml:"corp_id"`
	AgentID        int    `yaml:"agent_id"`
	Secret         string `yaml:"secret"`
	Token          string `yaml:"token"`
	EncodingAESKey string `yaml:"encoding_aes_key"`
	APIURL         string `yaml:"api_url"`

	Disabled       bool   `yaml:"-"`
	DisabledReason string `yaml:"-"`
}

// Enabled reports whether WeCom callbacks are taken.
func (w *WeCom) Enabled() bool { return !w.Disabled }

// Sink is a named destination for alerts and digests. It holds the keys
// every type takes; the rest of its entry is decoded into the Config of its
// type's package (notify/registry lists them), which refuses keys it lacks.
type Sink struct {
	Name string `yaml:"-"`
	Type string `yaml:"type"`

	Template string `yaml:"template"` // a text/template file, absolute after Load
	Rate     Rate   `yaml:"rate"`     // sliding-window limit
	Lang     string `yaml:"lang"`     // en | zh, overrides the top-level lang

	// Settings is the type's own Config (a *wecom.Config, say), complete
	// with its defaults after Load; nil when the type is unknown.
	Settings notify.SinkConfig `yaml:"-"`

	Disabled       bool   `yaml:"-"`
	DisabledReason string `yaml:"-"`
}

// Delivery tunes the outbox.
type Delivery struct {
	MaxAge Duration `yaml:"max_age"`
	Ops    string   `yaml:"ops"` // sink for the bot's own trouble; "" = none
}

// Route outcomes (Route.On) and their union.
const (
	OnFailure      = "failure"
	OnStillFailing = "still_failing"
	OnFixed        = "fixed"
	OnSuccess      = "success"
	OnKilled       = "killed"
	OnAll          = "all"
)

// Route sends matching alerts to sinks.
type Route struct {
	Repos         []string `yaml:"repos"`    // globs; default ["*"]
	Branches      []string `yaml:"branches"` // globs; default ["*"]
	Events        []string `yaml:"events"`   // empty = every event
	On            []string `yaml:"on"`       // default [failure, fixed]
	To            []string `yaml:"to"`       // sink names
	MentionAuthor bool     `yaml:"mention_author"`
	Lang          string   `yaml:"lang"` // "" = the sink's or the top-level lang

	Line     int  `yaml:"-"` // where the route starts in the file
	Disabled bool `yaml:"-"` // every sink it names is disabled
}

// Digest is a scheduled build summary.
type Digest struct {
	Name     string   `yaml:"name"`
	Schedule string   `yaml:"schedule"` // 5-field cron
	Timezone string   `yaml:"timezone"` // IANA name; "" = local time
	Period   Duration `yaml:"period"`   // 0 = since the previous digest of this name
	Repos    []string `yaml:"repos"`    // globs; default ["*"]
	To       []string `yaml:"to"`       // sink names
	Lang     string   `yaml:"lang"`

	Location       *time.Location `yaml:"-"` // Timezone loaded
	Disabled       bool           `yaml:"-"`
	DisabledReason string         `yaml:"-"`
}

// ACL says who may run which class of command. Entries are "*" or
// "platform:id" (slack:U012AB3CD, wecom:zhangsan, cli:alice).
type ACL struct {
	Read   []string  `yaml:"read"`   // default ["*"]
	Write  []string  `yaml:"write"`  // default nobody
	Deploy []string  `yaml:"deploy"` // empty = the write list
	Rules  []ACLRule `yaml:"rules"`
	// Contact is who grants rights, named when a command is refused.
	Contact string `yaml:"contact"`
}

// ACLRule overrides the lists for matching repositories; a nil list
// inherits the top-level one.
type ACLRule struct {
	Repos  []string `yaml:"repos"`
	Read   []string `yaml:"read"`
	Write  []string `yaml:"write"`
	Deploy []string `yaml:"deploy"`
}

// User maps a Drone author to chat identities for mentions.
type User struct {
	Drone string `yaml:"drone"`
	Email string `yaml:"email"`
	Slack string `yaml:"slack"`
	WeCom string `yaml:"wecom"`
}

// AlertsNobody says why no build alert would reach anyone, "" when some
// route sends to an enabled sink.
func (c *Config) AlertsNobody() string {
	if len(c.Routes) == 0 {
		return "there are no routes"
	}
	for _, r := range c.Routes {
		if !r.Disabled {
			return ""
		}
	}
	if len(c.Routes) == 1 {
		return "its one route sends to no enabled sink"
	}
	return fmt.Sprintf("none of its %d routes sends to an enabled sink", len(c.Routes))
}

// EnabledSinks counts the sinks that are not disabled.
func (c *Config) EnabledSinks() int {
	n := 0
	for _, s := range c.Sinks {
		if !s.Disabled {
			n++
		}
	}
	return n
}
