package drone

import "testing"

func wpErrorCases() []contractCase {
	self := func(c Client) error { _, err := c.Self(bg()); return err }
	// on serves the lookup of octo/hello-wp and one recorded answer.
	on := func(fixture, route string, kind Kind, msg string, op func(Client) error) contractCase {
		return contractCase{fixture, wpRoutes(map[string]string{route: fixture}), func(t *testing.T, c Client) {
			wantErr(t, op(c), kind, msg)
		}}
	}
	// raw sends a request the client never makes, to show how its answer reads.
	raw := func(fixture, method, path string, kind Kind, msg string) contractCase {
		return contractCase{fixture, map[string]string{method + " " + path: fixture}, func(t *testing.T, c Client) {
			api := c.(*client).api.(*woodpeckerAPI)
			wantErr(t, api.do(bg(), call{op: "raw", what: "raw", method: method, path: path}, nil), kind, msg)
		}}
	}
	logOf := func(n, id int64) func(Client) error {
		return func(c Client) error {
			_, err := c.LogTail(bg(), wpSlug, n, StepRef{ID: id}, TailOptions{})
			return err
		}
	}
	pipeline := func(n int64) func(Client) error {
		return func(c Client) error { _, err := c.Build(bg(), wpSlug, n); return err }
	}
	const p1 = "POST " + wpRepo1 + "/pipelines/"
	return []contractCase{
		errCase("ERR_GET_api_user__bad_token", "GET /api/user", KindUnauthorized, "User not authorized", self),
		errCase("ERR_GET_api_user__no_token", "GET /api/user", KindUnauthorized, "User not authorized", self),
		errCase("ERR_GET_api_user__basic_auth", "GET /api/user", KindUnauthorized, "User not authorized", self),
		errCase("ERR_GET_api_user__old_token_after_rotate", "GET /api/user", KindUnauthorized, "User not authorized", self),
		errCase("ERR_GET_api_user__token_scheme_not_bearer", "GET /api/user", KindUnauthorized, "User not authorized", self),

		errCase("ERR_GET_api_repos_lookup_octo_hello-wp__before_activate", wpLookup1, KindNotFound, "repository octo/hello-wp not found (or not active in Woodpecker)",
			func(c Client) error { _, err := c.Repo(bg(), wpSlug); return err }),
		errCase("ERR_GET_api_repos_lookup_octo_unknown", "GET /api/repos/lookup/octo/unknown", KindNotFound, "repository octo/unknown not found",
			func(c Client) error { _, err := c.Builds(bg(), "octo/unknown", ListOptions{}); return err }),
		errCase("ERR_GET_api_repos_lookup_unknown-owner_unknown", "GET /api/repos/lookup/unknown-owner/unknown", KindNotFound, "repository unknown-owner/unknown not found",
			func(c Client) error { _, err := c.Build(bg(), "unknown-owner/unknown", 1); return err }),
		errCase("ERR_GET_api_repos_lookup_octo_secret-stuff__no_token", "GET /api/repos/lookup/octo/secret-stuff", KindUnauthorized, "unauthorized",
			func(c Client) error { _, err := c.Repo(bg(), "octo/secret-stuff"); return err }),

		// Answers to a repository id: the client only uses ids a lookup gave it.
		raw("ERR_GET_api_repos_999__unknown_repo", "GET", "/api/repos/999", KindNotFound, "not found"),
		raw("ERR_GET_api_repos_abc__non_numeric_id", "GET", "/api/repos/abc", KindBadRequest, "bad request"),
		raw("ERR_GET_api_repos_2__no_token_private_repo", "GET", "/api/repos/2", KindUnauthorized, "unauthorized"),
		raw("ERR_GET_api_repos_2__bad_token_private_repo", "GET", "/api/repos/2", KindUnauthorized, "unauthorized"),
		raw("ERR_GET_api_repos_999__no_token_unknown_repo", "GET", "/api/repos/999", KindUnauthorized, "unauthorized"),
		raw("ERR_GET_api_repos_999_pipelines__unknown_repo", "GET", "/api/repos/999/pipelines", KindNotFound, "not found"),
		raw("ERR_POST_api_repos_999_pipelines__create_unknown_repo", "POST", "/api/repos/999/pipelines", KindNotFound, "not found"),
		raw("ERR_DELETE_api_repos_999__unknown", "DELETE", "/api/repos/999", KindNotFound, "not found"),
		raw("ERR_GET_api_repos_1_pipelines__bad_status", "GET", wpRepo1+"/pipelines?status=green", KindBadRequest, "bad request"),
		raw("ERR_GET_api_repos_1_pipelines__bad_event", "GET", wpRepo1+"/pipelines?event=build", KindBadRequest, "bad request"),
		raw("ERR_GET_api_repos_1_pipelines_abc", "GET", wpRepo1+"/pipelines/abc", KindBadRequest, "bad request"),
		raw("ERR_GET_api_repos_1_logs_1_abc__bad_step_id", "GET", wpRepo1+"/logs/1/abc", KindBadRequest, "bad request"),
		raw("ERR_POST_api_repos_1_pipelines__create_bad_json", "POST", wpRepo1+"/pipelines", KindBadRequest, "bad request"),
		raw("ERR_POST_api_repos_1_pipelines_1__restart_bad_event", "POST", wpRepo1+"/pipelines/1?event=push", KindBadRequest, "bad request"),
		raw("ERR_POST_api_repos__no_forge_remote_id", "POST", "/api/repos", KindBadRequest, "No forge_remote_id provided"),
		raw("ERR_POST_api_user_token__session_cookie_no_csrf", "POST", "/api/user/token", KindUnauthorized, "unauthorized"),
		{"ERR_GET_api_repos_3__after_remove", map[string]string{
			"GET /api/repos/lookup/octo/scratch": "POST_api_repos__activate_scratch",
			"GET /api/repos/3":                   "ERR_GET_api_repos_3__after_remove"}, func(t *testing.T, c Client) {
			if _, err := c.Repo(bg(), "octo/scratch"); err != nil {
				t.Fatal(err)
			}
			// The id is gone; a fresh lookup names the same id, so the answer stands.
			_, err := c.Repo(bg(), "octo/scratch")
			wantErr(t, err, KindNotFound, "repository octo/scratch not found")
		}},
		{"ERR_POST_api_repos_3_pipelines__create_inactive", map[string]string{
			"GET /api/repos/lookup/octo/scratch": "POST_api_repos__activate_scratch",
			"POST /api/repos/3/pipelines":        "ERR_POST_api_repos_3_pipelines__create_inactive"}, func(t *testing.T, c Client) {
			_, err := c.CreateBuild(bg(), "octo/scratch", CreateOptions{Branch: "main"})
			wantErr(t, err, KindNotFound, "branch not found, or the repository is not active")
		}},

		on("ERR_GET_api_repos_1_pipelines_999__unknown_pipeline", "GET "+wpRepo1+"/pipelines/999", KindNotFound, "build #999 of octo/hello-wp not found", pipeline(999)),
		on("ERR_GET_api_repos_1_pipelines_latest__unknown_branch", "GET "+wpRepo1+"/pipelines/latest?branch=nope", KindNotFound, "no build found for octo/hello-wp on branch nope",
			func(c Client) error { _, err := c.LatestBuild(bg(), wpSlug, "nope"); return err }),
		on("ERR_GET_api_repos_1_logs_1_99__unknown_step", "GET "+wpRepo1+"/logs/1/99", KindNotFound, "no log stored for that step", logOf(1, 99)),
		on("ERR_GET_api_repos_1_logs_999_1__unknown_pipeline", "GET "+wpRepo1+"/logs/999/1", KindNotFound, "no log stored for that step", logOf(999, 1)),
		on("ERR_GET_api_repos_1_logs_16_5__pid_instead_of_step_id", "GET "+wpRepo1+"/logs/16/5", KindNotFound, "no log stored for that step", logOf(16, 5)),
		on("ERR_GET_api_repos_1_logs_1_65__step_of_other_pipeline", "GET "+wpRepo1+"/logs/1/65", KindNotFound, "no log stored for that step", logOf(1, 65)),

		on("ERR_POST_api_repos_1_pipelines__create_unknown_branch", "POST "+wpRepo1+"/pipelines", KindNotFound, "branch not found",
			func(c Client) error {
				_, err := c.CreateBuild(bg(), wpSlug, CreateOptions{Branch: "nope"})
				return err
			}),
		on("ERR_POST_api_repos_1_pipelines__create_no_token", "POST "+wpRepo1+"/pipelines", KindUnauthorized, "unauthorized",
			func(c Client) error { _, err := c.CreateBuild(bg(), wpSlug, CreateOptions{Branch: "main"}); return err }),
		{"EDGE_POST_api_repos_2_pipelines__create_no_config_filtered", map[string]string{
			"GET /api/repos/lookup/octo/secret-stuff": "GET_api_repos_lookup_octo_secret-stuff",
			"POST /api/repos/2/pipelines":             "EDGE_POST_api_repos_2_pipelines__create_no_config_filtered"}, func(t *testing.T, c Client) {
			_, err := c.CreateBuild(bg(), "octo/secret-stuff", CreateOptions{Branch: "main"})
			wantErr(t, err, KindNothingTriggered, "no workflow matched")
		}},
		on("ERR_POST_api_repos_1_pipelines_999__restart_unknown", p1+"999", KindNotFound, "build #999 of octo/hello-wp not found, or the token may not write to it",
			func(c Client) error { _, err := c.RestartBuild(bg(), wpSlug, 999, nil); return err }),
		on("ERR_POST_api_repos_1_pipelines_7__restart_blocked", p1+"7", KindBadRequest, "cannot restart a pipeline with status blocked",
			func(c Client) error { _, err := c.RestartBuild(bg(), wpSlug, 7, nil); return err }),
		on("ERR_POST_api_repos_1_pipelines_1__deploy_not_allowed", p1+"1?deploy_to=production&event=deployment", KindForbidden, "allow_deploy",
			func(c Client) error { _, err := c.PromoteBuild(bg(), wpSlug, 1, "production", nil); return err }),
		on("ERR_POST_api_repos_1_pipelines_1_cancel__finished", p1+"1/cancel", KindBadRequest, "Cannot cancel a non-running or non-pending or non-blocked pipeline",
			func(c Client) error { return c.CancelBuild(bg(), wpSlug, 1) }),
		on("ERR_POST_api_repos_1_pipelines_3_cancel__already_killed", p1+"3/cancel", KindBadRequest, "Cannot cancel a non-running",
			func(c Client) error { return c.CancelBuild(bg(), wpSlug, 3) }),
		on("ERR_POST_api_repos_1_pipelines_999_cancel__unknown", p1+"999/cancel", KindNotFound, "build #999 of octo/hello-wp not found",
			func(c Client) error { return c.CancelBuild(bg(), wpSlug, 999) }),
		on("ERR_POST_api_repos_1_pipelines_1_cancel__bad_token", p1+"1/cancel", KindUnauthorized, "unauthorized",
			func(c Client) error { return c.CancelBuild(bg(), wpSlug, 1) }),
		on("ERR_POST_api_repos_1_pipelines_7_approve__not_blocked", p1+"7/approve", KindBadRequest, "cannot approve a pipeline with status running",
			func(c Client) error { return c.ApproveBuild(bg(), wpSlug, 7) }),
		on("ERR_POST_api_repos_1_pipelines_8_approve__declined", p1+"8/approve", KindBadRequest, "cannot approve a pipeline with status declined",
			func(c Client) error { return c.ApproveBuild(bg(), wpSlug, 8) }),
		on("ERR_POST_api_repos_1_pipelines_999_approve__unknown", p1+"999/approve", KindNotFound, "build #999 of octo/hello-wp not found",
			func(c Client) error { return c.ApproveBuild(bg(), wpSlug, 999) }),
		on("ERR_POST_api_repos_1_pipelines_8_decline__already_declined", p1+"8/decline", KindBadRequest, "the pipeline is not waiting for approval",
			func(c Client) error { return c.DeclineBuild(bg(), wpSlug, 8) }),

		{"ERR_POST_api_repos__activate_again", map[string]string{
			"GET /api/user/repos?all=true":      "GET_api_user_repos_all",
			"POST /api/repos?forge_remote_id=1": "ERR_POST_api_repos__activate_again"}, func(t *testing.T, c Client) {
			_, err := c.EnableRepo(bg(), wpSlug)
			wantErr(t, err, KindConflict, "Repository is already active.")
		}},
		{"ERR_POST_api_repos__unknown_forge_remote_id", map[string]string{
			"GET /api/user/repos?all=true":      "GET_api_user_repos_all",
			"POST /api/repos?forge_remote_id=3": "ERR_POST_api_repos__unknown_forge_remote_id"}, func(t *testing.T, c Client) {
			_, err := c.EnableRepo(bg(), "octo/scratch")
			wantErr(t, err, KindBadRequest, "Could not fetch repository from forge.")
		}},
		{"enable_unknown_on_forge", map[string]string{"GET /api/user/repos?all=true": "GET_api_user_repos_all"}, func(t *testing.T, c Client) {
			_, err := c.EnableRepo(bg(), "octo/nope")
			wantErr(t, err, KindNotFound, "repository octo/nope not found on the forge")
		}},
	}
}

// TestWoodpeckerNoCommitPinning: a commit cannot be asked for, and nothing
// is sent.
func TestWoodpeckerNoCommitPinning(t *testing.T) {
	srv := serveFixtures(t, dirWP, map[string]string{})
	c := newTestClient(t, srv.URL, DialectWoodpecker)
	_, err := c.CreateBuild(bg(), wpSlug, CreateOptions{Branch: "main", Commit: "e084360e"})
	wantErr(t, err, KindInvalid, "cannot start a pipeline at a given commit")
	if n := len(srv.seen()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
