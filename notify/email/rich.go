package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	"gopkg.in/gomail.v2"
)

// Mail is a composed email: a plain-text body, its HTML alternative and
// images the HTML shows inline by Content-ID (src="cid:<Name>").
type Mail struct {
	Subject string
	Text    string
	HTML    string
	Inline  []Inline
}

// Inline is one file carried in the mail and referenced from the HTML.
type Inline struct {
	Name        string // the Content-ID and file name, e.g. "chart.png"
	ContentType string // e.g. "image/png"
	Data        []byte
}

// SendMail mails m to the sink's recipients through the same SMTP sender as
// Send: same deadlines, same refusal to fall back to cleartext. With inline
// files the message is multipart/related around multipart/alternative.
func (s *Sink) SendMail(ctx context.Context, m Mail) error {
	g, err := s.buildMail(m)
	if err != nil {
		return fmt.Errorf("email sink %q: %w", s.name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SMTP.Timeout)
	defer cancel()
	sender := &smtpSender{ctx: ctx, cfg: &s.cfg}
	if err := gomail.Send(sender, g); err != nil {
		if sender.err != nil {
			err = sender.err
		}
		return fmt.Errorf("email sink %q: %w", s.name, err)
	}
	return nil
}

// buildMail checks m and turns it into a gomail message.
func (s *Sink) buildMail(m Mail) (*gomail.Message, error) {
	if m.Text == "" && m.HTML == "" {
		return nil, errors.New("mail has no body")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("subject holds a line break")
	}
	seen := map[string]bool{}
	for _, in := range m.Inline {
		if err := checkInline(in); err != nil {
			return nil, err
		}
		if seen[in.Name] {
			return nil, fmt.Errorf("inline file %q given twice", in.Name)
		}
		seen[in.Name] = true
	}

	g := gomail.NewMessage()
	g.SetHeader("From", s.cfg.From)
	g.SetHeader("To", s.cfg.To...)
	g.SetHeader("Subject", m.Subject)
	g.SetDateHeader("Date", time.Now())
	switch {
	case m.Text != "" && m.HTML != "":
		g.SetBody("text/plain", m.Text)
		g.AddAlternative("text/html", m.HTML)
	case m.HTML != "":
		g.SetBody("text/html", m.HTML)
	default:
		g.SetBody("text/plain", m.Text)
	}
	for _, in := range m.Inline {
		g.Embed(in.Name,
			gomail.SetCopyFunc(func(w io.Writer) error {
				_, err := io.Copy(w, bytes.NewReader(in.Data))
				return err
			}),
			gomail.SetHeader(map[string][]string{"Content-Type": {in.ContentType}}),
		)
	}
	return g, nil
}

// checkInline keeps names to what is safe in a Content-ID and a file name.
func checkInline(in Inline) error {
	if in.Name == "" {
		return errors.New("inline file without a name")
	}
	for _, r := range in.Name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-", r)
		if !ok {
			return fmt.Errorf("inline file %q: names are letters, digits, '.', '_' and '-' only", in.Name)
		}
	}
	if _, _, err := mime.ParseMediaType(in.ContentType); err != nil {
		return fmt.Errorf("inline file %q: content type %q: %w", in.Name, in.ContentType, err)
	}
	if len(in.Data) == 0 {
		return fmt.Errorf("inline file %q is empty", in.Name)
	}
	return nil
}
