package drone

import "testing"

func v08ErrorCases() []contractCase {
	logOf := func(n int64, pid int) func(Client) error {
		return func(c Client) error {
			_, err := c.LogTail(bg(), v08Slug, n, StepRef{Step: pid}, TailOptions{})
			return err
		}
	}
	// cancel serves a running build 2 and the recorded DELETE answer for its proc.
	cancel := func(fixture string, kind Kind, msg string) contractCase {
		return contractCase{fixture, map[string]string{
			"GET " + v08RepoPath + "/builds/2":      "GET_api_repos_octo_hello-drone08_builds_2__running_flipped",
			"DELETE " + v08RepoPath + "/builds/2/1": fixture},
			func(t *testing.T, c Client) { wantErr(t, c.CancelBuild(bg(), v08Slug, 2), kind, msg) }}
	}
	self := func(c Client) error { _, err := c.Self(bg()); return err }
	return []contractCase{
		cancel("DELETE_api_repos_octo_hello-drone08_builds_2_1__cancel_pending", KindBadRequest, "Cannot cancel a non-running build"),
		cancel("DELETE_api_repos_octo_hello-drone08_builds_3_1__cancel_finished", KindBadRequest, "Cannot cancel a non-running build"),
		cancel("DELETE_api_repos_octo_hello-drone08_builds_3_3__cancel_finished_step", KindBadRequest, "Cannot cancel a non-running build"),
		cancel("DELETE_api_repos_octo_hello-drone08_builds_4_1__cancel_pending", KindBadRequest, "Cannot cancel a non-running build"),
		cancel("DELETE_api_repos_octo_hello-drone08_builds_3_1__cancel_no_token", KindUnauthorized, "unauthorized"),
		cancel("DELETE_api_repos_octo_hello-drone08_builds_3_99__cancel_unknown_pid", KindNotFound, "build #2 of octo/hello-drone08 not found, or the token may not write to it"),
		cancel("DELETE_api_repos_octo_hello-drone08_builds_99_1__cancel_unknown", KindNotFound, "not found, or the token may not write to it"),
		{"cancel_queued_build", map[string]string{"GET " + v08RepoPath + "/builds/2": "GET_api_repos_octo_hello-drone08_builds_2__pending"},
			func(t *testing.T, c Client) {
				wantErr(t, c.CancelBuild(bg(), v08Slug, 2), KindBadRequest, "Drone 0.8 cannot cancel a queued build")
			}},
		errCase("GET_api_repos_octo_hello-drone08_builds_99__unknown_build", "GET "+v08RepoPath+"/builds/99", KindNotFound, "build #99 of octo/hello-drone08 not found",
			func(c Client) error { _, err := c.Build(bg(), v08Slug, 99); return err }),
		{"GET_api_repos_octo_hello-drone08_builds_abc__non_numeric", map[string]string{"GET " + v08RepoPath + "/builds/abc": "GET_api_repos_octo_hello-drone08_builds_abc__non_numeric"},
			func(t *testing.T, c Client) {
				api := c.(*client).api.(*v08API)
				wantErr(t, api.do(bg(), call{op: "build", what: "get build", method: "GET", path: v08RepoPath + "/builds/abc"}, nil), KindBadRequest, "bad request")
			}},
		errCase("GET_api_repos_octo_hello-drone08_logs_1_1__error_build_no_procs", "GET "+v08RepoPath+"/logs/1/1", KindLogNotReady, "log not available yet", logOf(1, 1)),
		errCase("GET_api_repos_octo_hello-drone08_logs_2_3__pending", "GET "+v08RepoPath+"/logs/2/3", KindLogNotReady, "log not available yet", logOf(2, 3)),
		errCase("GET_api_repos_octo_hello-drone08_logs_3_1__parent_proc", "GET "+v08RepoPath+"/logs/3/1", KindLogNotReady, "log not available yet", logOf(3, 1)),
		errCase("GET_api_repos_octo_hello-drone08_logs_3_2__no_log_row", "GET "+v08RepoPath+"/logs/3/2", KindLogNotReady, "log not available yet", logOf(3, 2)),
		errCase("GET_api_repos_octo_hello-drone08_logs_3_99__unknown_pid", "GET "+v08RepoPath+"/logs/3/99", KindLogNotReady, "log not available yet", logOf(3, 99)),
		errCase("GET_api_repos_octo_hello-drone08_logs_99_3__unknown_build", "GET "+v08RepoPath+"/logs/99/3", KindLogNotReady, "log not available yet", logOf(99, 3)),
		errCase("GET_api_repos_octo_nope__unknown_repo", "GET /api/repos/octo/nope", KindNotFound, "repository octo/nope not found",
			func(c Client) error { _, err := c.Repo(bg(), "octo/nope"); return err }),
		errCase("GET_api_repos_octo_nope_builds__unknown_repo", "GET /api/repos/octo/nope/builds", KindNotFound, "repository octo/nope not found",
			func(c Client) error { _, err := c.Builds(bg(), "octo/nope", ListOptions{}); return err }),
		errCase("GET_api_user__bad_token", "GET /api/user", KindUnauthorized, "User not authorized", self),
		errCase("GET_api_user__no_token", "GET /api/user", KindUnauthorized, "User not authorized", self),
		errCase("GET_api_user_repos__bad_token", "GET /api/user/repos", KindUnauthorized, "User not authorized",
			func(c Client) error { _, err := c.Repos(bg(), false); return err }),
		errCase("GET_api_user_feed__no_token", "GET /api/user/feed?latest=true", KindUnauthorized, "User not authorized",
			func(c Client) error { _, err := c.Repos(bg(), true); return err }),
		errCase("POST_api_repos_octo_hello-drone08__activate_again_409", "POST "+v08RepoPath, KindConflict, "Repository is already active.",
			func(c Client) error { _, err := c.EnableRepo(bg(), v08Slug); return err }),
		errCase("POST_api_repos_octo_hello-drone08__activate_no_token", "POST "+v08RepoPath, KindUnauthorized, "User not authorized",
			func(c Client) error { _, err := c.EnableRepo(bg(), v08Slug); return err }),
		errCase("POST_api_repos_octo_nope__activate_unknown_repo", "POST /api/repos/octo/nope", KindNotFound, "repository octo/nope not found, or the token may not write to it",
			func(c Client) error { _, err := c.EnableRepo(bg(), "octo/nope"); return err }),
		errCase("POST_api_repos_octo_hello-drone08_builds_99__restart_unknown", "POST "+v08RepoPath+"/builds/99", KindNotFound, "build #99 of octo/hello-drone08 not found, or the token may not write to it",
			func(c Client) error { _, err := c.RestartBuild(bg(), v08Slug, 99, nil); return err }),
		{"create_on_branch_without_build", map[string]string{
			"GET " + v08RepoPath + "/builds/latest?branch=feature": "GET_api_repos_octo_hello-drone08_builds_99__unknown_build"},
			func(t *testing.T, c Client) {
				_, err := c.CreateBuild(bg(), v08Slug, CreateOptions{Branch: "feature"})
				wantErr(t, err, KindNotFound, "branch feature has no build to re-run")
			}},
	}
}
