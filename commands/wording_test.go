package commands

import (
	"strings"
	"testing"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func TestCountedPhrasesAgree(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.srv.AddRepo("octo/solo", dronetest.RepoOptions{})
		e.srv.AddRepo("octo/idle", dronetest.RepoOptions{Inactive: true})
		r := e.run(t, reader, "/repos")
		if r.Title != "1 active repository" {
			t.Errorf("repos title = %q", r.Title)
		}
		e.srv.AddRepo("octo/pair", dronetest.RepoOptions{})
		if r = e.run(t, reader, "/repos"); r.Title != "2 active repositories" {
			t.Errorf("repos title = %q", r.Title)
		}
		if _, err := e.subs.Subscribe(t.Context(), Subscription{Conversation: room, Repos: "octo/solo",
			Branches: []string{"main"}, On: []string{"failure"}}); err != nil {
			t.Fatal(err)
		}
		if r = e.run(t, writer, "/subscriptions"); r.Title != "1 subscription" {
			t.Errorf("subscriptions title = %q", r.Title)
		}
		zh := inLang(e, "zh").run(t, reader, "/repos")
		if zh.Title != "2 个已启用的仓库" {
			t.Errorf("zh repos title = %q", zh.Title)
		}
	})
}

func TestActivateSaysWhenNothingChanges(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		r := e.run(t, writer, "/activate octo/demo")
		if !r.Err || r.Level != Warning || r.Text != "octo/demo is already active." {
			t.Errorf("activate of an active repository: Err=%v Level=%v %q", r.Err, r.Level, r.Text)
		}
		r = e.run(t, writer, "/deactivate octo/idle")
		if !r.Err || r.Level != Warning || r.Text != "octo/idle is not active; nothing to deactivate." {
			t.Errorf("deactivate of an inactive repository: Err=%v Level=%v %q", r.Err, r.Level, r.Text)
		}
		if w := writes(e.srv.Requests()); len(w) != 0 {
			t.Errorf("nothing to change, yet wrote %v", paths(w))
		}
	})
}

func TestWriteRepliesNameTheBuildOnce(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		for _, text := range []string{"/build octo/demo", "/restart octo/demo 2"} {
			r := e.run(t, writer, text)
			if r.Err {
				t.Fatalf("%s: %q", text, r.Text)
			}
			out := RenderText(r)
			n := r.Follow.Number
			if got := strings.Count(out, "#"+itoa(int(n))); got != 1 {
				t.Errorf("%s names #%d %d times:\n%s", text, n, got, out)
			}
			mustContain(t, text, out, e.named("open in Drone: "))
		}
	})
}

func TestHelpSpeaksOfRights(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	for cmd, want := range map[string]string{"/help status": "Anyone who may read the repository may run it.",
		"/help restart": "Only those allowed to change builds may run it.", "/help promote": "Only those allowed to deploy may run it."} {
		r := e.run(t, reader, cmd)
		mustContain(t, cmd, r.Text, want)
		mustNotContain(t, cmd, RenderText(r), "Class", ": read", ": write", ": deploy")
	}
}

func TestRefusalNamesWhoGrantsTheRight(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	e.seed(t)
	r := e.run(t, reader, "/restart octo/demo 2")
	if r.Text != "you are not allowed to run /restart on octo/demo. The bot's operator can grant the right." {
		t.Errorf("refusal without a contact = %q", r.Text)
	}
	d := e.reg.deps
	acl := *d.ACL
	acl.Contact = "#ci-admins"
	d.ACL = &acl
	e.reg = NewRegistry(d)
	r = e.run(t, reader, "/restart octo/demo 2")
	if r.Text != "you are not allowed to run /restart on octo/demo. Ask #ci-admins for the right." {
		t.Errorf("refusal with a contact = %q", r.Text)
	}
	if r = inLang(e, "zh").run(t, reader, "/subscriptions"); r.Text != "没有权限执行 /subscriptions。可联系 #ci-admins 开通权限。" {
		t.Errorf("zh refusal = %q", r.Text)
	}
}
