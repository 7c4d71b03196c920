package digest

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// schedule is a parsed cron expression bound to a time zone. Only the
// parser of robfig/cron is used: the clock stays the caller's.
type schedule struct {
	cron cron.Schedule
	loc  *time.Location
}

// maxLookBack bounds the search for a previous slot; cron itself gives up
// on expressions that match nothing within five years.
const maxLookBack = 6 * 366 * 24 * time.Hour

func parseSchedule(spec Spec) (*schedule, error) {
	c, err := cron.ParseStandard(spec.Schedule)
	if err != nil {
		return nil, fmt.Errorf("digest %q: schedule %q: %w", spec.Name, spec.Schedule, err)
	}
	return &schedule{cron: c, loc: spec.location()}, nil
}

// next is the first slot strictly after t; the zero time when none.
func (s *schedule) next(t time.Time) time.Time {
	return s.cron.Next(t.In(s.loc))
}

// prev is the last slot at or before t; the zero time when none.
func (s *schedule) prev(t time.Time) time.Time {
	// Widen the window backwards until it holds a slot, then walk forward
	// to the last one. Each doubling happens only when the window was
	// empty, so the walk stays short.
	for step := time.Minute; ; step = min(2*step, maxLookBack) {
		n := s.next(t.Add(-step))
		if n.IsZero() || n.After(t) {
			if step == maxLookBack {
				return time.Time{}
			}
			continue
		}
		for {
			nn := s.next(n)
			if nn.IsZero() || nn.After(t) {
				return n
			}
			n = nn
		}
	}
}

// interval is the length of the schedule interval that ends at slot: the
// time since the slot before it (a weekday schedule's Monday slot covers
// the weekend). Without an earlier slot it is a day.
func (s *schedule) interval(slot time.Time) time.Duration {
	before := s.prev(slot.Add(-time.Nanosecond))
	if before.IsZero() {
		return 24 * time.Hour
	}
	return slot.Sub(before)
}

// period is the time a digest at until covers, given when the schedule
// last sent it (zero: never).
func period(spec Spec, s *schedule, lastSent, until time.Time) (since time.Time) {
	switch {
	case spec.Period > 0:
		return until.Add(-spec.Period)
	case !lastSent.IsZero() && lastSent.Before(until):
		return lastSent
	default:
		slot := s.prev(until)
		if slot.IsZero() {
			return until.Add(-24 * time.Hour)
		}
		return until.Add(-s.interval(slot))
	}
}
