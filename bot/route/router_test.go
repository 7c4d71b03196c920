package route

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/dronebot/dronebot/bot/config"
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
	for _, s := range []store.Subscription{
		{Platform: "slack", Conversation: "CPUBLIC", Repos: "*", Branches: []string{"*"}, On: []string{"failure"}, Subscriber: "slack:UREADER"},
		{Platform: "slack", Conversation: "CADMIN", Repos: "*", Branches: []string{"*"}, On: []string{"failure"}, Subscriber: "slack:UADMIN"},
	} {
		if _, err := st.AddSubscription(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	acl := &commands.ACL{Read: []string{"*"}, Rules: []commands.Rule{{Repos: []string{"secret/*"}, Read: []string{"slack:UADMIN"}}}}
	r := &Router{Routes: []Route{{Repos: []string{"*"}, To: []string{"team"}}}, Subs: st, ACL: acl}
	for repo, want := range map[string]string{
		"octo/demo":    "[team slack:CPUBLIC slack:CADMIN]",
		"secret/vault": "[team slack:CADMIN]", // nothing of secret/ for UREADER's channel
	} {
		a := &notify.Alert{Outcome: notify.OutcomeFailure, Repo: repo, Build: 1, Branch: "main"}
		targets, _, err := r.Destinations(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		var dests []string
		for _, tg := range targets {
			dests = append(dests, tg.Dest)
		}
		if got := fmt.Sprint(dests); got != want {
			t.Errorf("%s goes to %s, want %s", repo, got, want)
		}
	}
}

func TestDestinationsLanguageAndMentions(t *testing.T) {
	r := &Router{
		Routes: []Route{
			{Repos: []string{"octo/*"}, To: []string{"zh-route", "zh-sink", "plain"}, Lang: "zh"},
			{Repos: []string{"*"}, To: []string{"zh-sink", "plain"}},
		},
		Users:    []config.User{{Drone: "Pan", Email: "pan@example.com", Slack: "U012AB3CD", WeCom: "zhangsan"}},
		Lang:     "en",
		SinkLang: map[string]string{"zh-sink": "zh"},
	}
	cases := []struct {
		a            *notify.Alert
		targets      string
		mentions     notify.Mentions
		mentionsNote string
	}{
		{&notify.Alert{Repo: "octo/demo", Outcome: notify.OutcomeFailure, Author: "pan"},
			"[{zh-route zh false} {zh-sink zh false} {plain zh false}]",
			notify.Mentions{Slack: "U012AB3CD", WeCom: "zhangsan", Email: "pan@example.com"}, "by login, any case"},
		{&notify.Alert{Repo: "other/x", Outcome: notify.OutcomeFailure, Author: "someone", AuthorEmail: "PAN@example.com"},
			"[{zh-sink zh false} {plain en false}]",
			notify.Mentions{Slack: "U012AB3CD", WeCom: "zhangsan", Email: "pan@example.com"}, "by email"},
		{&notify.Alert{Repo: "other/x", Outcome: notify.OutcomeFailure, Author: "ghost", AuthorEmail: "ghost@example.com"},
			"[{zh-sink zh false} {plain en false}]",
			notify.Mentions{Email: "ghost@example.com"}, "unknown author: the commit's email only"},
	}
	for _, c := range cases {
		targets, mentions, err := r.Destinations(context.Background(), c.a)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(targets); got != c.targets {
			t.Errorf("%s: targets %s, want %s", c.a.Repo, got, c.targets)
		}
		if mentions != c.mentions {
			t.Errorf("%s: mentions %+v, want %+v", c.mentionsNote, mentions, c.mentions)
		}
	}
}
