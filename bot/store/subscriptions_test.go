package store

import (
	"slices"
	"testing"
	"time"
)

func TestSubscriptions(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	add := func(sub Subscription) Subscription {
		t.Helper()
		got, err := s.AddSubscription(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	main := add(Subscription{Platform: "slack", Conversation: "C1", Repos: "octo/*", Branches: []string{"main"}, On: []string{"failure"}})
	c.Set(t0.Add(time.Hour))
	// The same subscription again updates On and keeps ID and Created.
	again := add(Subscription{Platform: "slack", Conversation: "C1", Repos: "octo/*", Branches: []string{"main"}, On: []string{"failure", "fixed"}})
	if again.ID != main.ID || !again.Created.Equal(t0) || !slices.Equal(again.On, []string{"failure", "fixed"}) {
		t.Fatalf("re-add = %+v, first %+v", again, main)
	}
	// Branch order does not make a different subscription.
	multi := add(Subscription{Platform: "slack", Conversation: "C1", Repos: "octo/*", Branches: []string{"release/*", "dev"}, On: []string{"all"}})
	multi2 := add(Subscription{Platform: "slack", Conversation: "C1", Repos: "octo/*", Branches: []string{"dev", "release/*"}, On: []string{"failure"}})
	if multi2.ID != multi.ID || !slices.Equal(multi2.Branches, []string{"dev", "release/*"}) {
		t.Fatalf("branch order made a new subscription: %+v vs %+v", multi2, multi)
	}
	other := add(Subscription{Platform: "slack", Conversation: "C2", Repos: "octo/demo", Branches: []string{"main"}, On: []string{"all"}})
	wecom := add(Subscription{Platform: "wecom", Conversation: "chat1", Repos: "octo/*", On: nil})
	if _, err := s.AddSubscription(ctx, Subscription{Platform: "slack", Repos: "x"}); err == nil {
		t.Fatal("a subscription without a conversation was stored")
	}

	s = mustReopen(t, s, c)
	list := func(platform, conv string) []int64 {
		t.Helper()
		subs, err := s.Subscriptions(ctx, platform, conv)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, sub := range subs {
			ids = append(ids, sub.ID)
		}
		return ids
	}
	listTests := []struct {
		platform, conv string
		want           []int64
	}{
		{"", "", []int64{main.ID, multi.ID, other.ID, wecom.ID}},
		{"slack", "", []int64{main.ID, multi.ID, other.ID}},
		{"slack", "C1", []int64{main.ID, multi.ID}},
		{"wecom", "chat1", []int64{wecom.ID}},
		{"wecom", "C1", nil},
	}
	for _, tt := range listTests {
		if got := list(tt.platform, tt.conv); !slices.Equal(got, tt.want) {
			t.Errorf("Subscriptions(%q, %q) = %v, want %v", tt.platform, tt.conv, got, tt.want)
		}
	}
	subs, err := s.Subscriptions(ctx, "wecom", "chat1")
	if err != nil || len(subs) != 1 || subs[0].Branches == nil || len(subs[0].Branches) != 0 || len(subs[0].On) != 0 {
		t.Fatalf("wecom subscription = %+v, %v", subs, err)
	}

	removeTests := []struct {
		conv, repos, branch string
		want                int
		left                []int64
	}{
		{"C1", "octo/*", "feature", 0, []int64{main.ID, multi.ID}},
		{"C1", "octo/demo", "", 0, []int64{main.ID, multi.ID}},
		{"C1", "octo/*", "dev", 1, []int64{main.ID}},
		{"C1", "octo/*", "", 1, nil},
	}
	for _, tt := range removeTests {
		n, err := s.RemoveSubscriptions(ctx, "slack", tt.conv, tt.repos, tt.branch)
		if err != nil || n != tt.want {
			t.Fatalf("RemoveSubscriptions(%s, %s, %q) = %d, %v; want %d", tt.conv, tt.repos, tt.branch, n, err, tt.want)
		}
		if got := list("slack", tt.conv); !slices.Equal(got, tt.left) {
			t.Fatalf("after removing (%s, %q): %v, want %v", tt.repos, tt.branch, got, tt.left)
		}
	}
	if got := list("", ""); !slices.Equal(got, []int64{other.ID, wecom.ID}) {
		t.Fatalf("other conversations touched: %v", got)
	}
}
