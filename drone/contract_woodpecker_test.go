package drone

import (
	"reflect"
	"strings"
	"testing"
)

// The recorded Woodpecker 3.17 server: octo/hello-wp is repository 1 (see
// testdata/woodpecker-3.17/README.md).
const (
	dirWP     = "testdata/woodpecker-3.17"
	wpSlug    = "octo/hello-wp"
	wpRepo1   = "/api/repos/1"
	wpLookup1 = "GET /api/repos/lookup/octo/hello-wp"
)

// wpRoutes adds the id lookup of octo/hello-wp to routes.
func wpRoutes(routes map[string]string) map[string]string {
	routes[wpLookup1] = "GET_api_repos_lookup_octo_hello-wp"
	return routes
}

func wpCases() []contractCase {
	build := func(fixture string, n int64, status Status, check func(t *testing.T, b *Build)) contractCase {
		return contractCase{fixture, wpRoutes(map[string]string{"GET " + wpRepo1 + "/pipelines/" + itoa(n): fixture}), func(t *testing.T, c Client) {
			b, err := c.Build(testCtx(t), wpSlug, n)
			if err != nil {
				t.Fatal(err)
			}
			if b.Number != n || b.Commit == "" || b.Created.IsZero() || b.Link == "" {
				t.Errorf("build = %+v", b)
			}
			wantStatus(t, b.Status, status)
			if check != nil {
				check(t, b)
			}
		}}
	}
	// steps checks the one workflow "woodpecker" and its steps' states; the
	// step ids start at first, the pids at 2 (clone).
	steps := func(stage Status, first int64, want ...Status) func(t *testing.T, b *Build) {
		return func(t *testing.T, b *Build) {
			t.Helper()
			if len(b.Stages) != 1 || b.Stages[0].Name != "woodpecker" || b.Stages[0].Number != 1 || len(b.Stages[0].Steps) != len(want) {
				t.Fatalf("stages = %+v", b.Stages)
			}
			wantStatus(t, b.Stages[0].Status, stage)
			for i, s := range b.Stages[0].Steps {
				wantStatus(t, s.Status, want[i])
				if s.Number != i+2 || s.ID != first+int64(i) {
					t.Errorf("step %s: pid %d id %d, want %d and %d", s.Name, s.Number, s.ID, i+2, first+int64(i))
				}
			}
		}
	}
	const (
		ok, bad, pend, run, blk = StatusSuccess, StatusFailure, StatusPending, StatusRunning, StatusBlocked
		kill, decl              = StatusKilled, StatusDeclined
	)
	list := func(fixture, query string, opts ListOptions, want []int64) contractCase {
		return contractCase{fixture, wpRoutes(map[string]string{"GET " + wpRepo1 + "/pipelines" + query: fixture}), func(t *testing.T, c Client) {
			bs, err := c.Builds(testCtx(t), wpSlug, opts)
			if got := buildNumbers(bs); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("builds = %v, %v; want %v", got, err, want)
			}
			for _, b := range bs {
				if len(b.Stages) != 0 || b.Status == "" || b.Target == "" {
					t.Errorf("listed build %+v", b)
				}
			}
		}}
	}
	upTo := func(n int64) []int64 {
		var out []int64
		for i := n; i >= 1; i-- {
			out = append(out, i)
		}
		return out
	}
	repos := func(fixture string, want []string, latest int64) contractCase {
		return contractCase{fixture, map[string]string{"GET /api/user/repos": fixture}, func(t *testing.T, c Client) {
			rs, err := c.Repos(testCtx(t), true)
			if err != nil {
				t.Fatal(err)
			}
			if got := slugs(rs); !reflect.DeepEqual(got, want) {
				t.Fatalf("repos = %v, want %v", got, want)
			}
			for _, r := range rs {
				if !r.Active || r.ID == 0 || r.Link == "" || r.DefaultBranch != "main" {
					t.Errorf("repo %+v", r)
				}
			}
			if latest > 0 && (rs[0].Build == nil || rs[0].Build.Number != latest) {
				t.Errorf("latest build = %+v, want #%d", rs[0].Build, latest)
			}
			if latest == 0 && len(rs) > 0 && rs[0].Build != nil {
				t.Errorf("latest build = %+v, want none", rs[0].Build)
			}
		}}
	}
	sync := func(fixture string, want map[string]bool) contractCase {
		return contractCase{fixture, map[string]string{"GET /api/user/repos?all=true": fixture}, func(t *testing.T, c Client) {
			rs, err := c.SyncRepos(testCtx(t))
			if err != nil || len(rs) != len(want) {
				t.Fatalf("sync = %v, %v", slugs(rs), err)
			}
			for _, r := range rs {
				if active, ok := want[r.Slug]; !ok || r.Active != active {
					t.Errorf("repo %s active=%v, want %v", r.Slug, r.Active, want)
				}
			}
		}}
	}
	// repoByID reads the repository twice: the lookup caches its id, the
	// second read goes by the id.
	repoByID := func(fixture, slug, lookupFixture string, id int64, active bool) contractCase {
		return contractCase{fixture, map[string]string{"GET /api/repos/" + itoa(id): fixture, "GET /api/repos/lookup/" + slug: lookupFixture},
			func(t *testing.T, c Client) {
				if _, err := c.Repo(testCtx(t), slug); err != nil {
					t.Fatal(err)
				}
				r, err := c.Repo(testCtx(t), slug)
				if err != nil || r.Slug != slug || r.ID != id || r.Active != active {
					t.Errorf("repo = %+v, %v", r, err)
				}
			}}
	}
	lookup := func(fixture, slug string, id int64) contractCase {
		return contractCase{fixture, map[string]string{"GET /api/repos/lookup/" + slug: fixture}, func(t *testing.T, c Client) {
			r, err := c.Repo(testCtx(t), slug)
			if err != nil || r.Slug != slug || r.ID != id || !r.Active {
				t.Errorf("repo = %+v, %v", r, err)
			}
		}}
	}
	enable := func(fixture, slug, remote string, id int64) contractCase {
		return contractCase{fixture, map[string]string{
			"GET /api/user/repos?all=true":              "GET_api_user_repos_all__before_activate",
			"POST /api/repos?forge_remote_id=" + remote: fixture,
		}, func(t *testing.T, c Client) {
			r, err := c.EnableRepo(testCtx(t), slug)
			if err != nil || !r.Active || r.ID != id || r.Slug != slug {
				t.Errorf("enable = %+v, %v", r, err)
			}
		}}
	}
	disable := func(fixture string) contractCase {
		return contractCase{fixture, map[string]string{
			"GET /api/repos/lookup/octo/scratch": "POST_api_repos__activate_scratch",
			"DELETE /api/repos/3":                fixture,
		}, func(t *testing.T, c Client) {
			r, err := c.DisableRepo(testCtx(t), "octo/scratch")
			if err != nil || r.Active || r.ID != 3 {
				t.Errorf("disable = %+v, %v", r, err)
			}
		}}
	}
	create := func(fixture string, n int64, params map[string]string) contractCase {
		return contractCase{fixture, wpRoutes(map[string]string{"POST " + wpRepo1 + "/pipelines": fixture}), func(t *testing.T, c Client) {
			b, err := c.CreateBuild(testCtx(t), wpSlug, CreateOptions{Branch: "main", Params: params})
			if err != nil {
				t.Fatal(err)
			}
			if b.Number != n || b.Event != EventCustom || b.Target != "main" || b.Status != StatusPending || len(b.Stages) != 1 {
				t.Errorf("created = %+v", b)
			}
			if len(params) > 0 && !reflect.DeepEqual(b.Params, params) {
				t.Errorf("params = %v, want %v", b.Params, params)
			}
		}}
	}
	logTail := func(fixture string, n int64, stepID int64, total int, last string) contractCase {
		return contractCase{fixture, wpRoutes(map[string]string{"GET " + wpRepo1 + "/logs/" + itoa(n) + "/" + itoa(stepID): fixture}), func(t *testing.T, c Client) {
			tail, err := c.LogTail(testCtx(t), wpSlug, n, StepRef{Stage: 1, ID: stepID}, TailOptions{Lines: 5})
			if err != nil {
				t.Fatal(err)
			}
			if tail.Total != total || (total > 0 && tail.Lines[len(tail.Lines)-1] != last) || len(tail.Lines) != min(total, 5) {
				t.Errorf("tail = %q (total %d), want %d lines ending %q", tail.Lines, tail.Total, total, last)
			}
		}}
	}
	feed := func(fixture string, want []int64) contractCase {
		return contractCase{fixture, map[string]string{"GET /api/user/feed": fixture}, func(t *testing.T, c Client) {
			rb, err := c.RecentBuilds(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			got := []int64{}
			for _, r := range rb {
				if r.Slug != wpSlug || r.Build.Status == "" || r.Build.Target == "" || r.Build.Created.IsZero() {
					t.Errorf("entry %s %+v", r.Slug, r.Build)
				}
				got = append(got, r.Build.Number)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("feed = %v, want %v", got, want)
			}
		}}
	}
	return []contractCase{
		{"GET_api_user", map[string]string{"GET /api/user": "GET_api_user"}, func(t *testing.T, c Client) {
			u, err := c.Self(testCtx(t))
			if err != nil || u.Login != "octo" || !u.Admin || !u.Active || u.Email != "octo@example.com" {
				t.Fatalf("Self = %+v, %v", u, err)
			}
		}},
		selfCase("GET_api_user__access_token_query"),
		selfCase("GET_api_user__new_token_after_rotate"),
		repos("GET_api_user_repos", []string{wpSlug, "octo/scratch", "octo/secret-stuff"}, 10),
		repos("GET_api_user_repos__before_activate", []string{}, 0),
		repos("GET_api_user_repos__final", []string{wpSlug, "octo/secret-stuff"}, 18),
		repos("GET_api_user_repos__name_exact", []string{wpSlug}, 18),
		repos("GET_api_user_repos__name_filter", []string{}, 0),
		repos("GET_api_user_repos__running", []string{wpSlug}, 3),
		sync("GET_api_user_repos_all", map[string]bool{wpSlug: true, "octo/scratch": false, "octo/secret-stuff": false}),
		sync("GET_api_user_repos_all__before_activate", map[string]bool{wpSlug: false}),
		lookup("GET_api_repos_lookup_octo_hello-wp", wpSlug, 1),
		lookup("GET_api_repos_lookup_octo_secret-stuff", "octo/secret-stuff", 2),
		repoByID("GET_api_repos_1", wpSlug, "GET_api_repos_lookup_octo_hello-wp", 1, true),
		repoByID("GET_api_repos_1__final", wpSlug, "GET_api_repos_lookup_octo_hello-wp", 1, true),
		repoByID("EDGE_GET_api_repos_1__no_token_public_repo", wpSlug, "GET_api_repos_lookup_octo_hello-wp", 1, true),
		repoByID("GET_api_repos_3__inactive", "octo/scratch", "POST_api_repos__activate_scratch", 3, false),
		enable("POST_api_repos__activate", wpSlug, "1", 1),
		{"POST_api_repos__activate_private", map[string]string{
			"GET /api/user/repos?all=true":      "GET_api_user_repos_all",
			"POST /api/repos?forge_remote_id=2": "POST_api_repos__activate_private"},
			func(t *testing.T, c Client) {
				r, err := c.EnableRepo(testCtx(t), "octo/secret-stuff")
				if err != nil || !r.Active || !r.Private || r.ID != 2 {
					t.Errorf("enable = %+v, %v", r, err)
				}
			}},
		{"POST_api_repos__activate_scratch", map[string]string{
			"GET /api/user/repos?all=true":      "GET_api_user_repos_all",
			"POST /api/repos?forge_remote_id=3": "POST_api_repos__activate_scratch"},
			func(t *testing.T, c Client) {
				r, err := c.EnableRepo(testCtx(t), "octo/scratch")
				if err != nil || !r.Active || r.ID != 3 {
					t.Errorf("enable = %+v, %v", r, err)
				}
			}},
		disable("DELETE_api_repos_3__deactivate"),
		disable("DELETE_api_repos_3__remove"),
		disable("EDGE_DELETE_api_repos_3__deactivate_again"),

		list("GET_api_repos_1_pipelines", "", ListOptions{}, upTo(10)),
		list("GET_api_repos_1_pipelines__final", "", ListOptions{}, upTo(18)),
		list("GET_api_repos_1_pipelines__empty", "", ListOptions{}, []int64{}),
		list("GET_api_repos_1_pipelines__running", "", ListOptions{}, upTo(3)),
		list("EDGE_GET_api_repos_1_pipelines__bad_token_public_repo", "", ListOptions{}, upTo(10)),
		list("GET_api_repos_1_pipelines__page2_perPage3", "?page=2&perPage=3", ListOptions{Page: 2, PerPage: 3}, []int64{7, 6, 5}),
		list("GET_api_repos_1_pipelines__page9_perPage3_past_end", "?page=9&perPage=3", ListOptions{Page: 9, PerPage: 3}, []int64{}),
		list("GET_api_repos_1_pipelines__perPage100_clamped", "?perPage=50", ListOptions{PerPage: 100}, upTo(10)),
		list("GET_api_repos_1_pipelines__branch_multi", "?branch=multi", ListOptions{Branch: "multi"}, []int64{16}),
		list("GET_api_repos_1_pipelines__after_pr", "?perPage=4", ListOptions{PerPage: 4}, []int64{18, 17, 16, 15}),
		// The client asks for no event, status or date filter; these answers
		// still decode as pages of builds.
		list("GET_api_repos_1_pipelines__event_deployment", "", ListOptions{}, []int64{10}),
		list("GET_api_repos_1_pipelines__status_failure", "", ListOptions{}, []int64{7, 5, 4, 1}),
		list("GET_api_repos_1_pipelines__status_running", "", ListOptions{}, []int64{3}),
		list("GET_api_repos_1_pipelines__with_blocked", "", ListOptions{}, []int64{9}),
		list("GET_api_repos_1_pipelines__after", "", ListOptions{}, []int64{10, 9, 8, 7, 6}),
		{"GET_api_repos_3_pipelines__inactive", map[string]string{
			"GET /api/repos/lookup/octo/scratch": "POST_api_repos__activate_scratch",
			"GET /api/repos/3/pipelines":         "GET_api_repos_3_pipelines__inactive"},
			func(t *testing.T, c Client) {
				bs, err := c.Builds(testCtx(t), "octo/scratch", ListOptions{})
				if err != nil || len(bs) != 0 {
					t.Errorf("builds = %v, %v", buildNumbers(bs), err)
				}
			}},

		build("GET_api_repos_1_pipelines_1", 1, bad, func(t *testing.T, b *Build) {
			steps(bad, 1, ok, ok, bad, ok)(t, b)
			if b.Event != EventPush || b.Target != "main" || b.Ref != "refs/heads/main" || b.Author != "octo" || b.Message == "" {
				t.Errorf("build = %+v", b)
			}
			if s := b.Stages[0].Steps[2]; s.Name != "noisy-fail" || s.ExitCode != 1 || s.Started.IsZero() || s.Stopped.IsZero() {
				t.Errorf("failed step = %+v", s)
			}
		}),
		build("GET_api_repos_1_pipelines_2__right_after_create", 2, run, steps(run, 5, pend, pend, pend, pend)),
		build("GET_api_repos_1_pipelines_2__success", 2, ok, func(t *testing.T, b *Build) {
			steps(ok, 5, ok, ok, ok, ok)(t, b)
			if b.Event != EventCustom || b.Params["NOISY_PASS"] != "1" {
				t.Errorf("manual build = %+v", b)
			}
		}),
		build("GET_api_repos_1_pipelines_3__running", 3, run, steps(run, 9, ok, run, pend, pend)),
		build("GET_api_repos_1_pipelines_3__killed", 3, kill, func(t *testing.T, b *Build) {
			steps(kill, 9, ok, kill, kill, kill)(t, b)
			if b.Stages[0].Error != "Canceled" {
				t.Errorf("stage error = %q", b.Stages[0].Error)
			}
		}),
		build("GET_api_repos_1_pipelines_4__failure_after_sleep", 4, bad, steps(bad, 13, ok, ok, bad, ok)),
		build("GET_api_repos_1_pipelines_5__restarted_failure", 5, bad, func(t *testing.T, b *Build) {
			steps(bad, 17, ok, ok, bad, ok)(t, b)
			if b.Parent != 1 {
				t.Errorf("parent = %d", b.Parent)
			}
		}),
		build("GET_api_repos_1_pipelines_6__restarted_with_param_success", 6, ok, steps(ok, 21, ok, ok, ok, ok)),
		build("GET_api_repos_1_pipelines_7__blocked", 7, blk, steps(blk, 25, blk, blk, blk, blk)),
		build("GET_api_repos_1_pipelines_7__approved_finished", 7, bad, steps(bad, 29, ok, ok, bad, ok)),
		build("GET_api_repos_1_pipelines_8__blocked", 8, blk, steps(blk, 33, blk, blk, blk, blk)),
		build("GET_api_repos_1_pipelines_8__declined", 8, decl, steps(decl, 33, decl, decl, decl, decl)),
		build("GET_api_repos_1_pipelines_9__canceled_while_blocked", 9, kill, steps(kill, 37, kill, kill, kill, kill)),
		build("GET_api_repos_1_pipelines_10__deployment", 10, ok, func(t *testing.T, b *Build) {
			steps(ok, 41, ok, ok, ok, ok, ok)(t, b)
			if b.Event != EventPromote || b.DeployTo != "production" || b.Parent != 2 {
				t.Errorf("deployment = %+v", b)
			}
		}),
		build("GET_api_repos_1_pipelines_11__yaml_error", 11, StatusError, func(t *testing.T, b *Build) {
			if len(b.Stages) != 0 || !strings.Contains(b.Error, "did not find expected ','") || b.ID != 12 || b.Target != "broken" {
				t.Errorf("errored build = %+v", b)
			}
		}),
		build("GET_api_repos_1_pipelines_12__success", 12, ok, steps(ok, 46, ok, ok, ok, ok)),
		build("GET_api_repos_1_pipelines_13__pending_queue_paused", 13, pend, steps(pend, 50, pend, pend, pend, pend)),
		// canceled before it started: the pipeline and its steps read as killed.
		build("GET_api_repos_1_pipelines_13__canceled_before_start", 13, kill, steps(StatusSkipped, 50, kill, kill, kill, kill)),
		build("GET_api_repos_1_pipelines_16__multi_workflow", 16, bad, func(t *testing.T, b *Build) {
			if len(b.Stages) != 2 || b.Stages[0].Name != "build" || b.Stages[1].Name != "test" || b.Stages[1].Number != 2 {
				t.Fatalf("stages = %+v", b.Stages)
			}
			unit := b.Stages[1].Steps[1]
			if unit.Name != "unit" || unit.ID != 65 || unit.Number != 6 || unit.ExitCode != 3 || unit.Status != bad || b.Stages[1].ExitCode != 3 {
				t.Errorf("unit = %+v", unit)
			}
		}),
		build("GET_api_repos_1_pipelines_17__push_green_success", 17, ok, steps(ok, 66, ok, ok, ok, ok)),
		build("GET_api_repos_1_pipelines_18__pull_request_success", 18, ok, func(t *testing.T, b *Build) {
			steps(ok, 70, ok, ok, ok, ok)(t, b)
			if b.Event != EventPullRequest || b.Source != "green" || b.Target != "main" || b.Branch() != "green" || b.Title != "Green PR" {
				t.Errorf("pull request = %+v", b)
			}
		}),
		latestCaseWP("GET_api_repos_1_pipelines_latest__branch_main", "main", 9),
		latestCaseWP("GET_api_repos_1_pipelines_latest__while_3_running", "", 1),

		create("POST_api_repos_1_pipelines__create_manual", 2, map[string]string{"NOISY_PASS": "1"}),
		create("POST_api_repos_1_pipelines__create_manual_pass", 12, map[string]string{"NOISY_PASS": "1"}),
		create("POST_api_repos_1_pipelines__create_manual_sleep", 3, map[string]string{"SLEEP": "90"}),
		create("POST_api_repos_1_pipelines__create_manual_sleep6", 4, map[string]string{"SLEEP": "6"}),
		create("POST_api_repos_1_pipelines__create_manual_sleep8", 14, map[string]string{"SLEEP": "8"}),
		create("POST_api_repos_1_pipelines__create_while_queue_paused", 13, nil),
		{"create_default_branch", wpRoutes(map[string]string{"POST " + wpRepo1 + "/pipelines": "POST_api_repos_1_pipelines__create_manual"}), func(t *testing.T, c Client) {
			b, err := c.CreateBuild(testCtx(t), wpSlug, CreateOptions{})
			if err != nil || b.Number != 2 {
				t.Errorf("create = %+v, %v", b, err)
			}
		}},
		{"POST_api_repos_1_pipelines_1__restart", wpRoutes(map[string]string{"POST " + wpRepo1 + "/pipelines/1": "POST_api_repos_1_pipelines_1__restart"}), func(t *testing.T, c Client) {
			b, err := c.RestartBuild(testCtx(t), wpSlug, 1, nil)
			if err != nil || b.Number != 5 || b.Parent != 1 || b.Status != pend || b.Event != EventPush {
				t.Errorf("restart = %+v, %v", b, err)
			}
		}},
		{"POST_api_repos_1_pipelines_1__restart_with_param", wpRoutes(map[string]string{"POST " + wpRepo1 + "/pipelines/1?NOISY_PASS=1": "POST_api_repos_1_pipelines_1__restart_with_param"}), func(t *testing.T, c Client) {
			b, err := c.RestartBuild(testCtx(t), wpSlug, 1, map[string]string{"NOISY_PASS": "1"})
			if err != nil || b.Number != 6 || b.Parent != 1 {
				t.Errorf("restart = %+v, %v", b, err)
			}
		}},
		{"POST_api_repos_1_pipelines_2__deploy", wpRoutes(map[string]string{
			"POST " + wpRepo1 + "/pipelines/2?NOISY_PASS=1&deploy_to=production&event=deployment": "POST_api_repos_1_pipelines_2__deploy"}), func(t *testing.T, c Client) {
			b, err := c.PromoteBuild(testCtx(t), wpSlug, 2, "production", map[string]string{"NOISY_PASS": "1"})
			if err != nil || b.Number != 10 || b.Parent != 2 || b.Event != EventPromote || b.DeployTo != "production" {
				t.Errorf("promote = %+v, %v", b, err)
			}
		}},
		actionCase("POST_api_repos_1_pipelines_3_cancel", "cancel", 3),
		actionCase("POST_api_repos_1_pipelines_9_cancel__blocked", "cancel", 9),
		actionCase("POST_api_repos_1_pipelines_13_cancel__pending", "cancel", 13),
		actionCase("POST_api_repos_1_pipelines_7_approve", "approve", 7),
		actionCase("POST_api_repos_1_pipelines_8_decline", "decline", 8),

		logTail("GET_api_repos_1_logs_1_1", 1, 1, 2, "HEAD is now at e084360 push 1: noisy-fail should fail"),
		logTail("GET_api_repos_1_logs_1_2", 1, 2, 3, `+ if [ -n "${SLEEP}" ]; then for i in $(seq 1 "${SLEEP}"); do echo "tick $i of ${SLEEP}"; sleep 1; done; fi`),
		logTail("GET_api_repos_1_logs_1_3", 1, 3, 304, `+ if [ -f pass.txt ] || [ "${NOISY_PASS}" = "1" ]; then echo "pass requested, not failing"; else exit 1; fi`),
		logTail("GET_api_repos_1_logs_1_4", 1, 4, 2, "notify"),
		logTail("GET_api_repos_1_logs_2_5", 2, 5, 2, "HEAD is now at e084360 push 1: noisy-fail should fail"),
		logTail("GET_api_repos_1_logs_2_6", 2, 6, 3, `+ if [ -n "${SLEEP}" ]; then for i in $(seq 1 "${SLEEP}"); do echo "tick $i of ${SLEEP}"; sleep 1; done; fi`),
		logTail("GET_api_repos_1_logs_2_7", 2, 7, 305, "pass requested, not failing"),
		logTail("GET_api_repos_1_logs_2_8", 2, 8, 2, "notify"),
		logTail("GET_api_repos_1_logs_3_10__running_step", 3, 10, 19, "tick 16 of 90"),
		logTail("GET_api_repos_1_logs_3_10__after_cancel", 3, 10, 27, "tick 24 of 90"),
		logTail("GET_api_repos_1_logs_10_45__deploy_step", 10, 45, 2, "deploying to production (task migrate)"),
		logTail("GET_api_repos_1_logs_14_56__pending_step", 14, 56, 0, ""),
		logTail("GET_api_repos_1_logs_16_65__exit_3", 16, 65, 3, "+ exit 3"),
		{"log_by_pid", wpRoutes(map[string]string{
			"GET " + wpRepo1 + "/pipelines/16": "GET_api_repos_1_pipelines_16__multi_workflow",
			"GET " + wpRepo1 + "/logs/16/65":   "GET_api_repos_1_logs_16_65__exit_3"}), func(t *testing.T, c Client) {
			tail, err := c.LogTail(testCtx(t), wpSlug, 16, StepRef{Stage: 2, Step: 6}, TailOptions{})
			if err != nil || tail.Total != 3 || tail.Lines[2] != "+ exit 3" {
				t.Errorf("tail = %+v, %v", tail, err)
			}
		}},

		feed("GET_api_user_feed", upTo(10)),
		feed("GET_api_user_feed__running", upTo(3)),
		feed("GET_api_user_feed__after_multi", upTo(16)),
		feed("GET_api_user_feed__final", upTo(18)),
		feed("GET_api_user_feed__empty", []int64{}),
		// ?latest=true lists repositories without pipelines too; those
		// entries carry no build and are left out.
		feed("GET_api_user_feed__latest", []int64{10}),
	}
}

func selfCase(fixture string) contractCase {
	return contractCase{fixture, map[string]string{"GET /api/user": fixture}, func(t *testing.T, c Client) {
		u, err := c.Self(testCtx(t))
		if err != nil || u.Login != "octo" {
			t.Errorf("Self = %+v, %v", u, err)
		}
	}}
}

func latestCaseWP(fixture, branch string, want int64) contractCase {
	route := "GET " + wpRepo1 + "/pipelines/latest"
	if branch != "" {
		route += "?branch=" + branch
	}
	return contractCase{fixture, wpRoutes(map[string]string{route: fixture}), func(t *testing.T, c Client) {
		b, err := c.LatestBuild(testCtx(t), wpSlug, branch)
		if err != nil || b.Number != want || len(b.Stages) != 1 || b.Event != EventPush {
			t.Errorf("latest = %+v, %v; want #%d with its workflow", b, err, want)
		}
	}}
}

func actionCase(fixture, verb string, n int64) contractCase {
	return contractCase{fixture, wpRoutes(map[string]string{"POST " + wpRepo1 + "/pipelines/" + itoa(n) + "/" + verb: fixture}), func(t *testing.T, c Client) {
		var err error
		switch verb {
		case "cancel":
			err = c.CancelBuild(testCtx(t), wpSlug, n)
		case "approve":
			err = c.ApproveBuild(testCtx(t), wpSlug, n)
		case "decline":
			err = c.DeclineBuild(testCtx(t), wpSlug, n)
		}
		if err != nil {
			t.Errorf("%s #%d: %v", verb, n, err)
		}
	}}
}

func TestContractWoodpecker(t *testing.T) {
	for _, tc := range append(wpCases(), wpErrorCases()...) {
		t.Run(tc.name, func(t *testing.T) {
			srv := serveFixtures(t, dirWP, tc.routes)
			tc.run(t, newTestClient(t, srv.URL, DialectWoodpecker))
			if !srv.authOK {
				t.Error("a request lacked the bearer token")
			}
		})
	}
}
