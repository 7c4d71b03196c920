package bot

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/route"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify"
)

func TestSubscriptionsCarryOnlyWhatTheSubscriberMayRead(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "bot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acl := aclFromConfig(config.ACL{Read: []string{"*"},
		Rules: []config.ACLRule{{Repos: []string{"secret/*"}, Read: []string{"slack:UADMIN"}}}})
	subs := subscriptionsAdapter{st}
	for _, s := range []commands.Subscription{
		{Conversation: commands.Conversation{Platform: "slack", ID: "CPUBLIC"}, Repos: "*", Branches: []string{"*"},
			On: []string{"failure"}, By: commands.Identity{Platform: "slack", ID: "UREADER"}},
		{Conversation: commands.Conversation{Platform: "slack", ID: "CADMIN"}, Repos: "*", Branches: []string{"*"},
			On: []string{"failure"}, By: commands.Identity{Platform: "slack", ID: "UADMIN"}},
	} {
		if _, err := subs.Subscribe(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	al := &alerter{store: st, acl: acl, routes: []route.Route{{Repos: []string{"*"}, To: []string{"team"}}},
		now: time.Now, wake: func() {}, counted: func(string) {}}
	for _, repo := range []string{"octo/demo", "secret/vault"} {
		a := &notify.Alert{ID: repo + "#1:failure", Outcome: notify.OutcomeFailure, Repo: repo, Build: 1, Branch: "main"}
		if err := al.Emit(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	due, err := st.Due(ctx, time.Now().Add(time.Minute), 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, d := range due {
		got[d.Key+" -> "+d.Destination] = true
	}
	want := []string{
		"octo/demo#1:failure -> team", "octo/demo#1:failure -> slack:CPUBLIC", "octo/demo#1:failure -> slack:CADMIN",
		"secret/vault#1:failure -> team", "secret/vault#1:failure -> slack:CADMIN",
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing %s", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("queued %v, want exactly %v (nothing of secret/ for UREADER's channel)", got, want)
	}
	if listed, err := subs.List(ctx, commands.Conversation{Platform: "slack", ID: "CPUBLIC"}); err != nil ||
		len(listed) != 1 || listed[0].By.String() != "slack:UREADER" {
		t.Errorf("listed %+v, %v", listed, err)
	}
}

func TestAlertNoRouteTakesIsLoggedAndCounted(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "bot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var logs bytes.Buffer
	m := newMetrics()
	al := &alerter{store: st, acl: aclFromConfig(config.ACL{Read: []string{"*"}}),
		routes: []route.Route{{Repos: []string{"octo/*"}, On: []string{"failure"}, To: []string{"team"}}},
		now:    time.Now, wake: func() {}, counted: func(string) {},
		log:      slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		unrouted: func(o string) { m.alertsUnrouted.WithLabelValues(o).Inc() }}
	for _, a := range []*notify.Alert{
		{ID: "octo/demo#2:fixed", Outcome: notify.OutcomeFixed, Repo: "octo/demo", Build: 2, Branch: "main", Event: "push"},
		{ID: "other/repo#7:failure", Outcome: notify.OutcomeFailure, Repo: "other/repo", Build: 7, Branch: "dev", Event: "push"},
		{ID: "octo/demo#3:failure", Outcome: notify.OutcomeFailure, Repo: "octo/demo", Build: 3, Branch: "main", Event: "push"},
	} {
		if err := al.Emit(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if got := m.counter(t, "dronebot_alerts_unrouted_total", "fixed"); got != 1 {
		t.Errorf(`dronebot_alerts_unrouted_total{outcome="fixed"} = %v, want 1`, got)
	}
	if got := m.counter(t, "dronebot_alerts_unrouted_total", "failure"); got != 1 {
		t.Errorf(`dronebot_alerts_unrouted_total{outcome="failure"} = %v, want 1 (the routed one is not counted)`, got)
	}
	out := logs.String()
	for _, want := range []string{"alert matched no route", "repo=octo/demo", "build=2", "outcome=fixed", "repo=other/repo", "branch=dev"} {
		if !strings.Contains(out, want) {
			t.Errorf("debug log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "build=3") {
		t.Errorf("the routed alert was logged as unrouted:\n%s", out)
	}
}

// counter is the value of the sample of name whose only label has value.
func (m *metrics) counter(t *testing.T, name, value string) float64 {
	t.Helper()
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, s := range mf.GetMetric() {
			if l := s.GetLabel(); len(l) == 1 && l[0].GetValue() == value {
				return s.GetCounter().GetValue()
			}
		}
	}
	return 0
}
