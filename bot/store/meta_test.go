package store

import (
	"testing"
	"time"
)

func TestMeta(t *testing.T) {
	s, _, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	steps := []struct {
		set       bool
		key, val  string
		wantVal   string
		wantFound bool
	}{
		{key: "last_poll", wantFound: false},
		{set: true, key: "last_poll", val: "2025-03-01T09:00:00Z"},
		{key: "last_poll", wantVal: "2025-03-01T09:00:00Z", wantFound: true},
		{set: true, key: "last_poll", val: "later"},
		{key: "last_poll", wantVal: "later", wantFound: true},
		{set: true, key: "empty", val: ""},
		{key: "empty", wantVal: "", wantFound: true},
		{key: "other", wantFound: false},
	}
	for i, st := range steps {
		if st.set {
			if err := s.SetMeta(ctx, st.key, st.val); err != nil {
				t.Fatalf("step %d: SetMeta: %v", i, err)
			}
			continue
		}
		got, ok, err := s.GetMeta(ctx, st.key)
		if err != nil || ok != st.wantFound || got != st.wantVal {
			t.Errorf("step %d: GetMeta(%q) = %q, %v, %v; want %q, %v", i, st.key, got, ok, err, st.wantVal, st.wantFound)
		}
	}
}

func TestDigestSent(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	if got, err := s.DigestSent(ctx, "daily"); err != nil || !got.IsZero() {
		t.Fatalf("never sent: %v, %v", got, err)
	}
	daily := t0.Add(24 * time.Hour)
	weekly := t0.Add(7 * 24 * time.Hour)
	for name, at := range map[string]time.Time{"daily": t0, "weekly": weekly} {
		if err := s.SetDigestSent(ctx, name, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetDigestSent(ctx, "daily", daily); err != nil {
		t.Fatal(err)
	}
	s = mustReopen(t, s, c)
	for name, want := range map[string]time.Time{"daily": daily, "weekly": weekly, "monthly": {}} {
		if got, err := s.DigestSent(ctx, name); err != nil || !got.Equal(want) {
			t.Errorf("DigestSent(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
}
