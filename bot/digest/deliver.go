package digest

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/email"
)

// Mail is the report as an email: HTML with both charts inline by
// Content-ID, and the plain-text alternative.
func Mail(r *Report, lang string) (email.Mail, error) {
	chart, durations, err := charts(r)
	if err != nil {
		return email.Mail{}, err
	}
	page, err := RenderHTML(r, lang, Images{Chart: "cid:" + ChartName, Durations: "cid:" + DurationName})
	if err != nil {
		return email.Mail{}, err
	}
	return email.Mail{
		Subject: Subject(r, lang),
		Text:    RenderText(r, lang),
		HTML:    page,
		Inline: []email.Inline{
			{Name: ChartName, ContentType: "image/png", Data: chart},
			{Name: DurationName, ContentType: "image/png", Data: durations},
		},
	}, nil
}

// PreviewHTML is the mail's page with the charts embedded as data: URLs,
// to open in a browser (a cid: reference only resolves inside a mail).
func PreviewHTML(r *Report, lang string) (string, error) {
	chart, durations, err := charts(r)
	if err != nil {
		return "", err
	}
	return RenderHTML(r, lang, Images{Chart: dataURL(chart), Durations: dataURL(durations)})
}

func charts(r *Report) (chart, durations []byte, err error) {
	if chart, err = Chart(r); err != nil {
		return nil, nil, err
	}
	if durations, err = DurationChart(r); err != nil {
		return nil, nil, err
	}
	return chart, durations, nil
}

func dataURL(png []byte) string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
}

// MailSender is an email sink (notify/email.Sink).
type MailSender interface {
	SendMail(ctx context.Context, m email.Mail) error
}

// Sinks sends a digest to the sinks its spec names: email sinks get the
// rich mail, every other sink the chat notice. Its Send fits Scheduler.Send.
type Sinks struct {
	Mail map[string]MailSender
	// Chat sends a notice to a named chat sink (usually through the
	// outbox); it answers an error for a name it does not know.
	Chat func(ctx context.Context, sink string, n *notify.Notice, lang string) error
}

// Send delivers r to every sink of spec and joins the failures.
func (s Sinks) Send(ctx context.Context, spec Spec, r *Report) error {
	var mail *email.Mail
	var errs []error
	for _, name := range spec.To {
		if sender, ok := s.Mail[name]; ok {
			if mail == nil {
				m, err := Mail(r, spec.Lang)
				if err != nil {
					return fmt.Errorf("digest %q: %w", spec.Name, err)
				}
				mail = &m
			}
			if err := sender.SendMail(ctx, *mail); err != nil {
				errs = append(errs, fmt.Errorf("digest %q to %s: %w", spec.Name, name, err))
			}
			continue
		}
		if s.Chat == nil {
			errs = append(errs, fmt.Errorf("digest %q to %s: no such email sink and no chat delivery", spec.Name, name))
			continue
		}
		if err := s.Chat(ctx, name, Notice(r, spec.Lang), spec.Lang); err != nil {
			errs = append(errs, fmt.Errorf("digest %q to %s: %w", spec.Name, name, err))
		}
	}
	return errors.Join(errs...)
}
