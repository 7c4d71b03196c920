// Package email mails messages: HTML with a plain-text alternative, built by
// gomail and sent by this package's own SMTP client, which bounds every
// step with deadlines and never falls back to cleartext when TLS is asked for.
package email

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"gopkg.in/gomail.v2"

	"github.com/dronebot/dronebot/notify"
)

// Security is how the SMTP connection is protected.
type Security string

const (
	SecurityStartTLS Security = "starttls" // upgrade is required; cleartext is refused
	SecurityTLS      Security = "tls"      // implicit TLS (port 465)
	SecurityNone     Security = "none"     // a local relay: no upgrade, no auth
)

// DefaultTimeout bounds one whole send (dial to QUIT).
const DefaultTimeout = 30 * time.Second

// Config is one email sink, a `type: email` entry of bot.yaml.
type Config struct {
	SMTP SMTP     `yaml:"smtp"`
	From string   `yaml:"from"` // "Drone Bot <bot@example.com>"
	To   []string `yaml:"to"`
	// RootCAs verifies the server instead of the system pool (a private CA, tests).
	RootCAs *x509.CertPool `yaml:"-"`
	// LocalName is the EHLO name; default "localhost".
	LocalName string `yaml:"-"`
}

// SMTP is the mail server and how to reach it.
type SMTP struct {
	Host     string        `yaml:"host"`
	Port     int           `yaml:"port"` // default 587 (starttls), 465 (tls), 25 (none); 587 in bot.yaml
	Security Security      `yaml:"security"`
	Username string        `yaml:"username"`
	Password string        `yaml:"password"`
	Timeout  time.Duration `yaml:"timeout"` // one whole send, dial to QUIT
}

// Check applies bot.yaml's defaults (port 587, or 465 with tls; tls on
// port 465, else starttls; 30 s) and checks the server and the addresses.
func (c *Config) Check(chk *notify.ConfigCheck) {
	s := &c.SMTP
	if s.Port == 0 && s.Security == SecurityTLS {
		s.Port = 465
	}
	if s.Port == 0 {
		s.Port = 587
	}
	if s.Security == "" && s.Port == 465 {
		s.Security = SecurityTLS
	}
	if s.Security == "" {
		s.Security = SecurityStartTLS
	}
	if s.Timeout == 0 {
		s.Timeout = DefaultTimeout
	}
	for _, k := range []string{"smtp.host", "from", "to"} {
		if !chk.Has(k) {
			chk.Errorf("", "an email sink needs %s", k)
		}
	}
	chk.OneOf("smtp.security", string(s.Security), string(SecurityStartTLS), string(SecurityTLS), string(SecurityNone))
	if s.Port < 1 || s.Port > 65535 {
		chk.Errorf("smtp.port", "must be between 1 and 65535")
	}
	if s.Security == SecurityNone && s.Password != "" {
		chk.Errorf("smtp.password", "must be empty with security none (it would cross the network in clear)")
	}
	if c.From != "" {
		if _, err := mail.ParseAddress(c.From); err != nil {
			chk.Errorf("from", "not a mail address")
		}
	}
	for i, to := range c.To {
		if _, err := mail.ParseAddress(to); to != "" && err != nil {
			chk.Errorf(fmt.Sprintf("to[%d]", i), "not a mail address")
		}
	}
	chk.AtLeast("smtp.timeout", s.Timeout, time.Second)
	switch {
	case chk.Has("smtp.host") && s.Host == "":
		chk.Disable("smtp.host is empty" + chk.Because("smtp.host"))
	case chk.Has("from") && c.From == "":
		chk.Disable("from is empty" + chk.Because("from"))
	case chk.Has("to") && !slices.ContainsFunc(c.To, func(a string) bool { return a != "" }):
		chk.Disable("to is empty")
	case s.Username != "" && s.Password == "" && s.Security != SecurityNone:
		chk.Disable("smtp.password is empty" + chk.Because("smtp.password"))
	}
}

// Secrets is the SMTP password.
func (c *Config) Secrets() []notify.Secret {
	return []notify.Secret{{Key: "smtp.password", Value: c.SMTP.Password}}
}

// Sink mails messages to fixed recipients.
type Sink struct {
	name string
	cfg  Config
	log  *slog.Logger
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink.
func New(cfg Config, env notify.Env) (*Sink, error) {
	if cfg.SMTP.Security == "" {
		cfg.SMTP.Security = SecurityStartTLS
	}
	var problems []error
	switch cfg.SMTP.Security {
	case SecurityStartTLS, SecurityTLS, SecurityNone:
	default:
		problems = append(problems, fmt.Errorf("security %q: want starttls, tls or none", cfg.SMTP.Security))
	}
	if cfg.SMTP.Port == 0 {
		cfg.SMTP.Port = map[Security]int{SecurityStartTLS: 587, SecurityTLS: 465, SecurityNone: 25}[cfg.SMTP.Security]
	}
	if cfg.SMTP.Host == "" {
		problems = append(problems, errors.New("no host"))
	}
	if cfg.SMTP.Security == SecurityNone && cfg.SMTP.Username != "" {
		problems = append(problems, errors.New("security none sends no password: use starttls or tls to log in"))
	}
	if _, err := mail.ParseAddress(cfg.From); err != nil {
		problems = append(problems, fmt.Errorf("from %q: %w", cfg.From, err))
	}
	if len(cfg.To) == 0 {
		problems = append(problems, errors.New("no recipients"))
	}
	for _, to := range cfg.To {
		if _, err := mail.ParseAddress(to); err != nil {
			problems = append(problems, fmt.Errorf("to %q: %w", to, err))
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, fmt.Errorf("email sink %q: %w", env.Name, err)
	}
	if cfg.SMTP.Timeout <= 0 {
		cfg.SMTP.Timeout = DefaultTimeout
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
	}
	return &Sink{name: env.Name, cfg: cfg, log: env.Logger()}, nil
}

// Name is the configured name.
func (s *Sink) Name() string { return s.name }

// Send mails m within the sink's timeout (or ctx's, if sooner).
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SMTP.Timeout)
	defer cancel()
	sender := &smtpSender{ctx: ctx, cfg: &s.cfg}
	if err := gomail.Send(sender, s.build(m)); err != nil {
		// gomail flattens the error; the sender kept the classified one.
		if sender.err != nil {
			err = sender.err
		}
		return fmt.Errorf("email sink %q: %w", s.name, err)
	}
	return nil
}

// build is the MIME message: plain text first, HTML as the alternative.
func (s *Sink) build(m *notify.Message) *gomail.Message {
	g := gomail.NewMessage()
	g.SetHeader("From", s.cfg.From)
	g.SetHeader("To", s.cfg.To...)
	if cc := mentionCc(m, s.cfg.To); len(cc) > 0 {
		g.SetHeader("Cc", cc...)
	}
	g.SetHeader("Subject", notify.Subject(m))
	if m.ID != "" {
		g.SetHeader("Message-ID", "<"+m.ID+"@dronebot>")
		g.SetHeader("X-Dronebot-Delivery", m.ID)
	}
	g.SetDateHeader("Date", time.Now())
	g.SetBody("text/plain", notify.Text(m, 0))
	g.AddAlternative("text/html", htmlPage(m))
	return g
}

// mentionCc copies the authors who asked to be mentioned, once each.
func mentionCc(m *notify.Message, to []string) []string {
	seen := map[string]bool{}
	for _, t := range to {
		seen[strings.ToLower(t)] = true
	}
	var cc []string
	for _, a := range m.Alerts {
		addr := strings.ToLower(a.Mentions.Email)
		if !a.MentionAuthor || addr == "" || seen[addr] {
			continue
		}
		if _, err := mail.ParseAddress(addr); err != nil {
			continue
		}
		seen[addr] = true
		cc = append(cc, addr)
	}
	return cc
}

func htmlPage(m *notify.Message) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + html.EscapeString(notify.Subject(m)) +
		`</title></head><body style="font-family:sans-serif;font-size:14px">` + "\n" + notify.HTML(m) + "\n</body></html>"
}
