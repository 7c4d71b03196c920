package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written as a Go duration ("90s", "1h30m") or
// as whole days ("90d"), which is how retention periods read naturally.
type Duration time.Duration

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalText parses "90d" or any Go duration.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := parseDuration(string(text))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes d as a Go duration so a config can be printed back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok && days != "" {
		n, err := strconv.ParseInt(days, 10, 64)
		// 100 years is far beyond any retention and keeps the product in range.
		if err != nil || n < 0 || n > 36500 {
			return 0, fmt.Errorf("%q is not a duration (use Go durations such as 90s, 5m, 2h, or whole days such as 90d)", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (use Go durations such as 90s, 5m, 2h, or whole days such as 90d)", s)
	}
	return v, nil
}

// Rate is a sliding-window limit written "COUNT/WINDOW", e.g. "20/1m"
// (at most 20 messages in any minute). The zero Rate means no limit.
type Rate struct {
	Count  int
	Window time.Duration
}

// IsZero reports whether no limit was set.
func (r Rate) IsZero() bool { return r.Count == 0 && r.Window == 0 }

func (r Rate) String() string {
	if r.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d/%s", r.Count, r.Window)
}

// UnmarshalText parses "20/1m"; a window without a number ("20/m") means 1 of that unit.
func (r *Rate) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if s == "" {
		*r = Rate{}
		return nil
	}
	count, window, ok := strings.Cut(s, "/")
	bad := fmt.Errorf("%q is not a rate (write COUNT/WINDOW, e.g. 20/1m)", s)
	if !ok {
		return bad
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n <= 0 {
		return bad
	}
	window = strings.TrimSpace(window)
	if window != "" && (window[0] < '0' || window[0] > '9') {
		window = "1" + window
	}
	w, err := parseDuration(window)
	if err != nil || w <= 0 {
		return bad
	}
	*r = Rate{Count: n, Window: w}
	return nil
}

// MarshalText writes r back as "COUNT/WINDOW".
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }
