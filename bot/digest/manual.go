package digest

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Spec returns the digest called name; "" is the first one configured.
func (s *Scheduler) Spec(name string) (Spec, error) {
	if len(s.Digests) == 0 {
		return Spec{}, fmt.Errorf("no digest is configured")
	}
	if name == "" {
		return s.Digests[0], nil
	}
	names := make([]string, len(s.Digests))
	for i, d := range s.Digests {
		if d.Name == name {
			return d, nil
		}
		names[i] = d.Name
	}
	return Spec{}, fmt.Errorf("no digest called %q (configured: %s)", name, strings.Join(names, ", "))
}

// Manual builds the digest called name as of now: the period runs up to
// now from where the next scheduled digest would start. It reads the
// schedule's state and never writes it.
func (s *Scheduler) Manual(ctx context.Context, name string) (Spec, *Report, error) {
	spec, err := s.Spec(name)
	if err != nil {
		return Spec{}, nil, err
	}
	sched, err := parseSchedule(spec)
	if err != nil {
		return Spec{}, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	last, err := s.Store.DigestSent(ctx, spec.Name)
	if err != nil {
		return Spec{}, nil, fmt.Errorf("digest %q: %w", spec.Name, err)
	}
	until := s.now()
	r, err := s.Build(ctx, spec, period(spec, sched, last, until), until)
	if err != nil {
		return Spec{}, nil, err
	}
	return spec, r, nil
}

// SendNow builds the digest called name and sends it to its sinks; the
// schedule does not move.
func (s *Scheduler) SendNow(ctx context.Context, name string) error {
	spec, r, err := s.Manual(ctx, name)
	if err != nil {
		return err
	}
	if s.Send == nil {
		return fmt.Errorf("digest %q: no send function", spec.Name)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	if err := s.Send(ctx, spec, r); err != nil {
		return fmt.Errorf("digest %q: %w", spec.Name, err)
	}
	return nil
}

// Preview builds the digest called name as of now and writes its plain
// text to text and its HTML page (chart embedded as a data: URL) to page;
// either may be nil. This is `dronebot digest [--name NAME] [--html FILE]`.
func (s *Scheduler) Preview(ctx context.Context, name string, text, page io.Writer) error {
	spec, r, err := s.Manual(ctx, name)
	if err != nil {
		return err
	}
	if text != nil {
		if _, err := io.WriteString(text, RenderText(r, spec.Lang)); err != nil {
			return fmt.Errorf("digest %q: writing text: %w", spec.Name, err)
		}
	}
	if page != nil {
		h, err := PreviewHTML(r, spec.Lang)
		if err != nil {
			return fmt.Errorf("digest %q: %w", spec.Name, err)
		}
		if _, err := io.WriteString(page, h); err != nil {
			return fmt.Errorf("digest %q: writing HTML: %w", spec.Name, err)
		}
	}
	return nil
}
