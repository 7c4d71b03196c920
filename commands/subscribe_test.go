package commands

import (
	"context"
	"reflect"
	"testing"
)

func TestSubscribeCommands(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		ctx := context.Background()
		r := e.run(t, writer, "/subscribe octo/other")
		checkWrite(t, e, r, "subscribe")
		if r.Text != "subscribed (#1): this conversation gets the failure alerts of octo/other on branch master." {
			t.Errorf("subscribe = %q", r.Text)
		}
		r = e.run(t, writer, "/subscribe octo/* release/* FIXED")
		checkWrite(t, e, r, "subscribe")
		r = e.run(t, writer, "/subscribe octo/* all")
		checkWrite(t, e, r, "subscribe")
		mustContain(t, "glob subscribe", r.Text, "of octo/* on every branch")

		got, err := e.subs.List(ctx, room)
		if err != nil {
			t.Fatal(err)
		}
		want := []Subscription{
			{ID: 1, Conversation: room, Repos: "octo/other", Branches: []string{"master"}, On: []string{"failure"}, By: writer},
			{ID: 2, Conversation: room, Repos: "octo/*", Branches: []string{"release/*"}, On: []string{"failure", "fixed"}, By: writer},
			{ID: 3, Conversation: room, Repos: "octo/*", Branches: []string{"*"}, On: []string{"all"}, By: writer},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("stored %+v\nwant %+v", got, want)
		}

		r = e.run(t, writer, "/subscriptions")
		checkWrite(t, e, r, "subscriptions")
		mustContain(t, "subscriptions", r.Text, "#1 octo/other on branch master: failure",
			"#2 octo/* on branch release/*: failure, fixed", "#3 octo/* on every branch: all")

		r = e.run(t, writer, "/unsubscribe octo/* release/*")
		checkWrite(t, e, r, "unsubscribe")
		if r.Text != "removed 1 subscription to octo/* on branch release/*." {
			t.Errorf("unsubscribe = %q", r.Text)
		}
		r = e.run(t, writer, "/unsubscribe octo/nothing")
		if r.Err || r.Level != Warning {
			t.Errorf("unsubscribe of nothing: Err=%v Level=%v", r.Err, r.Level)
		}
		mustContain(t, "unsubscribe nothing", r.Text, "no subscription to octo/nothing")

		r = e.run(t, writer, "/subscribe octo/nope")
		mustContain(t, "subscribe unknown", r.Text, "unknown repository octo/nope")
		r = e.run(t, writer, "/subscribe octo/other dev failure extra")
		if !r.Err || e.lastObserved() != "subscribe usage" {
			t.Errorf("too many args: %q (%s)", r.Text, e.lastObserved())
		}
		r = e.run(t, reader, "/subscribe octo/other")
		if !r.Err || e.lastObserved() != "subscribe refused" {
			t.Errorf("reader subscribe: %q (%s)", r.Text, e.lastObserved())
		}
		if got, _ := e.subs.List(ctx, room); len(got) != 2 {
			t.Errorf("after the failures %d subscriptions are stored, want 2", len(got))
		}
	})
}

func TestMemorySubscriptions(t *testing.T) {
	ctx := context.Background()
	s := NewMemorySubscriptions()
	other := Conversation{Platform: "wecom", ID: "zhangsan"}
	a, _ := s.Subscribe(ctx, Subscription{Conversation: room, Repos: "octo/a", Branches: []string{"main"}, On: []string{"failure"}})
	b, _ := s.Subscribe(ctx, Subscription{Conversation: room, Repos: "octo/a", Branches: []string{"dev"}, On: []string{"failure"}})
	again, _ := s.Subscribe(ctx, Subscription{Conversation: room, Repos: "octo/a", Branches: []string{"main"}, On: []string{"all"}})
	_, _ = s.Subscribe(ctx, Subscription{Conversation: other, Repos: "octo/a", Branches: []string{"main"}, On: []string{"all"}})
	if a.ID == b.ID || again.ID != a.ID {
		t.Fatalf("ids: a=%d b=%d again=%d", a.ID, b.ID, again.ID)
	}
	list, _ := s.List(ctx, room)
	if len(list) != 2 || !reflect.DeepEqual(list[0].On, []string{"all"}) {
		t.Fatalf("list = %+v", list)
	}
	list[0].Branches[0] = "changed"
	if again, _ := s.List(ctx, room); again[0].Branches[0] != "main" {
		t.Error("List leaked the stored slice")
	}
	if n, _ := s.Unsubscribe(ctx, room, "octo/a", "dev"); n != 1 {
		t.Errorf("removed %d, want 1", n)
	}
	if n, _ := s.Unsubscribe(ctx, room, "octo/a", ""); n != 1 {
		t.Errorf("removed %d, want 1", n)
	}
	if list, _ := s.List(ctx, other); len(list) != 1 {
		t.Errorf("other conversation lost its subscription: %+v", list)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.List(cancelled, room); err == nil {
		t.Error("List ignored a cancelled context")
	}
}
