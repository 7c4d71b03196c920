package bot

import (
	"context"
	"path/filepath"
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
