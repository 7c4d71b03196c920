package drone

import (
	"reflect"
	"testing"
)

const (
	v08Slug     = "octo/hello-drone08"
	v08RepoPath = "/api/repos/octo/hello-drone08"
)

func v08Cases() []contractCase {
	build := func(fixture string, n int64, check func(t *testing.T, b *Build)) contractCase {
		return contractCase{fixture, map[string]string{"GET " + v08RepoPath + "/builds/" + itoa(n): fixture}, func(t *testing.T, c Client) {
			b, err := c.Build(testCtx(t), v08Slug, n)
			if err != nil {
				t.Fatal(err)
			}
			if b.Number != n || b.Event != EventPush || b.Target != "master" || b.Commit == "" {
				t.Errorf("build = %+v", b)
			}
			check(t, b)
		}}
	}
	stageOf := func(t *testing.T, b *Build, status Status, steps ...Status) {
		t.Helper()
		if len(b.Stages) != 1 || b.Stages[0].Number != 1 || len(b.Stages[0].Steps) != len(steps) {
			t.Fatalf("stages = %+v", b.Stages)
		}
		wantStatus(t, b.Stages[0].Status, status)
		for i, s := range b.Stages[0].Steps {
			wantStatus(t, s.Status, steps[i])
			if s.Number != i+2 {
				t.Errorf("step %d pid = %d, want %d", i, s.Number, i+2)
			}
		}
	}
	list := func(fixture string, want []int64) contractCase {
		return contractCase{fixture, map[string]string{"GET " + v08RepoPath + "/builds": fixture}, func(t *testing.T, c Client) {
			bs, err := c.Builds(testCtx(t), v08Slug, ListOptions{})
			if got := buildNumbers(bs); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("builds = %v, %v; want %v", got, err, want)
			}
		}}
	}
	repos := func(fixture string, latest bool, want []string, build int64) contractCase {
		route := "GET /api/user/repos"
		if latest {
			route = "GET /api/user/feed?latest=true"
		}
		return contractCase{fixture, map[string]string{route: fixture}, func(t *testing.T, c Client) {
			rs, err := c.Repos(testCtx(t), latest)
			if err != nil {
				t.Fatal(err)
			}
			if got := slugs(rs); !reflect.DeepEqual(got, want) {
				t.Fatalf("repos = %v, want %v", got, want)
			}
			for _, r := range rs {
				if !r.Active || r.Owner != "octo" {
					t.Errorf("repo %+v: want active, owner octo", r)
				}
			}
			if latest && len(rs) > 0 {
				switch {
				case build == 0 && rs[0].Build != nil:
					t.Errorf("build = %+v, want none", rs[0].Build)
				case build != 0 && (rs[0].Build == nil || rs[0].Build.Number != build || rs[0].Build.Target != "master"):
					t.Errorf("build = %+v, want #%d on master", rs[0].Build, build)
				}
			}
		}}
	}
	repo := func(fixture string, active bool) contractCase {
		return contractCase{fixture, map[string]string{"GET " + v08RepoPath: fixture}, func(t *testing.T, c Client) {
			r, err := c.Repo(testCtx(t), v08Slug)
			if err != nil || r.Slug != v08Slug || r.Active != active || r.Link == "" || r.ID != 1 {
				t.Errorf("repo = %+v, %v (want active=%v)", r, err, active)
			}
		}}
	}
	logTail := func(fixture string) contractCase {
		return contractCase{fixture, map[string]string{"GET " + v08RepoPath + "/logs/3/3": fixture}, func(t *testing.T, c Client) {
			tail, err := c.LogTail(testCtx(t), v08Slug, 3, StepRef{Stage: 1, Step: 3}, TailOptions{Lines: 3})
			if err != nil {
				t.Fatal(err)
			}
			checkTailAgainstReference(t, dir08, fixture, 3, tail)
			if tail.Total != 10 || !reflect.DeepEqual(tail.Lines, []string{"5", `+ echo "about to fail" && exit 1`, "about to fail"}) {
				t.Errorf("tail = %+v", tail)
			}
		}}
	}
	return []contractCase{
		{"GET_api_user", map[string]string{"GET /api/user": "GET_api_user"}, func(t *testing.T, c Client) {
			u, err := c.Self(testCtx(t))
			if err != nil || u.Login != "octo" || !u.Admin || u.Active || u.Avatar == "" {
				t.Fatalf("Self = %+v, %v", u, err)
			}
		}},
		repos("GET_api_user_repos__active_only", false, []string{}, 0),
		repos("GET_api_user_repos__before_sync", false, []string{}, 0),
		repos("GET_api_user_repos__after_activate", false, []string{v08Slug}, 0),
		repos("GET_api_user_repos__after_builds", false, []string{v08Slug}, 0),
		repos("GET_api_user_feed__latest_b2_pending", true, []string{v08Slug}, 2),
		repos("GET_api_user_feed__latest_failed_b3", true, []string{v08Slug}, 3),
		repos("GET_api_user_feed__latest_final", true, []string{v08Slug}, 4),
		repos("GET_api_user_feed__latest_no_builds", true, []string{v08Slug}, 0),
		syncCase("GET_api_user_repos__all"),
		syncCase("GET_api_user_repos__all_flush"),
		repo("GET_api_repos_octo_hello-drone08", true),
		repo("GET_api_repos_octo_hello-drone08__bad_token", true),
		repo("GET_api_repos_octo_hello-drone08__no_token", true),
		repo("GET_api_repos_octo_hello-drone08__inactive", false),
		repo("GET_api_repos_octo_hello-drone08__with_builds", true),
		{"POST_api_repos_octo_hello-drone08__activate", map[string]string{"POST " + v08RepoPath: "POST_api_repos_octo_hello-drone08__activate"}, func(t *testing.T, c Client) {
			r, err := c.EnableRepo(testCtx(t), v08Slug)
			if err != nil || !r.Active || r.Slug != v08Slug {
				t.Errorf("enable = %+v, %v", r, err)
			}
		}},
		list("GET_api_repos_octo_hello-drone08_builds__after_restart", []int64{4, 3, 2, 1}),
		list("GET_api_repos_octo_hello-drone08_builds__b1_error_b2_pending", []int64{2, 1}),
		list("GET_api_repos_octo_hello-drone08_builds__final", []int64{4, 3, 2, 1}),
		list("GET_api_repos_octo_hello-drone08_builds__with_failed_b3", []int64{3, 2, 1}),
		list("GET_api_repos_octo_hello-drone08_builds__bad_token", []int64{}),
		list("GET_api_repos_octo_hello-drone08_builds__empty", []int64{}),
		list("GET_api_repos_octo_hello-drone08_builds__inactive", []int64{}),
		list("GET_api_repos_octo_hello-drone08_builds__no_token", []int64{}),
		build("GET_api_repos_octo_hello-drone08_builds_1__yaml_error", 1, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusError)
			if b.Error == "" || len(b.Stages) != 0 {
				t.Errorf("error build: %q, %d stages", b.Error, len(b.Stages))
			}
		}),
		build("GET_api_repos_octo_hello-drone08_builds_2__pending", 2, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusPending)
			stageOf(t, b, StatusPending, StatusPending, StatusPending, StatusPending)
			if !b.Started.IsZero() {
				t.Errorf("started = %v, want zero", b.Started)
			}
		}),
		build("GET_api_repos_octo_hello-drone08_builds_2__pending_no_token", 2, func(t *testing.T, b *Build) { wantStatus(t, b.Status, StatusPending) }),
		build("GET_api_repos_octo_hello-drone08_builds_2__running_flipped", 2, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusRunning)
			stageOf(t, b, StatusRunning, StatusRunning, StatusPending, StatusPending)
		}),
		build("GET_api_repos_octo_hello-drone08_builds_2__after_cancel", 2, func(t *testing.T, b *Build) {
			if b.Stages[0].Status != StatusKilled || b.Stages[0].ExitCode != 137 {
				t.Errorf("cancelled stage = %+v", b.Stages[0])
			}
		}),
		build("GET_api_repos_octo_hello-drone08_builds_2__after_zombie_kill", 2, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusKilled)
			stageOf(t, b, StatusKilled, StatusKilled, StatusKilled, StatusKilled)
		}),
		build("GET_api_repos_octo_hello-drone08_builds_3__failure", 3, func(t *testing.T, b *Build) {
			wantStatus(t, b.Status, StatusFailure)
			stageOf(t, b, StatusFailure, StatusSuccess, StatusFailure, StatusSuccess)
			s := b.Stages[0].Steps[1]
			if s.Name != "build" || s.ExitCode != 1 || b.Stages[0].Name != "default" || b.Stages[0].ExitCode != 1 {
				t.Errorf("failed step %+v, stage %+v", s, b.Stages[0])
			}
			if b.Started.Unix() != 1795464702 || b.Finished.Unix() != 1795464708 || s.Stopped.Unix() != 1795464707 {
				t.Errorf("times %v %v %v", b.Started, b.Finished, s.Stopped)
			}
		}),
		build("GET_api_repos_octo_hello-drone08_builds_4__restarted_pending", 4, func(t *testing.T, b *Build) {
			if b.Parent != 3 {
				t.Errorf("parent = %d", b.Parent)
			}
			stageOf(t, b, StatusPending, StatusPending, StatusPending, StatusPending)
		}),
		build("GET_api_repos_octo_hello-drone08_builds_4__after_zombie_kill", 4, func(t *testing.T, b *Build) { wantStatus(t, b.Status, StatusPending) }),
		latestCase("GET_api_repos_octo_hello-drone08_builds_latest__branch_master", "master", 3),
		latestCase("GET_api_repos_octo_hello-drone08_builds_latest__failure", "", 3),
		latestCase("GET_api_repos_octo_hello-drone08_builds_latest__pending", "", 2),
		{"POST_api_repos_octo_hello-drone08_builds_3__restart", map[string]string{"POST " + v08RepoPath + "/builds/3": "POST_api_repos_octo_hello-drone08_builds_3__restart"},
			func(t *testing.T, c Client) {
				b, err := c.RestartBuild(testCtx(t), v08Slug, 3, nil)
				if err != nil || b.Number != 4 || b.Parent != 3 {
					t.Fatalf("restart = %+v, %v", b, err)
				}
				// The answer's procs are flat; they must come back as one stage of three steps.
				stageOf(t, b, StatusPending, StatusPending, StatusPending, StatusPending)
			}},
		logTail("GET_api_repos_octo_hello-drone08_logs_3_3__failed_step"),
		logTail("GET_api_repos_octo_hello-drone08_logs_3_3__no_token"),
		{"DELETE_api_repos_octo_hello-drone08_builds_2_1__cancel_running", map[string]string{
			"GET " + v08RepoPath + "/builds/2":      "GET_api_repos_octo_hello-drone08_builds_2__running_flipped",
			"DELETE " + v08RepoPath + "/builds/2/1": "DELETE_api_repos_octo_hello-drone08_builds_2_1__cancel_running"},
			func(t *testing.T, c Client) {
				if err := c.CancelBuild(testCtx(t), v08Slug, 2); err != nil {
					t.Fatal(err)
				}
			}},
	}
}

func syncCase(fixture string) contractCase {
	return contractCase{fixture, map[string]string{"GET /api/user/repos?all=true&flush=true": fixture}, func(t *testing.T, c Client) {
		rs, err := c.SyncRepos(testCtx(t))
		if err != nil || len(rs) != 1 || rs[0].Slug != v08Slug || rs[0].Link == "" {
			t.Errorf("sync = %v, %v", slugs(rs), err)
		}
	}}
}

func latestCase(fixture, branch string, want int64) contractCase {
	route := "GET " + v08RepoPath + "/builds/latest"
	if branch != "" {
		route += "?branch=" + branch
	}
	return contractCase{fixture, map[string]string{route: fixture}, func(t *testing.T, c Client) {
		b, err := c.LatestBuild(testCtx(t), v08Slug, branch)
		if err != nil || b.Number != want || len(b.Stages) != 1 {
			t.Errorf("latest = %+v, %v; want #%d with its stage", b, err, want)
		}
	}}
}

func TestContractV08(t *testing.T) {
	for _, tc := range append(v08Cases(), v08ErrorCases()...) {
		t.Run(tc.name, func(t *testing.T) {
			srv := serveFixtures(t, dir08, tc.routes)
			tc.run(t, newTestClient(t, srv.URL, DialectV08))
			if !srv.authOK {
				t.Error("a request lacked the bearer token")
			}
			if len(srv.seen()) == 0 {
				t.Error("no request reached the server")
			}
		})
	}
}
