package drone

import (
	"reflect"
	"testing"
)

// contractCase serves recorded fixtures and runs one operation against them.
type contractCase struct {
	name   string
	routes map[string]string // "METHOD /path[?query]" -> fixture name
	run    func(t *testing.T, c Client)
}

const v1RepoPath = "/api/repos/octo/hello-drone"

func v1Cases() []contractCase {
	build := func(fixture string, n int64, check func(t *testing.T, b *Build)) contractCase {
		return contractCase{fixture, map[string]string{"GET " + v1RepoPath + "/builds/" + itoa(n): fixture}, func(t *testing.T, c Client) {
			b, err := c.Build(testCtx(t), "octo/hello-drone", n)
			if err != nil {
				t.Fatal(err)
			}
			if b.Number != n {
				t.Errorf("number = %d, want %d", b.Number, n)
			}
			check(t, b)
		}}
	}
	listBuilds := func(fixture string, want []int64) contractCase {
		return contractCase{fixture, map[string]string{"GET " + v1RepoPath + "/builds": fixture}, func(t *testing.T, c Client) {
			bs, err := c.Builds(testCtx(t), "octo/hello-drone", ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := buildNumbers(bs); !reflect.DeepEqual(got, want) {
				t.Errorf("builds = %v, want %v", got, want)
			}
		}}
	}
	repos := func(fixture string, latest bool, query string, want []string, wantBuild int64) contractCase {
		return contractCase{fixture, map[string]string{"GET /api/user/repos" + query: fixture}, func(t *testing.T, c Client) {
			rs, err := c.Repos(testCtx(t), latest)
			if err != nil {
				t.Fatal(err)
			}
			if got := slugs(rs); !reflect.DeepEqual(got, want) {
				t.Fatalf("repos = %v, want %v", got, want)
			}
			if wantBuild != 0 && (rs[0].Build == nil || rs[0].Build.Number != wantBuild) {
				t.Errorf("latest build = %+v, want #%d", rs[0].Build, wantBuild)
			}
		}}
	}
	repo := func(fixture, method, slug string, op func(Client, string) (*Repo, error), active bool) contractCase {
		return contractCase{fixture, map[string]string{method + " /api/repos/" + slug: fixture}, func(t *testing.T, c Client) {
			r, err := op(c, slug)
			if err != nil {
				t.Fatal(err)
			}
			if r.Slug != slug || r.Active != active || r.Link == "" || r.DefaultBranch != "master" {
				t.Errorf("repo = %+v, want %s active=%v with link", r, slug, active)
			}
		}}
	}
	get := func(c Client, s string) (*Repo, error) { return c.Repo(bg(), s) }
	enable := func(c Client, s string) (*Repo, error) { return c.EnableRepo(bg(), s) }
	disable := func(c Client, s string) (*Repo, error) { return c.DisableRepo(bg(), s) }
	failedBuild := func(event string) func(t *testing.T, b *Build) {
		return func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusFailure)
			if b.Event != event || len(b.Stages) != 1 || len(b.Stages[0].Steps) != 4 {
				t.Fatalf("build = %+v", b)
			}
			s := b.Stages[0].Steps[2]
			if s.Number != 3 || s.Name != "noisy-fail" || s.Status != StatusFailure || s.ExitCode != 1 {
				t.Errorf("failed step = %+v", s)
			}
			if b.Stages[0].ExitCode != 0 || b.Finished.IsZero() || b.Commit == "" || b.Target != "master" {
				t.Errorf("stage/commit/times wrong: %+v", b)
			}
		}
	}
	logTail := func(fixture string, stage, step int, n int64, last string) contractCase {
		return contractCase{fixture, map[string]string{"GET " + v1RepoPath + "/builds/" + itoa(n) + "/logs/" + itoa(int64(stage)) + "/" + itoa(int64(step)): fixture},
			func(t *testing.T, c Client) {
				tail, err := c.LogTail(testCtx(t), "octo/hello-drone", n, StepRef{Stage: stage, Step: step}, TailOptions{Lines: 5})
				if err != nil {
					t.Fatal(err)
				}
				checkTailAgainstReference(t, dir25, fixture, 5, tail)
				if got := tail.Lines[len(tail.Lines)-1]; got != last {
					t.Errorf("last line = %q, want %q", got, last)
				}
			}}
	}
	return []contractCase{
		{"GET_api_user", map[string]string{"GET /api/user": "GET_api_user"}, func(t *testing.T, c Client) {
			u, err := c.Self(testCtx(t))
			if err != nil || u.Login != "octo" || !u.Admin || !u.Active || u.Avatar == "" {
				t.Fatalf("Self = %+v, %v", u, err)
			}
		}},
		repos("GET_api_user_repos", false, "", []string{}, 0),
		repos("GET_api_user_repos__after_builds", false, "", []string{"octo/hello-drone"}, 0),
		repos("GET_api_user_repos__before_sync", false, "", []string{}, 0),
		repos("GET_api_user_repos_latest", true, "?latest=true", []string{}, 0),
		repos("GET_api_user_repos_latest__after_builds", true, "?latest=true", []string{"octo/hello-drone"}, 2),
		repos("GET_api_user_repos_latest__final", true, "?latest=true", []string{"octo/hello-drone"}, 6),
		{"POST_api_user_repos__sync", map[string]string{"POST /api/user/repos": "POST_api_user_repos__sync", "GET /api/user/repos": "POST_api_user_repos__sync2"},
			func(t *testing.T, c Client) {
				rs, err := c.SyncRepos(testCtx(t))
				if err != nil {
					t.Fatal(err)
				}
				if got := slugs(rs); !reflect.DeepEqual(got, []string{"octo/hello-drone", "octo/secret-stuff"}) || rs[1].Active || !rs[1].Private {
					t.Errorf("synced = %v %+v", got, rs)
				}
			}},
		repo("GET_api_repos_octo_hello-drone", "GET", "octo/hello-drone", get, true),
		repo("GET_api_repos_octo_hello-drone__after_builds", "GET", "octo/hello-drone", get, true),
		repo("GET_api_repos_octo_hello-drone__before_enable", "GET", "octo/hello-drone", get, false),
		repo("GET_api_repos_octo_hello-drone__final", "GET", "octo/hello-drone", get, true),
		repo("GET_api_repos_octo_secret-stuff__inactive", "GET", "octo/secret-stuff", get, false),
		repo("POST_api_repos_octo_hello-drone__enable", "POST", "octo/hello-drone", enable, true),
		repo("POST_api_repos_octo_secret-stuff__enable", "POST", "octo/secret-stuff", enable, true),
		repo("DELETE_api_repos_octo_secret-stuff__disable", "DELETE", "octo/secret-stuff", disable, false),
		listBuilds("GET_api_repos_octo_hello-drone_builds", []int64{2, 1}),
		listBuilds("GET_api_repos_octo_hello-drone_builds__after_green_push", []int64{6, 5, 4, 3, 2, 1}),
		listBuilds("GET_api_repos_octo_hello-drone_builds__after_yaml_error_build", []int64{1}),
		listBuilds("GET_api_repos_octo_hello-drone_builds__final", []int64{6, 5, 4, 3, 2, 1}),
		listBuilds("EDGE_GET_api_repos_octo_hello-drone_builds__bad_token", []int64{5, 4, 3, 2, 1}),
		listBuilds("EDGE_GET_api_repos_octo_hello-drone_builds__no_token", []int64{5, 4, 3, 2, 1}),
		{"GET_api_repos_octo_hello-drone_builds__page2_per_page2", map[string]string{
			"GET " + v1RepoPath + "/builds?branch=master&page=2&per_page=2": "GET_api_repos_octo_hello-drone_builds__page2_per_page2"},
			func(t *testing.T, c Client) {
				bs, err := c.Builds(testCtx(t), "octo/hello-drone", ListOptions{Page: 2, PerPage: 2, Branch: "master"})
				if got := buildNumbers(bs); err != nil || !reflect.DeepEqual(got, []int64{3, 2}) {
					t.Errorf("page 2 = %v, %v", got, err)
				}
			}},
		{"EDGE_GET_api_repos_octo_secret-stuff_builds__inactive", map[string]string{"GET /api/repos/octo/secret-stuff/builds": "EDGE_GET_api_repos_octo_secret-stuff_builds__inactive"},
			func(t *testing.T, c Client) {
				bs, err := c.Builds(testCtx(t), "octo/secret-stuff", ListOptions{})
				if err != nil || len(bs) != 0 {
					t.Errorf("builds = %v, %v", bs, err)
				}
			}},
		build("GET_api_repos_octo_hello-drone_builds_1__yaml_error", 1, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusError)
			if b.Error == "" || len(b.Stages) != 0 {
				t.Errorf("yaml error build: error=%q stages=%d", b.Error, len(b.Stages))
			}
		}),
		build("GET_api_repos_octo_hello-drone_builds_2", 2, failedBuild("push")),
		build("GET_api_repos_octo_hello-drone_builds_2__running", 2, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusRunning)
			wantStatus(t, b.Stages[0].Steps[1].Status, StatusRunning)
			if !b.Finished.IsZero() || b.Started.IsZero() {
				t.Errorf("times: started %v finished %v", b.Started, b.Finished)
			}
		}),
		build("GET_api_repos_octo_hello-drone_builds_3", 3, failedBuild("custom")),
		build("GET_api_repos_octo_hello-drone_builds_4__running_before_cancel", 4, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusRunning)
			if b.Parent != 2 {
				t.Errorf("parent = %d", b.Parent)
			}
		}),
		build("GET_api_repos_octo_hello-drone_builds_4__after_cancel", 4, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusKilled)
			if s := b.Stages[0].Steps[1]; s.Status != StatusKilled || s.ExitCode != 130 {
				t.Errorf("killed step = %+v", s)
			}
			wantStatus(t, b.Stages[0].Steps[3].Status, StatusSkipped)
		}),
		build("GET_api_repos_octo_hello-drone_builds_5", 5, func(t *testing.T, b *Build) {
			failedBuild("custom")(t, b)
			if b.Params["DEPLOY_TO"] != "staging" || b.Trigger != "octo" {
				t.Errorf("params = %v trigger = %q", b.Params, b.Trigger)
			}
		}),
		build("GET_api_repos_octo_hello-drone_builds_6__success", 6, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusSuccess)
			if b.Branch() != "green" || len(b.Stages[0].Steps) != 3 || b.Stages[0].Steps[2].Name != "notify" {
				t.Errorf("build 6 = %+v", b)
			}
		}),
		build("GET_api_repos_octo_hello-drone_builds_7__success_api", 7, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusSuccess)
			if b.Event != EventCustom || b.Target != "green" {
				t.Errorf("build 7 event %q target %q", b.Event, b.Target)
			}
		}),
		{"GET_api_repos_octo_hello-drone_builds_latest", map[string]string{"GET " + v1RepoPath + "/builds/latest": "GET_api_repos_octo_hello-drone_builds_latest"},
			func(t *testing.T, c Client) {
				b, err := c.LatestBuild(testCtx(t), "octo/hello-drone", "")
				if err != nil || b.Number != 5 {
					t.Fatalf("latest = %+v, %v", b, err)
				}
			}},
		{"GET_api_repos_octo_hello-drone_builds_latest__branch", map[string]string{"GET " + v1RepoPath + "/builds/latest?branch=master": "GET_api_repos_octo_hello-drone_builds_latest__branch"},
			func(t *testing.T, c Client) {
				b, err := c.LatestBuild(testCtx(t), "octo/hello-drone", "master")
				if err != nil || b.Number != 5 || b.Stages[0].Steps[2].ExitCode != 1 {
					t.Fatalf("latest master = %+v, %v", b, err)
				}
			}},
		createCase("POST_api_repos_octo_hello-drone_builds__create", "", CreateOptions{}, 3, nil),
		createCase("POST_api_repos_octo_hello-drone_builds__create_branch_green", "?branch=green", CreateOptions{Branch: "green"}, 7, nil),
		createCase("POST_api_repos_octo_hello-drone_builds__create_with_params", "?DEPLOY_TO=staging&branch=master",
			CreateOptions{Branch: "master", Params: map[string]string{"DEPLOY_TO": "staging"}}, 5, map[string]string{"DEPLOY_TO": "staging"}),
		{"POST_api_repos_octo_hello-drone_builds_2__restart", map[string]string{"POST " + v1RepoPath + "/builds/2": "POST_api_repos_octo_hello-drone_builds_2__restart"},
			func(t *testing.T, c Client) {
				b, err := c.RestartBuild(testCtx(t), "octo/hello-drone", 2, nil)
				if err != nil || b.Number != 4 || b.Parent != 2 || b.Status != StatusPending || len(b.Stages) != 0 {
					t.Fatalf("restart = %+v, %v", b, err)
				}
			}},
		{"DELETE_api_repos_octo_hello-drone_builds_4__cancel", map[string]string{"DELETE " + v1RepoPath + "/builds/4": "DELETE_api_repos_octo_hello-drone_builds_4__cancel"},
			func(t *testing.T, c Client) {
				if err := c.CancelBuild(testCtx(t), "octo/hello-drone", 4); err != nil {
					t.Fatal(err)
				}
			}},
		{"EDGE_DELETE_api_repos_octo_hello-drone_builds_2__cancel_finished", map[string]string{"DELETE " + v1RepoPath + "/builds/2": "EDGE_DELETE_api_repos_octo_hello-drone_builds_2__cancel_finished"},
			func(t *testing.T, c Client) {
				if err := c.CancelBuild(testCtx(t), "octo/hello-drone", 2); err != nil {
					t.Fatalf("cancel of a finished build: %v (1.x answers 200, unchanged)", err)
				}
			}},
		logTail("GET_api_repos_octo_hello-drone_builds_2_logs_1_1", 1, 1, 2, "Already on 'master'"),
		logTail("GET_api_repos_octo_hello-drone_builds_2_logs_1_2", 1, 2, 2, "greet done"),
		logTail("GET_api_repos_octo_hello-drone_builds_2_logs_1_3", 1, 3, 2, "+ exit 1"),
		logTail("GET_api_repos_octo_hello-drone_builds_2_logs_1_4", 1, 4, 2, "notify - build 2 finished with status failure"),
		logTail("GET_api_repos_octo_hello-drone_builds_3_logs_1_1", 1, 1, 3, "Already on 'master'"),
		logTail("GET_api_repos_octo_hello-drone_builds_3_logs_1_2", 1, 2, 3, "greet done"),
		logTail("GET_api_repos_octo_hello-drone_builds_3_logs_1_3", 1, 3, 3, "+ exit 1"),
		logTail("GET_api_repos_octo_hello-drone_builds_3_logs_1_4", 1, 4, 3, "notify - build 3 finished with status failure"),
		logTail("GET_api_repos_octo_hello-drone_builds_4_logs_1_1__after_cancel", 1, 1, 4, "Already on 'master'"),
		logTail("GET_api_repos_octo_hello-drone_builds_4_logs_1_2__after_cancel", 1, 2, 4, "+ sleep 8"),
		logTail("GET_api_repos_octo_hello-drone_builds_6_logs_1_1", 1, 1, 6, "Switched to a new branch 'green'"),
		logTail("GET_api_repos_octo_hello-drone_builds_6_logs_1_2", 1, 2, 6, "greet done"),
		logTail("GET_api_repos_octo_hello-drone_builds_6_logs_1_3", 1, 3, 6, "notify - build 6 finished with status success"),
	}
}

func createCase(fixture, query string, opts CreateOptions, want int64, params map[string]string) contractCase {
	return contractCase{fixture, map[string]string{"POST " + v1RepoPath + "/builds" + query: fixture}, func(t *testing.T, c Client) {
		b, err := c.CreateBuild(testCtx(t), "octo/hello-drone", opts)
		if err != nil {
			t.Fatal(err)
		}
		if b.Number != want || b.Status != StatusPending || b.Event != EventCustom || len(b.Stages) != 0 {
			t.Errorf("create = %+v, want pending custom #%d", b, want)
		}
		if params != nil && !reflect.DeepEqual(b.Params, params) {
			t.Errorf("params = %v, want %v", b.Params, params)
		}
	}}
}

func TestContractV1(t *testing.T) {
	for _, tc := range append(v1Cases(), v1ErrorCases()...) {
		t.Run(tc.name, func(t *testing.T) {
			srv := serveFixtures(t, dir25, tc.routes)
			tc.run(t, newTestClient(t, srv.URL, DialectV1))
			if !srv.authOK {
				t.Error("a request lacked the bearer token")
			}
			if len(srv.seen()) == 0 {
				t.Error("no request reached the server")
			}
		})
	}
}
