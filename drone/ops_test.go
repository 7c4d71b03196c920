package drone

import (
	"reflect"
	"testing"
)

// scripted answers each "METHOD /path?query" with a status and body; it
// stands in for server behaviour that has no recording (approve, decline,
// promote, nothing triggered), written after the servers' source.
func scripted(t *testing.T, answers map[string][2]string) *fixtureServer {
	t.Helper()
	dir := t.TempDir()
	routes := map[string]string{}
	i := 0
	for route, a := range answers {
		i++
		name := "r" + itoa(int64(i))
		writeFixture(t, dir, name, a[0], a[1])
		routes[route] = name
	}
	return serveFixtures(t, dir, routes)
}

func TestGatesV1(t *testing.T) {
	blocked := `{"number":9,"status":"blocked","stages":[{"number":1,"status":"success"},{"number":2,"status":"blocked"},{"number":3,"status":"blocked"}]}`
	for _, verb := range []string{"approve", "decline"} {
		t.Run(verb, func(t *testing.T) {
			srv := scripted(t, map[string][2]string{
				"GET /api/repos/octo/demo/builds/9":                 {"200", blocked},
				"POST /api/repos/octo/demo/builds/9/" + verb + "/2": {"204", ""},
				"POST /api/repos/octo/demo/builds/9/" + verb + "/3": {"204", ""},
			})
			c := newTestClient(t, srv.URL, DialectV1)
			run := c.ApproveBuild
			if verb == "decline" {
				run = c.DeclineBuild
			}
			if err := run(testCtx(t), "octo/demo", 9); err != nil {
				t.Fatal(err)
			}
			want := []string{"GET /api/repos/octo/demo/builds/9", "POST /api/repos/octo/demo/builds/9/" + verb + "/2", "POST /api/repos/octo/demo/builds/9/" + verb + "/3"}
			if got := srv.seen(); !reflect.DeepEqual(got, want) {
				t.Errorf("requests = %v, want %v", got, want)
			}
		})
	}
	t.Run("nothing blocked", func(t *testing.T) {
		srv := scripted(t, map[string][2]string{"GET /api/repos/octo/demo/builds/9": {"200", `{"number":9,"status":"running","stages":[{"number":1,"status":"running"}]}`}})
		wantErr(t, newTestClient(t, srv.URL, DialectV1).ApproveBuild(testCtx(t), "octo/demo", 9), KindBadRequest, "no stage waiting for approval")
	})
}

func TestGatesV08(t *testing.T) {
	srv := scripted(t, map[string][2]string{
		"POST /api/repos/octo/demo/builds/9/approve": {"200", `{"number":9,"status":"pending"}`},
		"POST /api/repos/octo/demo/builds/8/decline": {"500", "cannot decline a build with status running"},
	})
	c := newTestClient(t, srv.URL, DialectV08)
	if err := c.ApproveBuild(testCtx(t), "octo/demo", 9); err != nil {
		t.Fatal(err)
	}
	wantErr(t, c.DeclineBuild(testCtx(t), "octo/demo", 8), KindBadRequest, "cannot decline a build with status running")
}

func TestPromote(t *testing.T) {
	t.Run("v1", func(t *testing.T) {
		srv := scripted(t, map[string][2]string{
			"POST /api/repos/octo/demo/builds/5/promote?VERSION=1.2&target=prod": {"200", `{"number":12,"status":"pending","event":"promote","deploy_to":"prod"}`},
			"POST /api/repos/octo/demo/builds/6/promote?target=prod":             {"501", `{"message":"Not Implemented"}`},
		})
		c := newTestClient(t, srv.URL, DialectV1)
		b, err := c.PromoteBuild(testCtx(t), "octo/demo", 5, "prod", map[string]string{"VERSION": "1.2"})
		if err != nil || b.Number != 12 || b.Event != EventPromote || b.DeployTo != "prod" {
			t.Fatalf("promote = %+v, %v", b, err)
		}
		_, err = c.PromoteBuild(testCtx(t), "octo/demo", 6, "prod", nil)
		wantErr(t, err, KindNotImplemented, "not available on this Drone edition")
	})
	t.Run("v0.8", func(t *testing.T) {
		dir := t.TempDir()
		writeFixture(t, dir, "promoted", "202", `{"number":13,"parent":5,"status":"pending","event":"deployment","deploy_to":"prod","branch":"master"}`)
		srv := serveFixtures(t, dir, map[string]string{"POST /api/repos/octo/demo/builds/5?VERSION=1.2&deploy_to=prod&event=deployment": "promoted"})
		b, err := newTestClient(t, srv.URL, DialectV08).PromoteBuild(testCtx(t), "octo/demo", 5, "prod", map[string]string{"VERSION": "1.2"})
		if err != nil || b.Number != 13 || b.Parent != 5 || b.Event != EventPromote || b.DeployTo != "prod" || b.Params["VERSION"] != "1.2" {
			t.Fatalf("promote = %+v, %v", b, err)
		}
	})
	t.Run("reserved parameter", func(t *testing.T) {
		c := newTestClient(t, "http://127.0.0.1:1", DialectV08)
		_, err := c.PromoteBuild(testCtx(t), "octo/demo", 5, "prod", map[string]string{"event": "push"})
		wantErr(t, err, KindInvalid, "reserved")
	})
}

func TestNothingTriggered(t *testing.T) {
	srv := scripted(t, map[string][2]string{
		"POST /api/repos/octo/demo/builds":   {"200", "null"},
		"POST /api/repos/octo/demo/builds/4": {"200", "null\n"},
	})
	c := newTestClient(t, srv.URL, DialectV1)
	_, err := c.CreateBuild(testCtx(t), "octo/demo", CreateOptions{})
	wantErr(t, err, KindNothingTriggered, "nothing triggered")
	_, err = c.RestartBuild(testCtx(t), "octo/demo", 4, nil)
	wantErr(t, err, KindNothingTriggered, "nothing triggered")
}

func TestCreateBuildV08RerunsLatest(t *testing.T) {
	srv := serveFixtures(t, dir08, map[string]string{
		"GET " + v08RepoPath + "/builds/latest?branch=master": "GET_api_repos_octo_hello-drone08_builds_latest__branch_master",
		"POST " + v08RepoPath + "/builds/3?DEPLOY_TO=staging": "POST_api_repos_octo_hello-drone08_builds_3__restart",
	})
	b, err := newTestClient(t, srv.URL, DialectV08).CreateBuild(testCtx(t), v08Slug,
		CreateOptions{Branch: "master", Params: map[string]string{"DEPLOY_TO": "staging"}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Number != 4 || b.Parent != 3 || b.Params["DEPLOY_TO"] != "staging" || len(b.Stages) != 1 {
		t.Errorf("create = %+v", b)
	}
}

func TestStatusKinds(t *testing.T) {
	tests := []struct {
		dialect Dialect
		status  string
		body    string
		kind    Kind
		msg     string
	}{
		{DialectV1, "403", `{"message":"Forbidden"}`, KindForbidden, "Forbidden"},
		{DialectV1, "409", `{"message":"conflict"}`, KindConflict, "conflict"},
		{DialectV1, "500", `{"message":"database is locked"}`, KindServer, "database is locked"},
		{DialectV1, "501", `{"message":"Not Implemented"}`, KindNotImplemented, "not available"},
		{DialectV1, "502", "<html><body>Bad Gateway</body></html>", KindUnreachable, "Bad Gateway"},
		{DialectV08, "413", "User not authorized", KindForbidden, "User not authorized"},
		{DialectV08, "403", "User not authorized", KindForbidden, "User not authorized"},
		{DialectV08, "500", "", KindServer, "server error"},
	}
	for _, tc := range tests {
		t.Run(string(tc.dialect)+" "+tc.status, func(t *testing.T) {
			srv := scripted(t, map[string][2]string{"GET /api/user": {tc.status, tc.body}})
			c, err := New(Config{Server: srv.URL, Token: testToken, Dialect: tc.dialect, Retries: -1})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Self(testCtx(t))
			wantErr(t, err, tc.kind, tc.msg)
		})
	}
}

func TestInputValidation(t *testing.T) {
	srv := scripted(t, map[string][2]string{})
	for _, d := range []Dialect{DialectV1, DialectV08} {
		c := newTestClient(t, srv.URL, d)
		_, err := c.Build(testCtx(t), "octo/..", 1)
		wantErr(t, err, KindInvalid, "..")
		_, err = c.Build(testCtx(t), "octo/demo", 0)
		wantErr(t, err, KindInvalid, "positive")
		_, err = c.CreateBuild(testCtx(t), "octo/demo", CreateOptions{Params: map[string]string{"a b": "1"}})
		wantErr(t, err, KindInvalid, "not valid")
	}
	if n := len(srv.seen()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
	if _, err := New(Config{Server: "ftp://x"}); KindOf(err) != KindInvalid {
		t.Errorf("bad server URL: %v", err)
	}
	if _, err := New(Config{Server: "http://x", Dialect: "v3"}); KindOf(err) != KindInvalid {
		t.Errorf("bad dialect: %v", err)
	}
}

func TestValidSlug(t *testing.T) {
	tests := []struct {
		slug        string
		owner, name string
		ok          bool
	}{
		{"octo/demo", "octo", "demo", true},
		{"my-org/repo.name_2", "my-org", "repo.name_2", true},
		{"", "", "", false},
		{"octo", "", "", false},
		{"octo/demo/x", "", "", false},
		{"/demo", "", "", false},
		{"octo/", "", "", false},
		{"octo/..", "", "", false},
		{"../demo", "", "", false},
		{"octo/a..b", "", "", false},
		{"octo/de mo", "", "", false},
		{"octo/de\x00mo", "", "", false},
		{"octo/de\tmo", "", "", false},
		{"./demo", "", "", false},
	}
	for _, tc := range tests {
		owner, name, err := ValidSlug(tc.slug)
		if tc.ok != (err == nil) || owner != tc.owner || name != tc.name {
			t.Errorf("ValidSlug(%q) = %q, %q, %v", tc.slug, owner, name, err)
		}
		if err != nil && KindOf(err) != KindInvalid {
			t.Errorf("ValidSlug(%q) kind = %v", tc.slug, KindOf(err))
		}
	}
	// Characters that are legal in names are escaped in the path.
	if p, err := repoPath("octo/a?b#c%d"); err != nil || p != "/api/repos/octo/a%3Fb%23c%25d" {
		t.Errorf("repoPath = %q, %v", p, err)
	}
}
