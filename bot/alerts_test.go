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

// TestSubscriptionsAdapterRoundTrip: what /subscribe stores, /subscriptions
// lists with its subscriber.
func TestSubscriptionsAdapterRoundTrip(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "bot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	subs := subscriptionsAdapter{st}
	conv := commands.Conversation{Platform: "slack", ID: "CPUBLIC"}
	if _, err := subs.Subscribe(ctx, commands.Subscription{Conversation: conv, Repos: "octo/*", Branches: []string{"main"},
		On: []string{"failure"}, By: commands.Identity{Platform: "slack", ID: "UREADER"}}); err != nil {
		t.Fatal(err)
	}
	listed, err := subs.List(ctx, conv)
	if err != nil || len(listed) != 1 || listed[0].By.String() != "slack:UREADER" || listed[0].Repos != "octo/*" ||
		listed[0].Conversation != conv {
		t.Errorf("listed %+v, %v", listed, err)
	}
	if n, err := subs.Unsubscribe(ctx, conv, "octo/*", ""); err != nil || n != 1 {
		t.Errorf("Unsubscribe = %d, %v; want 1", n, err)
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
	al := &alerter{store: st, router: &route.Router{Subs: st, ACL: aclFromConfig(config.ACL{Read: []string{"*"}}),
		Routes: []route.Route{{Repos: []string{"octo/*"}, On: []string{"failure"}, To: []string{"team"}}}},
		now: time.Now, wake: func() {}, counted: func(string) {},
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
