package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// smtpSender is gomail's Sender for one Send call: it holds the context and
// keeps the classified error that gomail would flatten.
type smtpSender struct {
	ctx context.Context
	cfg *Config
	err error
}

// Send implements gomail.Sender.
func (s *smtpSender) Send(from string, to []string, msg io.WriterTo) error {
	s.err = s.send(from, to, msg)
	return s.err
}

func (s *smtpSender) send(from string, to []string, msg io.WriterTo) (err error) {
	ctx, cfg := s.ctx, s.cfg
	addr := net.JoinHostPort(cfg.SMTP.Host, strconv.Itoa(cfg.SMTP.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", addr, err)
	}
	defer conn.Close()
	// Every read and write ends by the deadline, or at once when ctx ends.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	tlsConfig := &tls.Config{ServerName: cfg.SMTP.Host, RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
	if cfg.SMTP.Security == SecurityTLS {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS with %s: %w", addr, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, cfg.SMTP.Host)
	if err != nil {
		return classify("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(cfg.LocalName); err != nil {
		return classify("EHLO", err)
	}
	if cfg.SMTP.Security == SecurityStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return notify.Permanent(fmt.Errorf("%s does not offer STARTTLS and security is starttls: refusing to send in cleartext", addr))
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return classify("STARTTLS", err)
		}
	}
	if cfg.SMTP.Username != "" {
		if err := login(c, cfg); err != nil {
			return err
		}
	}
	if err := c.Mail(from); err != nil {
		return classify("MAIL FROM", err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt); err != nil {
			return classify("RCPT TO "+rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return classify("DATA", err)
	}
	if _, err := msg.WriteTo(w); err != nil {
		return classify("writing the message", err)
	}
	if err := w.Close(); err != nil {
		// The final dot went out; without the server's answer it may have
		// queued the mail.
		var te *textproto.Error
		if !errors.As(err, &te) {
			return notify.Ambiguous(fmt.Errorf("end of DATA: %w", err))
		}
		return classify("end of DATA", err)
	}
	// The mail is queued: a failing QUIT (servers that hang up first) is fine.
	_ = c.Quit()
	return nil
}

// login authenticates with PLAIN, only over TLS or to the local machine
// (net/smtp's PlainAuth refuses otherwise).
func login(c *smtp.Client, cfg *Config) error {
	ok, mechs := c.Extension("AUTH")
	if !ok || !strings.Contains(" "+strings.ToUpper(mechs)+" ", " PLAIN ") {
		return notify.Permanent(errors.New("the server offers no AUTH PLAIN (it may allow login only over TLS)"))
	}
	if err := c.Auth(smtp.PlainAuth("", cfg.SMTP.Username, cfg.SMTP.Password, cfg.SMTP.Host)); err != nil {
		return classify("AUTH", err)
	}
	return nil
}

// classify marks SMTP replies: 5xx permanent, 4xx retryable; network
// errors are retryable.
func classify(step string, err error) error {
	err = fmt.Errorf("%s: %w", step, err)
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return notify.Permanent(err)
	}
	if strings.Contains(err.Error(), "unencrypted connection") {
		return notify.Permanent(err)
	}
	return err
}
