package digest

import (
	"testing"
	"time"
)

func TestSchedulePrevNextInterval(t *testing.T) {
	sh := mustLoc(t, "Asia/Shanghai")
	ts := func(s string) time.Time { return at(t, sh, s) }
	cases := []struct {
		name, cron, now string
		prev, next      string
		interval        time.Duration
	}{
		{name: "hourly, between", cron: "0 * * * *", now: "2024-05-06 12:30", prev: "2024-05-06 12:00", next: "2024-05-06 13:00", interval: time.Hour},
		{name: "hourly, on the slot", cron: "0 * * * *", now: "2024-05-06 12:00", prev: "2024-05-06 12:00", next: "2024-05-06 13:00", interval: time.Hour},
		// 2024-05-06 is a Monday: its slot covers the weekend.
		{name: "weekdays, Monday", cron: "0 9 * * 1-5", now: "2024-05-06 10:00", prev: "2024-05-06 09:00", next: "2024-05-07 09:00", interval: 72 * time.Hour},
		{name: "weekdays, Saturday", cron: "0 9 * * 1-5", now: "2024-05-11 10:00", prev: "2024-05-10 09:00", next: "2024-05-13 09:00", interval: 24 * time.Hour},
		{name: "monthly", cron: "30 8 1 * *", now: "2024-05-20 00:00", prev: "2024-05-01 08:30", next: "2024-06-01 08:30", interval: 30 * 24 * time.Hour},
		{name: "yearly leap day", cron: "0 0 29 2 *", now: "2025-01-01 00:00", prev: "2024-02-29 00:00", next: "2028-02-29 00:00", interval: (4*365 + 1) * 24 * time.Hour},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := parseSchedule(Spec{Name: "d", Schedule: c.cron, Location: sh})
			if err != nil {
				t.Fatal(err)
			}
			now := ts(c.now)
			if got := s.prev(now); !got.Equal(ts(c.prev)) {
				t.Errorf("prev = %s, want %s", got, c.prev)
			}
			if got := s.next(now); !got.Equal(ts(c.next)) {
				t.Errorf("next = %s, want %s", got, c.next)
			}
			if got := s.interval(ts(c.prev)); got != c.interval {
				t.Errorf("interval = %s, want %s", got, c.interval)
			}
		})
	}
}

func TestScheduleUsesTheZone(t *testing.T) {
	sh := mustLoc(t, "Asia/Shanghai")
	s, err := parseSchedule(Spec{Name: "d", Schedule: "0 9 * * *", Location: sh})
	if err != nil {
		t.Fatal(err)
	}
	// 09:00 in Shanghai is 01:00 UTC.
	now := time.Date(2024, 5, 6, 2, 0, 0, 0, time.UTC)
	if got, want := s.prev(now), time.Date(2024, 5, 6, 1, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("prev = %s, want %s", got.UTC(), want)
	}
	if _, err := parseSchedule(Spec{Name: "bad", Schedule: "every morning"}); err == nil {
		t.Fatal("a bad schedule parsed")
	}
}

// TestPeriodDefault: since the previous scheduled digest; the first covers
// one schedule interval; a configured period wins.
func TestPeriodDefault(t *testing.T) {
	sh := mustLoc(t, "Asia/Shanghai")
	ts := func(s string) time.Time { return at(t, sh, s) }
	weekdays := Spec{Name: "d", Schedule: "0 9 * * 1-5", Location: sh}
	fixed := weekdays
	fixed.Period = 24 * time.Hour
	cases := []struct {
		name        string
		spec        Spec
		last, until string
		want        string
	}{
		{"first, Monday slot covers the weekend", weekdays, "", "2024-05-06 09:00", "2024-05-03 09:00"},
		{"first, Tuesday slot", weekdays, "", "2024-05-07 09:00", "2024-05-06 09:00"},
		{"since the previous", weekdays, "2024-05-01 09:00", "2024-05-07 09:00", "2024-05-01 09:00"},
		{"manual, first, between slots", weekdays, "", "2024-05-07 15:00", "2024-05-06 15:00"},
		{"manual, since the previous", weekdays, "2024-05-07 09:00", "2024-05-07 15:00", "2024-05-07 09:00"},
		{"configured period", fixed, "2024-05-01 09:00", "2024-05-06 09:00", "2024-05-05 09:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := parseSchedule(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			var last time.Time
			if c.last != "" {
				last = ts(c.last)
			}
			if got := period(c.spec, s, last, ts(c.until)); !got.Equal(ts(c.want)) {
				t.Errorf("since = %s, want %s", got.In(sh).Format(timeLayout), c.want)
			}
		})
	}
}

func BenchmarkPrev(b *testing.B) {
	s, err := parseSchedule(Spec{Name: "d", Schedule: "0 9 * * 1-5"})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2024, 5, 11, 10, 0, 0, 0, time.UTC)
	for b.Loop() {
		s.prev(now)
	}
}
