package drone

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
func bg() context.Context { return context.Background() }
func wantStatus(t *testing.T, got, want Status) {
	t.Helper()
	if got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
}

func buildNumbers(bs []*Build) []int64 {
	out := []int64{}
	for _, b := range bs {
		out = append(out, b.Number)
	}
	return out
}

func slugs(rs []*Repo) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Slug)
	}
	return out
}

// errCase expects op against the fixture to fail with kind and a message part.
func errCase(fixture, route string, kind Kind, msg string, op func(Client) error) contractCase {
	return contractCase{fixture, map[string]string{route: fixture}, func(t *testing.T, c Client) {
		wantErr(t, op(c), kind, msg)
	}}
}

func v1ErrorCases() []contractCase {
	const slug = "octo/hello-drone"
	logOf := func(n int64, stage, step int) func(Client) error {
		return func(c Client) error {
			_, err := c.LogTail(bg(), slug, n, StepRef{Stage: stage, Step: step}, TailOptions{})
			return err
		}
	}
	return []contractCase{
		errCase("ERR_DELETE_api_repos_octo_hello-drone_builds_999__cancel_unknown", "DELETE "+v1RepoPath+"/builds/999", KindNotFound,
			"build #999 of octo/hello-drone not found, or the token may not write to it",
			func(c Client) error { return c.CancelBuild(bg(), slug, 999) }),
		errCase("ERR_GET_api_repos_octo_hello-drone_builds_2_logs_1_99__unknown_step", "GET "+v1RepoPath+"/builds/2/logs/1/99", KindLogNotReady, "log not available yet", logOf(2, 1, 99)),
		errCase("ERR_GET_api_repos_octo_hello-drone_builds_2_logs_9_1__unknown_stage", "GET "+v1RepoPath+"/builds/2/logs/9/1", KindLogNotReady, "log not available yet", logOf(2, 9, 1)),
		errCase("ERR_GET_api_repos_octo_hello-drone_builds_999_logs_1_1__unknown_build", "GET "+v1RepoPath+"/builds/999/logs/1/1", KindLogNotReady, "log not available yet", logOf(999, 1, 1)),
		errCase("GET_api_repos_octo_hello-drone_builds_2_logs_1_2__running", "GET "+v1RepoPath+"/builds/2/logs/1/2", KindLogNotReady, "log not available yet", logOf(2, 1, 2)),
		errCase("GET_api_repos_octo_hello-drone_builds_4_logs_1_3__after_cancel", "GET "+v1RepoPath+"/builds/4/logs/1/3", KindLogNotReady, "log not available yet", logOf(4, 1, 3)),
		errCase("ERR_GET_api_repos_octo_hello-drone_builds_999", "GET "+v1RepoPath+"/builds/999", KindNotFound, "build #999 of octo/hello-drone not found",
			func(c Client) error { _, err := c.Build(bg(), slug, 999); return err }),
		// The client never sends a non-numeric build number; the raw path shows how 400 reads.
		{"ERR_GET_api_repos_octo_hello-drone_builds_abc", map[string]string{"GET " + v1RepoPath + "/builds/abc": "ERR_GET_api_repos_octo_hello-drone_builds_abc"},
			func(t *testing.T, c Client) {
				api := c.(*client).api.(*v1API)
				err := api.do(bg(), call{op: "build", what: "get build", method: "GET", path: v1RepoPath + "/builds/abc"}, nil)
				wantErr(t, err, KindBadRequest, "invalid syntax")
			}},
		errCase("ERR_GET_api_repos_octo_secret-stuff__bad_token", "GET /api/repos/octo/secret-stuff", KindUnauthorized, "Unauthorized",
			func(c Client) error { _, err := c.Repo(bg(), "octo/secret-stuff"); return err }),
		errCase("ERR_GET_api_repos_octo_secret-stuff__no_token", "GET /api/repos/octo/secret-stuff", KindUnauthorized, "Unauthorized",
			func(c Client) error { _, err := c.Repo(bg(), "octo/secret-stuff"); return err }),
		errCase("ERR_GET_api_repos_octo_secret-stuff_builds__no_token", "GET /api/repos/octo/secret-stuff/builds", KindUnauthorized, "Unauthorized",
			func(c Client) error { _, err := c.Builds(bg(), "octo/secret-stuff", ListOptions{}); return err }),
		errCase("ERR_GET_api_repos_octo_unknown", "GET /api/repos/octo/does-not-exist", KindNotFound, "repository octo/does-not-exist not found",
			func(c Client) error { _, err := c.Repo(bg(), "octo/does-not-exist"); return err }),
		errCase("ERR_GET_api_repos_unknown-owner_unknown", "GET /api/repos/nobody/nothing", KindNotFound, "repository nobody/nothing not found",
			func(c Client) error { _, err := c.Repo(bg(), "nobody/nothing"); return err }),
		errCase("ERR_GET_api_user__bad_token", "GET /api/user", KindUnauthorized, "Unauthorized",
			func(c Client) error { _, err := c.Self(bg()); return err }),
		errCase("ERR_GET_api_user__no_token", "GET /api/user", KindUnauthorized, "Unauthorized",
			func(c Client) error { _, err := c.Self(bg()); return err }),
		errCase("ERR_POST_api_repos_octo_hello-drone_builds_999__restart_unknown", "POST "+v1RepoPath+"/builds/999", KindNotFound,
			"build #999 of octo/hello-drone not found, or the token may not write to it",
			func(c Client) error { _, err := c.RestartBuild(bg(), slug, 999, nil); return err }),
		errCase("ERR_POST_api_repos_octo_hello-drone_builds__bad_token", "POST "+v1RepoPath+"/builds", KindUnauthorized, "Unauthorized",
			func(c Client) error { _, err := c.CreateBuild(bg(), slug, CreateOptions{}); return err }),
		errCase("ERR_POST_api_repos_octo_hello-drone_builds__create_unknown_branch", "POST "+v1RepoPath+"/builds", KindNotFound, "branch or commit not found",
			func(c Client) error {
				_, err := c.CreateBuild(bg(), slug, CreateOptions{Branch: "no-such-branch"})
				return err
			}),
		errCase("ERR_POST_api_repos_octo_secret-stuff_builds__inactive", "POST /api/repos/octo/secret-stuff/builds", KindNotFound,
			"repository octo/secret-stuff not found, or the token may not write to it",
			func(c Client) error { _, err := c.CreateBuild(bg(), "octo/secret-stuff", CreateOptions{}); return err }),
		errCase("ERR_POST_api_repos_octo_secret-stuff_builds__no_drone_yml", "POST /api/repos/octo/secret-stuff/builds", KindNotFound, ".drone.yml",
			func(c Client) error { _, err := c.CreateBuild(bg(), "octo/secret-stuff", CreateOptions{}); return err }),
		errCase("ERR_POST_api_repos_octo_unknown__enable", "POST /api/repos/octo/does-not-exist", KindNotFound,
			"repository octo/does-not-exist not found, or the token may not write to it",
			func(c Client) error { _, err := c.EnableRepo(bg(), "octo/does-not-exist"); return err }),
		errCase("ERR_POST_api_repos_octo_unknown_builds__create", "POST /api/repos/octo/does-not-exist/builds", KindNotFound,
			"repository octo/does-not-exist not found, or the token may not write to it",
			func(c Client) error {
				_, err := c.CreateBuild(bg(), "octo/does-not-exist", CreateOptions{})
				return err
			}),
	}
}

// unreachableFixtures are recordings of endpoints the client never calls
// (admin, queue, stream and token routes), listed so that every other
// fixture must appear in a contract case.
func unreachableFixtures(name string) bool {
	for _, p := range []string{
		"GET_api_builds", "GET_api_queue", "GET_api_system_stats", "GET_api_users", "GET_api_user_builds",
		"GET_healthz", "GET_api_stream", "ERR_GET_api_stream", "GET_stream_", "GET_api_info_queue",
		"POST_api_user_token", "POST_authorize",
		// 0.8 feed without latest=true is the activity feed; 0.8 zombie kill is an admin tool.
		"GET_api_user_feed__b1_error", "GET_api_user_feed__empty", "GET_api_user_feed__final", "GET_api_user_feed__no_builds",
		"GET_api_user_feed__with_failed_b3", "DELETE_api_repos_octo_hello-drone08_builds_2__zombie", "DELETE_api_repos_octo_hello-drone08_builds_4__zombie",
		// Woodpecker answers the bot has no use for: tokens, badges, the
		// admin queue, forges, permissions, branches, pull requests, the
		// pipeline's YAML and repository settings.
		"DELETE_api_user_token", "GET_api_badges", "GET_api_forges", "GET_api_pipelines__admin", "POST_api_queue",
		"GET_api_repos_1_permissions", "GET_api_repos_1_branches", "GET_api_repos_1_pull_requests", "GET_api_repos_1_pipelines_1_config",
		"PATCH_api_repos", "ERR_PATCH_api_repos",
	} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
