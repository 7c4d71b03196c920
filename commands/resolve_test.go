package commands

import (
	"testing"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func TestRepoByNameAlone(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		r := e.run(t, reader, "/status demo")
		mustContain(t, "status demo", r.Title, "octo/demo #3: running")
		r = e.run(t, reader, "/status DEMO 2")
		mustContain(t, "status DEMO 2", r.Title, "octo/demo #2: failure")
		r = e.run(t, reader, "/logs demo#2 lint/vet")
		mustContain(t, "logs demo#2", r.Title, "octo/demo #2 · lint/vet: failure")
		r = e.run(t, reader, "/builds demo -n 1")
		mustContain(t, "builds demo", r.Title, "octo/demo: the last build")

		r = e.run(t, writer, "/restart demo 1")
		if r.Err {
			t.Fatalf("restart demo 1: %q", r.Text)
		}
		mustContain(t, "restart demo", r.Text, "restarted octo/demo #1 as #4")
		if w := writes(e.srv.Requests()); len(w) != 1 {
			t.Errorf("restart by name sent %d writes, want 1", len(w))
		}

		// A refusal is checked on the repository the name stands for.
		r = e.run(t, reader, "/cancel demo 3")
		mustContain(t, "refused", r.Text, "you are not allowed to run /cancel on octo/demo.")

		// Near misses, by name and by owner/name.
		r = e.run(t, reader, "/status dmeo")
		if !r.Err {
			t.Errorf("status dmeo: not an error: %q", r.Text)
		}
		mustContain(t, "status dmeo", r.Text, "unknown repository dmeo; did you mean octo/demo?")
		r = e.run(t, reader, "/status octo/dmeo")
		mustContain(t, "status octo/dmeo", r.Text, "unknown repository octo/dmeo; did you mean octo/demo?")
		r = e.run(t, reader, "/logs octo/dem 2")
		mustContain(t, "logs octo/dem", r.Text, "did you mean octo/demo?")
		r = e.run(t, reader, "/status octo/zzzzzz")
		mustContain(t, "far miss", r.Text, "unknown repository octo/zzzzzz (")
		mustNotContain(t, "far miss", r.Text, "did you mean")

		// Inactive repositories do not count.
		r = e.run(t, reader, "/status idle")
		mustContain(t, "inactive", r.Text, "no active repository is named idle; write owner/name")

		// Two repositories of one name: the full names are needed.
		e.srv.AddRepo("acme/demo", dronetest.RepoOptions{})
		r = e.run(t, reader, "/status demo")
		mustContain(t, "ambiguous", r.Text, "demo names more than one active repository (acme/demo, octo/demo); write owner/name.")
		r = e.run(t, reader, "/status octo/demo")
		mustContain(t, "full name", r.Title, "octo/demo #")
	})
}

// TestRepoSuggestionsFollowTheACL: a suggestion never names a repository
// the asker may not read.
func TestRepoSuggestionsFollowTheACL(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	e.srv.AddRepo("octo/secret", dronetest.RepoOptions{})
	d := e.reg.deps
	d.ACL = &ACL{Write: []string{writer.String()},
		Rules: []Rule{{Repos: []string{"octo/secret"}, Read: []string{writer.String()}}}}
	e.reg = NewRegistry(d)
	r := e.run(t, reader, "/status secret")
	mustContain(t, "hidden", r.Text, "no active repository is named secret")
	r = e.run(t, reader, "/status octo/secrte")
	mustNotContain(t, "hidden", r.Text, "octo/secret?")
	r = e.run(t, writer, "/status octo/secrte")
	mustContain(t, "visible", r.Text, "did you mean octo/secret?")
}
