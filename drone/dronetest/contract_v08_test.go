package dronetest

import (
	"testing"

	"github.com/dronebot/dronebot/drone"
)

// The recorded Drone 0.8.10 server: octo/hello-drone08 with builds 1..4 (see
// fixtures/drone-0.8/README.md).
const (
	dirV08   = "drone-0.8"
	hello08  = "octo/hello-drone08"
	api08    = "/api/repos/" + hello08
	email08  = "octo@example.local"
	sha08b1  = "968b4a1e5dd219495ccae5091265b18f59171057"
	sha08b2  = "0c79dbe2b6748fd284a161f00a0494b0c9bcaea0"
	sha08b3  = "d2ca8c3c5ea1934ca1809b384537f5d8fc99d242"
	stage08  = ""
	noisy08  = "build"
	clone08  = "clone"
	notify08 = "notify"
)

func newV08World(t *testing.T) *Server {
	t.Helper()
	s := New(drone.DialectV08)
	t.Cleanup(s.Close)
	s.SetForgeURL("http://127.0.0.1:3380")
	s.AddRepo(hello08, RepoOptions{DefaultBranch: "master", Inactive: true, Unsynced: true})
	return s
}

func pendingProcs08() []StageSpec {
	return []StageSpec{{Name: stage08, Steps: []StepSpec{{Name: clone08}, {Name: noisy08}, {Name: notify08}}}}
}

func addBuilds12(s *Server) {
	s.AddBuild(hello08, BuildSpec{Status: drone.StatusError, Branch: "master", Commit: sha08b1, AuthorEmail: email08,
		Message: "add .drone.yml (0.8 pipeline that fails)\n",
		Error:   "Cannot unmarshal 'map[echo \"notify:build status is $DRONE_BUILD_STATUS\"]' of type map[interface {}]interface {} into a string value"})
	s.AddBuild(hello08, BuildSpec{Branch: "master", Commit: sha08b2, Message: "fix yaml quoting\n", AuthorEmail: email08, Stages: pendingProcs08()})
}

func addBuild3(t *testing.T, s *Server) {
	chunks, times := fixtureChunks(t, dirV08, "GET_api_repos_octo_hello-drone08_logs_3_3__failed_step")
	s.AddBuild(hello08, BuildSpec{Status: drone.StatusFailure, Branch: "master", Commit: sha08b3, Message: "docs: trigger build 3\n",
		AuthorEmail: email08, Stages: []StageSpec{{Name: stage08, Status: drone.StatusFailure, Steps: []StepSpec{
			{Name: clone08, Status: drone.StatusSuccess},
			{Name: noisy08, Status: drone.StatusFailure, ExitCode: 1, LogChunks: chunks, LogTimes: times},
			{Name: notify08, Status: drone.StatusSuccess}}}}})
}

func TestContractV08(t *testing.T) {
	s := newV08World(t)
	runReplays(t, s, dirV08, []replayCase{
		{"GET_version", "GET", "/version", noToken},
		{"GET_healthz", "GET", "/healthz", noToken},
		{"GET_api_user", "GET", "/api/user", withToken},
		{"GET_api_user__bad_token", "GET", "/api/user", badToken},
		{"GET_api_user__no_token", "GET", "/api/user", noToken},
		{"GET_api_user_repos__before_sync", "GET", "/api/user/repos", withToken},
		{"GET_api_user_feed__empty", "GET", "/api/user/feed", withToken},
		{"GET_api_user_repos__all_flush", "GET", "/api/user/repos?all=true&flush=true", withToken},
		{"GET_api_user_repos__active_only", "GET", "/api/user/repos", withToken},
		{"GET_api_user_repos__all", "GET", "/api/user/repos?all=true", withToken},
		{"GET_api_repos_octo_hello-drone08__inactive", "GET", api08, withToken},
		{"GET_api_repos_octo_hello-drone08_builds__inactive", "GET", api08 + "/builds", withToken},
		{"POST_api_repos_octo_hello-drone08__activate", "POST", api08, withToken},
		{"POST_api_repos_octo_hello-drone08__activate_again_409", "POST", api08, withToken},
		{"GET_api_repos_octo_hello-drone08", "GET", api08, withToken},
		{"GET_api_repos_octo_hello-drone08_builds__empty", "GET", api08 + "/builds", withToken},
		{"GET_api_user_repos__after_activate", "GET", "/api/user/repos", withToken},
		{"GET_api_user_feed__no_builds", "GET", "/api/user/feed", withToken},
		{"GET_api_user_feed__latest_no_builds", "GET", "/api/user/feed?latest=true", withToken},
		{"GET_api_repos_octo_nope__unknown_repo", "GET", "/api/repos/octo/nope", withToken},
		{"GET_api_repos_octo_nope_builds__unknown_repo", "GET", "/api/repos/octo/nope/builds", withToken},
		{"POST_api_repos_octo_nope__activate_unknown_repo", "POST", "/api/repos/octo/nope", withToken},
		{"GET_api_repos_octo_hello-drone08__bad_token", "GET", api08, badToken},
		{"GET_api_repos_octo_hello-drone08__no_token", "GET", api08, noToken},
		{"GET_api_repos_octo_hello-drone08_builds__bad_token", "GET", api08 + "/builds", badToken},
		{"GET_api_repos_octo_hello-drone08_builds__no_token", "GET", api08 + "/builds", noToken},
		{"POST_api_repos_octo_hello-drone08__activate_no_token", "POST", api08, noToken},
		{"GET_api_user_feed__no_token", "GET", "/api/user/feed", noToken},
		{"GET_api_user_repos__bad_token", "GET", "/api/user/repos", badToken},
	})

	addBuilds12(s)
	runReplays(t, s, dirV08, []replayCase{
		{"GET_api_repos_octo_hello-drone08_builds__b1_error_b2_pending", "GET", api08 + "/builds", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_1__yaml_error", "GET", api08 + "/builds/1", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_2__pending", "GET", api08 + "/builds/2", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_latest__pending", "GET", api08 + "/builds/latest", withToken},
		{"GET_api_repos_octo_hello-drone08_logs_2_3__pending", "GET", api08 + "/logs/2/3", withToken},
		{"GET_api_repos_octo_hello-drone08_logs_1_1__error_build_no_procs", "GET", api08 + "/logs/1/1", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_99__unknown_build", "GET", api08 + "/builds/99", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_abc__non_numeric", "GET", api08 + "/builds/abc", withToken},
		{"DELETE_api_repos_octo_hello-drone08_builds_2_1__cancel_pending", "DELETE", api08 + "/builds/2/1", withToken},
		{"GET_api_user_feed__b1_error_b2_pending", "GET", "/api/user/feed", withToken},
		{"GET_api_user_feed__latest_b2_pending", "GET", "/api/user/feed?latest=true", withToken},
		{"GET_api_user_repos__after_builds", "GET", "/api/user/repos", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_2__pending_no_token", "GET", api08 + "/builds/2", noToken},
	})

	addBuild3(t, s)
	runReplays(t, s, dirV08, []replayCase{
		{"GET_api_repos_octo_hello-drone08_builds__with_failed_b3", "GET", api08 + "/builds", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_3__failure", "GET", api08 + "/builds/3", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_latest__failure", "GET", api08 + "/builds/latest", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_latest__branch_master", "GET", api08 + "/builds/latest?branch=master", withToken},
		{"GET_api_repos_octo_hello-drone08_logs_3_99__unknown_pid", "GET", api08 + "/logs/3/99", withToken},
		{"GET_api_repos_octo_hello-drone08_logs_3_2__no_log_row", "GET", api08 + "/logs/3/2", withToken},
		{"GET_api_repos_octo_hello-drone08_logs_3_1__parent_proc", "GET", api08 + "/logs/3/1", withToken},
		{"GET_api_repos_octo_hello-drone08_logs_99_3__unknown_build", "GET", api08 + "/logs/99/3", withToken},
		{"GET_api_user_feed__with_failed_b3", "GET", "/api/user/feed", withToken},
		{"GET_api_user_feed__latest_failed_b3", "GET", "/api/user/feed?latest=true", withToken},
		{"GET_api_repos_octo_hello-drone08__with_builds", "GET", api08, withToken},
		{"POST_api_repos_octo_hello-drone08_builds_3__restart", "POST", api08 + "/builds/3", withToken},
		{"DELETE_api_repos_octo_hello-drone08_builds_3_1__cancel_finished", "DELETE", api08 + "/builds/3/1", withToken},
		{"DELETE_api_repos_octo_hello-drone08_builds_3_3__cancel_finished_step", "DELETE", api08 + "/builds/3/3", withToken},
		{"DELETE_api_repos_octo_hello-drone08_builds_3_1__cancel_no_token", "DELETE", api08 + "/builds/3/1", noToken},
		{"GET_api_repos_octo_hello-drone08_builds__after_restart", "GET", api08 + "/builds", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_4__restarted_pending", "GET", api08 + "/builds/4", withToken},
		{"POST_api_repos_octo_hello-drone08_builds_99__restart_unknown", "POST", api08 + "/builds/99", withToken},
	})
	for _, name := range []string{"GET_api_repos_octo_hello-drone08_logs_3_3__failed_step", "GET_api_repos_octo_hello-drone08_logs_3_3__no_token"} {
		t.Run(name, func(t *testing.T) {
			token := withToken
			if name == "GET_api_repos_octo_hello-drone08_logs_3_3__no_token" {
				token = noToken
			}
			assertMatches(t, loadFixture(t, dirV08, name), call(t, s, "GET", api08+"/logs/3/3", token), true)
		})
	}

	// Build 2 flipped to running (top-level proc and clone), then killed.
	s.UpdateBuild(hello08, 2, func(b *BuildSpec) {
		b.Status = drone.StatusRunning
		b.Stages[0].Status = drone.StatusRunning
		b.Stages[0].Steps[0].Status = drone.StatusRunning
	})
	runReplays(t, s, dirV08, []replayCase{
		{"GET_api_repos_octo_hello-drone08_builds_2__running_flipped", "GET", api08 + "/builds/2", withToken},
	})
	runReplays(t, s, dirV08, []replayCase{
		{"DELETE_api_repos_octo_hello-drone08_builds_2__zombie_kill_running", "DELETE", api08 + "/builds/2", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_2__after_zombie_kill", "GET", api08 + "/builds/2", withToken},
		{"DELETE_api_repos_octo_hello-drone08_builds_4_1__cancel_pending", "DELETE", api08 + "/builds/4/1", withToken},
		{"DELETE_api_repos_octo_hello-drone08_builds_4__zombie_kill_admin", "DELETE", api08 + "/builds/4", withToken},
		{"GET_api_repos_octo_hello-drone08_builds_4__after_zombie_kill", "GET", api08 + "/builds/4", withToken},
		{"DELETE_api_repos_octo_hello-drone08_builds_99_1__cancel_unknown", "DELETE", api08 + "/builds/99/1", withToken},
		{"DELETE_api_repos_octo_hello-drone08_builds_3_99__cancel_unknown_pid", "DELETE", api08 + "/builds/3/99", withToken},
		{"GET_api_repos_octo_hello-drone08_builds__final", "GET", api08 + "/builds", withToken},
		{"GET_api_user_feed__final", "GET", "/api/user/feed", withToken},
		{"GET_api_user_feed__latest_final", "GET", "/api/user/feed?latest=true", withToken},
	})
}

// TestContractV08CancelRunning replays the recorded cancel of a running
// top-level proc (204, empty text body).
func TestContractV08CancelRunning(t *testing.T) {
	s := newV08World(t)
	mustCall(t, s, "GET", "/api/user/repos?flush=true", 200)
	mustCall(t, s, "POST", api08, 200)
	addBuilds12(s)
	s.UpdateBuild(hello08, 2, func(b *BuildSpec) {
		b.Status, b.Stages[0].Status, b.Stages[0].Steps[0].Status = drone.StatusRunning, drone.StatusRunning, drone.StatusRunning
	})
	replay(t, s, dirV08, "DELETE_api_repos_octo_hello-drone08_builds_2_1__cancel_running", "DELETE", api08+"/builds/2/1", withToken)
}
