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

// Config is one email sink.
type Config struct {
	Host     string
	Port     int // default 587 (starttls), 465 (tls), 25 (none)
	Security Security
	Username string
	Password string
	From     string // "Drone Bot <bot@example.com>"
	To       []string
	Timeout  time.Duration
	// RootCAs verifies the server instead of the system pool (a private CA, tests).
	RootCAs *x509.CertPool
	// LocalName is the EHLO name; default "localhost".
	LocalName string
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
	if cfg.Security == "" {
		cfg.Security = SecurityStartTLS
	}
	var problems []error
	switch cfg.Security {
	case SecurityStartTLS, SecurityTLS, SecurityNone:
	default:
		problems = append(problems, fmt.Errorf("security %q: want starttls, tls or none", cfg.Security))
	}
	if cfg.Port == 0 {
		cfg.Port = map[Security]int{SecurityStartTLS: 587, SecurityTLS: 465, SecurityNone: 25}[cfg.Security]
	}
	if cfg.Host == "" {
		problems = append(problems, errors.New("no host"))
	}
	if cfg.Security == SecurityNone && cfg.Username != "" {
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
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
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
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
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
