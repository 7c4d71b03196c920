package dronetest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/dronebot/dronebot/drone"
)

// TestContractWoodpecker replays the whole recorded session in the order of
// its INDEX.log: every recorded answer, the two event streams frame by
// frame and the three log streams.
func TestContractWoodpecker(t *testing.T) {
	clock := &wpClock{}
	clock.at(t, "05:03:51")
	s := New(drone.DialectWoodpecker)
	t.Cleanup(s.Close)
	s.SetNow(clock.now)
	s.SetForgeURL(forgeWP)
	s.SetForgeClientID(oauthWP)
	s.AddRepo(helloWP, RepoOptions{Inactive: true})
	// A deployment also runs the deploy step (when: event: deployment).
	s.OnCreate(func(slug string, n int64, b *BuildSpec) {
		if b.Event == drone.EventPromote && len(b.Stages) == 1 && len(b.Stages[0].Steps) == 4 {
			b.Stages[0].Steps = append(b.Stages[0].Steps, StepSpec{Name: "deploy", Status: drone.StatusPending})
		}
	})
	used := map[string]bool{}
	r := func(fixture string, rq wpReq) { used[fixture] = true; wpReplay(t, s, fixture, rq) }
	t.Cleanup(func() { everyRecordingUsed(t, used) })

	// 05:03:51 login, token, before activation.
	r("POST_api_user_token__session_cookie_csrf", wpReq{method: "POST", path: "/api/user/token", cookie: true, csrf: true})
	r("ERR_POST_api_user_token__session_cookie_no_csrf", wpReq{method: "POST", path: "/api/user/token", cookie: true})
	r("GET_version", wpReq{method: "GET", path: "/version"})
	r("GET_healthz", wpReq{method: "GET", path: "/healthz"})
	r("GET_api_user", get("/api/user"))
	r("GET_api_user_repos__before_activate", get("/api/user/repos"))
	r("GET_api_user_repos_all__before_activate", get("/api/user/repos?all=true"))
	r("ERR_GET_api_repos_lookup_octo_hello-wp__before_activate", get("/api/repos/lookup/octo/hello-wp"))
	r("GET_api_forges", get("/api/forges"))
	r("GET_api_user_feed__empty", get("/api/user/feed"))
	events := recordEvents(t, s, s.Token)

	clock.at(t, "05:04:01")
	r("POST_api_repos__activate", post("/api/repos?forge_remote_id=1"))
	r("ERR_POST_api_repos__activate_again", post("/api/repos?forge_remote_id=1"))
	r("ERR_POST_api_repos__no_forge_remote_id", post("/api/repos"))
	r("ERR_POST_api_repos__unknown_forge_remote_id", post("/api/repos?forge_remote_id=999"))
	r("GET_api_repos_lookup_octo_hello-wp", get("/api/repos/lookup/octo/hello-wp"))
	r("GET_api_repos_1", get(apiWP))
	r("GET_api_repos_1_permissions", get(apiWP+"/permissions"))
	r("GET_api_repos_1_pipelines__empty", get(apiWP+"/pipelines"))
	r("GET_api_repos_1_branches", get(apiWP+"/branches"))

	// 05:04:08 push 1 fails in noisy-fail.
	clock.at(t, "05:04:08")
	n1 := forgePush(s, BuildSpec{Commit: shaPush1, Message: "push 1: noisy-fail should fail\n", AuthorEmail: pushEmail,
		ChangedFiles: []string{"README.md"}, Stages: pendingWorkflow(t, mainSteps...)})
	runAll(s, n1, 0, drone.StatusFailure, wpSteps(t, false, 0, false))
	r("GET_api_repos_1_pipelines_1", get(apiWP+"/pipelines/1"))
	for i := 1; i <= 4; i++ {
		r("GET_api_repos_1_logs_1_"+itoa(int64(i)), get(apiWP+"/logs/1/"+itoa(int64(i))))
	}
	r("ERR_GET_api_repos_1_logs_1_99__unknown_step", get(apiWP+"/logs/1/99"))
	r("ERR_GET_api_repos_1_logs_999_1__unknown_pipeline", get(apiWP+"/logs/999/1"))
	r("ERR_GET_api_repos_1_logs_1_abc__bad_step_id", get(apiWP+"/logs/1/abc"))

	// 05:04:29 manual pipeline 2 passes.
	clock.at(t, "05:04:29")
	r("POST_api_repos_1_pipelines__create_manual", postJSON(apiWP+"/pipelines", `{"branch":"main","variables":{"NOISY_PASS":"1"}}`))
	queued(s, 2)
	s.UpdateBuild(helloWP, 2, func(b *BuildSpec) { b.Status, b.Stages[0].Status = drone.StatusRunning, drone.StatusRunning })
	r("GET_api_repos_1_pipelines_2__right_after_create", get(apiWP+"/pipelines/2"))
	for i, st := range wpSteps(t, true, 0, false) {
		runStep(s, 2, 0, i, st)
	}
	s.UpdateBuild(helloWP, 2, func(b *BuildSpec) { b.Status, b.Stages[0].Status = drone.StatusSuccess, drone.StatusSuccess })
	r("GET_api_repos_1_pipelines_2__success", get(apiWP+"/pipelines/2"))
	r("ERR_POST_api_repos_1_pipelines__create_unknown_branch", postJSON(apiWP+"/pipelines", `{"branch":"nope"}`))
	r("ERR_POST_api_repos_1_pipelines__create_bad_json", postJSON(apiWP+"/pipelines", `{"branch":`))
	r("ERR_POST_api_repos_999_pipelines__create_unknown_repo", postJSON("/api/repos/999/pipelines", `{"branch":"main"}`))

	// 05:04:38 manual pipeline 3 sleeps 90 s and is cancelled while greet runs.
	clock.at(t, "05:04:38")
	r("POST_api_repos_1_pipelines__create_manual_sleep", postJSON(apiWP+"/pipelines", `{"branch":"main","variables":{"SLEEP":"90"}}`))
	queued(s, 3)
	s.UpdateBuild(helloWP, 3, func(b *BuildSpec) { b.Status, b.Stages[0].Status = drone.StatusRunning, drone.StatusRunning })
	runStep(s, 3, 0, 0, StepSpec{Name: "clone", Status: drone.StatusSuccess, Log: cloneLog(t)})
	greet := greetLog(90)
	s.UpdateBuild(helloWP, 3, func(b *BuildSpec) { b.Stages[0].Steps[1].Status = drone.StatusRunning })
	appendGreet(s, 3, greet, 0, 13)
	r("GET_api_repos_1_pipelines_3__running", get(apiWP+"/pipelines/3"))
	appendGreet(s, 3, greet, 13, 19)
	used["GET_api_stream_logs_1_3_10__running_step"] = true
	compareLogStream(t, s, "GET_api_stream_logs_1_3_10__running_step", "/api/stream/logs/1/3/10")
	r("GET_api_repos_1_logs_3_10__running_step", get(apiWP+"/logs/3/10"))
	r("GET_api_repos_1_pipelines__running", get(apiWP+"/pipelines"))
	r("GET_api_repos_1_pipelines__status_running", get(apiWP+"/pipelines?status=running"))
	r("GET_api_user_feed__running", get("/api/user/feed"))
	r("GET_api_user_repos__running", get("/api/user/repos"))
	r("GET_api_repos_1_pipelines_latest__while_3_running", get(apiWP+"/pipelines/latest"))
	appendGreet(s, 3, greet, 19, 27)
	r("POST_api_repos_1_pipelines_3_cancel", post(apiWP+"/pipelines/3/cancel"))
	r("GET_api_repos_1_pipelines_3__killed", get(apiWP+"/pipelines/3"))
	r("GET_api_repos_1_logs_3_10__after_cancel", get(apiWP+"/logs/3/10"))
	r("ERR_POST_api_repos_1_pipelines_3_cancel__already_killed", post(apiWP+"/pipelines/3/cancel"))
	r("ERR_POST_api_repos_1_pipelines_1_cancel__finished", post(apiWP+"/pipelines/1/cancel"))
	r("ERR_POST_api_repos_1_pipelines_999_cancel__unknown", post(apiWP+"/pipelines/999/cancel"))
	used["ERR_GET_api_stream_logs_1_3_10__step_finished"] = true
	compareLogStream(t, s, "ERR_GET_api_stream_logs_1_3_10__step_finished", "/api/stream/logs/1/3/10")

	// 05:05:18 manual pipeline 4 sleeps 6 s; its greet log is streamed to the end.
	clock.at(t, "05:05:18")
	r("POST_api_repos_1_pipelines__create_manual_sleep6", postJSON(apiWP+"/pipelines", `{"branch":"main","variables":{"SLEEP":"6"}}`))
	queued(s, 4)
	s.UpdateBuild(helloWP, 4, func(b *BuildSpec) { b.Status, b.Stages[0].Status = drone.StatusRunning, drone.StatusRunning })
	steps4 := wpSteps(t, false, 6, false)
	runStep(s, 4, 0, 0, steps4[0])
	s.UpdateBuild(helloWP, 4, func(b *BuildSpec) { b.Stages[0].Steps[1].Status = drone.StatusRunning })
	follow := openStream(t, s, "/api/stream/logs/1/4/14")
	appendGreet(s, 4, steps4[1].Log, 0, len(steps4[1].Log))
	s.UpdateBuild(helloWP, 4, func(b *BuildSpec) { b.Stages[0].Steps[1] = steps4[1] })
	used["GET_api_stream_logs_1_4_14__until_eof"] = true
	follow.compare(t, "GET_api_stream_logs_1_4_14__until_eof")
	for i := 2; i < 4; i++ {
		runStep(s, 4, 0, i, steps4[i])
	}
	s.UpdateBuild(helloWP, 4, func(b *BuildSpec) { b.Status, b.Stages[0].Status = drone.StatusFailure, drone.StatusFailure })
	r("GET_api_repos_1_pipelines_4__failure_after_sleep", get(apiWP+"/pipelines/4"))

	// 05:05:35 restarts of pipeline 1.
	clock.at(t, "05:05:35")
	r("POST_api_repos_1_pipelines_1__restart", post(apiWP+"/pipelines/1"))
	queued(s, 5)
	runAll(s, 5, 0, drone.StatusFailure, wpSteps(t, false, 0, false))
	r("GET_api_repos_1_pipelines_5__restarted_failure", get(apiWP+"/pipelines/5"))
	clock.at(t, "05:05:39")
	r("POST_api_repos_1_pipelines_1__restart_with_param", post(apiWP+"/pipelines/1?NOISY_PASS=1"))
	r("ERR_POST_api_repos_1_pipelines_999__restart_unknown", post(apiWP+"/pipelines/999"))
	r("ERR_POST_api_repos_1_pipelines_1__deploy_not_allowed", post(apiWP+"/pipelines/1?event=deployment&deploy_to=production"))
	r("ERR_POST_api_repos_1_pipelines_1__restart_bad_event", post(apiWP+"/pipelines/1?event=push"))
	queued(s, 6)
	runAll(s, 6, 0, drone.StatusSuccess, wpSteps(t, true, 0, false))
	r("GET_api_repos_1_pipelines_6__restarted_with_param_success", get(apiWP+"/pipelines/6"))

	// 05:05:53 approval for every event: push 2 is blocked, then approved.
	clock.at(t, "05:05:53")
	r("PATCH_api_repos_1__require_approval_all_events", wpReq{method: "PATCH", path: apiWP, token: withToken, body: `{"require_approval":"all_events"}`})
	r("ERR_PATCH_api_repos_1__bad_approval_mode", wpReq{method: "PATCH", path: apiWP, token: withToken, body: `{"require_approval":"sometimes"}`})
	clock.at(t, "05:05:55")
	blocked := func(sha, msg string) int64 {
		stages := pendingWorkflow(t, mainSteps...)
		stages[0].Status = drone.StatusBlocked
		for i := range stages[0].Steps {
			stages[0].Steps[i].Status = drone.StatusBlocked
		}
		return s.AddBuild(helloWP, BuildSpec{Status: drone.StatusBlocked, Commit: sha, Message: msg, AuthorEmail: pushEmail,
			ChangedFiles: []string{"README.md"}, Stages: stages})
	}
	blocked("e593a402c7cdfd920250440a770860e1b041530c", "push 2: needs approval\n")
	r("GET_api_repos_1_pipelines_7__blocked", get(apiWP+"/pipelines/7"))
	r("ERR_POST_api_repos_1_pipelines_7__restart_blocked", post(apiWP+"/pipelines/7"))
	clock.at(t, "05:05:57")
	r("POST_api_repos_1_pipelines_7_approve", post(apiWP+"/pipelines/7/approve"))
	queued(s, 7)
	s.UpdateBuild(helloWP, 7, func(b *BuildSpec) { b.Status, b.Stages[0].Status = drone.StatusRunning, drone.StatusRunning })
	r("ERR_POST_api_repos_1_pipelines_7_approve__not_blocked", post(apiWP+"/pipelines/7/approve"))
	r("ERR_POST_api_repos_1_pipelines_999_approve__unknown", post(apiWP+"/pipelines/999/approve"))
	for i, st := range wpSteps(t, false, 0, false) {
		runStep(s, 7, 0, i, st)
	}
	s.UpdateBuild(helloWP, 7, func(b *BuildSpec) { b.Status, b.Stages[0].Status = drone.StatusFailure, drone.StatusFailure })
	r("GET_api_repos_1_pipelines_7__approved_finished", get(apiWP+"/pipelines/7"))

	clock.at(t, "05:06:08")
	blocked(sha8, "push 3: will be declined\n")
	r("GET_api_repos_1_pipelines_8__blocked", get(apiWP+"/pipelines/8"))
	clock.at(t, "05:06:11")
	r("POST_api_repos_1_pipelines_8_decline", post(apiWP+"/pipelines/8/decline"))
	r("GET_api_repos_1_pipelines_8__declined", get(apiWP+"/pipelines/8"))
	r("ERR_POST_api_repos_1_pipelines_8_decline__already_declined", post(apiWP+"/pipelines/8/decline"))
	r("ERR_POST_api_repos_1_pipelines_8_approve__declined", post(apiWP+"/pipelines/8/approve"))
	clock.at(t, "05:06:14")
	blocked(sha9, "push 4: blocked then canceled\n")
	r("GET_api_repos_1_pipelines__with_blocked", get(apiWP+"/pipelines?status=blocked"))
	clock.at(t, "05:06:15")
	r("POST_api_repos_1_pipelines_9_cancel__blocked", post(apiWP+"/pipelines/9/cancel"))
	r("GET_api_repos_1_pipelines_9__canceled_while_blocked", get(apiWP+"/pipelines/9"))

	// 05:06:22 deployments allowed: pipeline 2 deployed to production.
	clock.at(t, "05:06:22")
	r("PATCH_api_repos_1__allow_deploy", wpReq{method: "PATCH", path: apiWP, token: withToken, body: `{"allow_deploy":true,"require_approval":"forks"}`})
	r("POST_api_repos_1_pipelines_2__deploy", post(apiWP+"/pipelines/2?event=deployment&deploy_to=production&deploy_task=migrate&NOISY_PASS=1"))
	queued(s, 10)
	runAll(s, 10, 0, drone.StatusSuccess, wpSteps(t, true, 0, true))
	r("GET_api_repos_1_pipelines_10__deployment", get(apiWP+"/pipelines/10"))
	r("GET_api_repos_1_logs_10_45__deploy_step", get(apiWP+"/logs/10/45"))
	clock.at(t, "05:06:37")
	r("GET_api_repos_1_pipelines", get(apiWP+"/pipelines"))
	r("GET_api_repos_1_pipelines__page2_perPage3", get(apiWP+"/pipelines?page=2&perPage=3"))
	r("GET_api_repos_1_pipelines__page9_perPage3_past_end", get(apiWP+"/pipelines?page=9&perPage=3"))
	r("GET_api_repos_1_pipelines__perPage100_clamped", get(apiWP+"/pipelines?perPage=100"))
	r("GET_api_repos_1_pipelines__event_deployment", get(apiWP+"/pipelines?event=deployment"))
	r("GET_api_repos_1_pipelines__status_failure", get(apiWP+"/pipelines?status=failure"))
	r("ERR_GET_api_repos_1_pipelines__bad_status", get(apiWP+"/pipelines?status=green"))
	r("ERR_GET_api_repos_1_pipelines__bad_event", get(apiWP+"/pipelines?event=build"))
	r("GET_api_repos_1_pipelines__after", get(apiWP+"/pipelines?after=2026-12-04T05:05:38Z"))

	// 05:06:46 two more forge repositories, activated.
	clock.at(t, "05:06:46")
	s.AddRepo(secretWP, RepoOptions{Private: true, Inactive: true})
	s.AddRepo(scratchWP, RepoOptions{Inactive: true})
	r("GET_api_user_repos_all", get("/api/user/repos?all=true"))
	r("POST_api_repos__activate_private", post("/api/repos?forge_remote_id=2"))
	r("POST_api_repos__activate_scratch", post("/api/repos?forge_remote_id=3"))

	// 05:06:56 errors and tokens.
	r("ERR_GET_api_repos_999__unknown_repo", get("/api/repos/999"))
	r("ERR_GET_api_repos_abc__non_numeric_id", get("/api/repos/abc"))
	r("ERR_GET_api_repos_lookup_octo_unknown", get("/api/repos/lookup/octo/unknown"))
	r("ERR_GET_api_repos_lookup_unknown-owner_unknown", get("/api/repos/lookup/unknown-owner/unknown"))
	r("ERR_GET_api_repos_1_pipelines_999__unknown_pipeline", get(apiWP+"/pipelines/999"))
	r("ERR_GET_api_repos_1_pipelines_abc", get(apiWP+"/pipelines/abc"))
	r("ERR_GET_api_repos_999_pipelines__unknown_repo", get("/api/repos/999/pipelines"))
	r("ERR_GET_api_user__bad_token", wpReq{method: "GET", path: "/api/user", token: badToken})
	r("ERR_GET_api_user__no_token", wpReq{method: "GET", path: "/api/user"})
	r("EDGE_GET_api_repos_1_pipelines__bad_token_public_repo", wpReq{method: "GET", path: apiWP + "/pipelines", token: badToken})
	r("EDGE_GET_api_repos_1__no_token_public_repo", wpReq{method: "GET", path: apiWP})
	r("ERR_GET_api_repos_2__no_token_private_repo", wpReq{method: "GET", path: "/api/repos/2"})
	r("ERR_GET_api_repos_2__bad_token_private_repo", wpReq{method: "GET", path: "/api/repos/2", token: badToken})
	r("ERR_GET_api_repos_999__no_token_unknown_repo", wpReq{method: "GET", path: "/api/repos/999"})
	r("ERR_GET_api_repos_lookup_octo_secret-stuff__no_token", wpReq{method: "GET", path: "/api/repos/lookup/octo/secret-stuff"})
	r("GET_api_repos_lookup_octo_secret-stuff", get("/api/repos/lookup/octo/secret-stuff"))
	r("ERR_POST_api_repos_1_pipelines__create_no_token", wpReq{method: "POST", path: apiWP + "/pipelines", body: `{"branch":"main"}`})
	r("ERR_POST_api_repos_1_pipelines_1_cancel__bad_token", wpReq{method: "POST", path: apiWP + "/pipelines/1/cancel", token: badToken})
	r("ERR_GET_api_user__basic_auth", wpReq{method: "GET", path: "/api/user", token: "Basic b2N0bzpwYXNzd29yZA=="})
	r("ERR_GET_api_user__token_scheme_not_bearer", wpReq{method: "GET", path: "/api/user", token: "token " + s.Token})
	r("GET_api_user__access_token_query", wpReq{method: "GET", path: "/api/user?access_token=" + s.Token})

	// 05:07:14 token again, config, latest, badges, feeds.
	clock.at(t, "05:07:14")
	r("POST_api_user_token__bearer", post("/api/user/token"))
	r("GET_api_repos_1_pipelines_1_config", get(apiWP+"/pipelines/1/config"))
	r("GET_api_repos_1_pipelines_latest__branch_main", get(apiWP+"/pipelines/latest?branch=main"))
	r("ERR_GET_api_repos_1_pipelines_latest__unknown_branch", get(apiWP+"/pipelines/latest?branch=nope"))
	r("GET_api_badges_1_status.svg", wpReq{method: "GET", path: "/api/badges/1/status.svg"})
	r("GET_api_badges_octo_hello-wp_status.svg", wpReq{method: "GET", path: "/api/badges/octo/hello-wp/status.svg?branch=main"})
	r("GET_api_user_feed", get("/api/user/feed"))
	r("GET_api_user_feed__latest", get("/api/user/feed?latest=true"))
	r("GET_api_user_repos", get("/api/user/repos"))
	r("GET_api_user_repos__name_filter", get("/api/user/repos?name=hello"))
	r("GET_api_repos_1__final", get(apiWP))
	r("GET_api_pipelines__admin_queue", get("/api/pipelines"))
	r("GET_api_queue_info", get("/api/queue/info"))
	for i := 5; i <= 8; i++ {
		r("GET_api_repos_1_logs_2_"+itoa(int64(i)), get(apiWP+"/logs/2/"+itoa(int64(i))))
	}
	r("EDGE_POST_api_repos_2_pipelines__create_no_config_filtered", postJSON("/api/repos/2/pipelines", `{"branch":"main"}`))

	// 05:07:31 the scratch repository deactivated, then removed.
	clock.at(t, "05:07:31")
	r("DELETE_api_repos_3__deactivate", wpReq{method: "DELETE", path: "/api/repos/3", token: withToken})
	r("GET_api_repos_3__inactive", get("/api/repos/3"))
	r("GET_api_repos_3_pipelines__inactive", get("/api/repos/3/pipelines"))
	r("ERR_POST_api_repos_3_pipelines__create_inactive", postJSON("/api/repos/3/pipelines", `{"branch":"main"}`))
	r("EDGE_DELETE_api_repos_3__deactivate_again", wpReq{method: "DELETE", path: "/api/repos/3", token: withToken})
	r("DELETE_api_repos_3__remove", wpReq{method: "DELETE", path: "/api/repos/3?remove=true", token: withToken})
	r("ERR_GET_api_repos_3__after_remove", get("/api/repos/3"))
	r("ERR_DELETE_api_repos_999__unknown", wpReq{method: "DELETE", path: "/api/repos/999", token: withToken})

	// 05:07:35 invalid YAML on branch broken: pipeline 11 (id 12) errors.
	clock.at(t, "05:07:35")
	s.AddBuild(helloWP, BuildSpec{Status: drone.StatusError, Branch: "broken", Commit: "046833283b8645c6d668662a7ab68195a69c55eb",
		Message: "broken yaml\n", AuthorEmail: pushEmail, ChangedFiles: []string{".woodpecker.yaml"},
		Error: "go-yaml load error in parser (while parsing a flow sequence) at L4.C15-L5.C1: did not find expected ',' or ']'"})
	r("GET_api_repos_1_pipelines_11__yaml_error", get(apiWP+"/pipelines/11"))

	// 05:07:45 manual pipeline 12, heard on an anonymous stream too.
	clock.at(t, "05:07:45")
	anon := recordEvents(t, s, "")
	r("POST_api_repos_1_pipelines__create_manual_pass", postJSON(apiWP+"/pipelines", `{"branch":"main","variables":{"NOISY_PASS":"1"}}`))
	queued(s, 12)
	runAll(s, 12, 0, drone.StatusSuccess, wpSteps(t, true, 0, false))
	used["GET_api_stream_events__anonymous"], used["GET_api_stream_events"] = true, true
	compareFrames(t, "GET_api_stream_events__anonymous", anon.waitFrames(t, 13))
	compareFrames(t, "GET_api_stream_events", events.waitFrames(t, 118))
	clock.at(t, "05:08:18")
	r("GET_api_repos_1_pipelines_12__success", get(apiWP+"/pipelines/12"))
	// GET_api_repos_1_pipelines__final and GET_api_user_feed__final were
	// recorded here too; the files hold the later answers, replayed below.

	old := s.Token
	r("DELETE_api_user_token__rotate", wpReq{method: "DELETE", path: "/api/user/token", token: withToken})
	r("ERR_GET_api_user__old_token_after_rotate", wpReq{method: "GET", path: "/api/user", token: "Bearer " + old})
	r("GET_api_user__new_token_after_rotate", get("/api/user"))

	// 05:09:35 the queue paused: pipeline 13 waits and is cancelled.
	clock.at(t, "05:09:35")
	r("POST_api_queue_pause", post("/api/queue/pause"))
	r("POST_api_repos_1_pipelines__create_while_queue_paused", postJSON(apiWP+"/pipelines", `{"branch":"main"}`))
	r("GET_api_repos_1_pipelines_13__pending_queue_paused", get(apiWP+"/pipelines/13"))
	r("GET_api_queue_info__paused_one_pending", get("/api/queue/info"))
	r("GET_api_pipelines__admin_queue_one_pending", get("/api/pipelines"))
	r("POST_api_repos_1_pipelines_13_cancel__pending", post(apiWP+"/pipelines/13/cancel"))
	r("GET_api_repos_1_pipelines_13__canceled_before_start", get(apiWP+"/pipelines/13"))
	r("POST_api_queue_resume", post("/api/queue/resume"))

	// 05:09:46 manual pipeline 14: the log of its pending noisy-fail step.
	clock.at(t, "05:09:46")
	r("POST_api_repos_1_pipelines__create_manual_sleep8", postJSON(apiWP+"/pipelines", `{"branch":"main","variables":{"SLEEP":"8"}}`))
	queued(s, 14)
	s.UpdateBuild(helloWP, 14, func(b *BuildSpec) { b.Status, b.Stages[0].Status = drone.StatusRunning, drone.StatusRunning })
	steps14 := wpSteps(t, false, 8, false)
	runStep(s, 14, 0, 0, steps14[0])
	s.UpdateBuild(helloWP, 14, func(b *BuildSpec) { b.Stages[0].Steps[1].Status = drone.StatusRunning })
	r("GET_api_repos_1_logs_14_56__pending_step", get(apiWP+"/logs/14/56"))
	follow = openStream(t, s, "/api/stream/logs/1/14/56")
	s.UpdateBuild(helloWP, 14, func(b *BuildSpec) { b.Stages[0].Steps[1] = steps14[1] })
	runStep(s, 14, 0, 2, steps14[2])
	runStep(s, 14, 0, 3, steps14[3])
	used["GET_api_stream_logs_1_14_56__opened_while_pending"] = true
	follow.compare(t, "GET_api_stream_logs_1_14_56__opened_while_pending")
	s.UpdateBuild(helloWP, 14, func(b *BuildSpec) { b.Status, b.Stages[0].Status = drone.StatusFailure, drone.StatusFailure })

	// Pipeline 15 repeats 14 (not recorded); 16 has two workflows.
	clock.at(t, "05:10:05")
	r15 := wpSend(t, s, postJSON(apiWP+"/pipelines", `{"branch":"main","variables":{"SLEEP":"8"}}`))
	if r15.status != 200 {
		t.Fatalf("create 15 = %d", r15.status)
	}
	queued(s, 15)
	runAll(s, 15, 0, drone.StatusFailure, wpSteps(t, false, 8, false))
	clock.at(t, "05:10:28")
	addMulti(t, s)
	r("GET_api_repos_1_pipelines_16__multi_workflow", get(apiWP+"/pipelines/16"))
	r("GET_api_repos_1_logs_16_65__exit_3", get(apiWP+"/logs/16/65"))
	r("GET_api_repos_1_pipelines__branch_multi", get(apiWP+"/pipelines?branch=multi"))
	r("ERR_GET_api_repos_1_logs_16_5__pid_instead_of_step_id", get(apiWP+"/logs/16/5"))
	r("ERR_GET_api_repos_1_logs_1_65__step_of_other_pipeline", get(apiWP+"/logs/1/65"))
	r("GET_api_user_feed__after_multi", get("/api/user/feed"))

	// 05:10:45 push to green passes; its pull request too.
	clock.at(t, "05:10:45")
	shaGreen := "f021cbcda7718ad271472febd75142f0f1447ba1"
	n17 := forgePush(s, BuildSpec{Branch: "green", Commit: shaGreen, Message: "add pass.txt so noisy-fail passes\n", AuthorEmail: pushEmail,
		ChangedFiles: []string{"pass.txt"}, Stages: pendingWorkflow(t, mainSteps...)})
	runAll(s, n17, 0, drone.StatusSuccess, wpSteps(t, true, 0, false))
	clock.at(t, "05:10:49")
	n18 := forgePush(s, BuildSpec{Event: drone.EventPullRequest, Branch: "main", Source: "green", Commit: shaGreen, Title: "Green PR",
		Message: "Green PR", AuthorEmail: pushEmail, Ref: "refs/pull/1/head", Link: forgeWP + "/octo/hello-wp/pulls/1",
		ChangedFiles: []string{"pass.txt"}, Stages: pendingWorkflow(t, mainSteps...)})
	runAll(s, n18, 0, drone.StatusSuccess, wpSteps(t, true, 0, false))
	r("GET_api_repos_1_pipelines__after_pr", get(apiWP+"/pipelines?perPage=4"))
	r("GET_api_repos_1_pipelines_18__pull_request_success", get(apiWP+"/pipelines/18"))
	r("GET_api_repos_1_pipelines_17__push_green_success", get(apiWP+"/pipelines/17"))
	r("GET_api_repos_1_pull_requests", get(apiWP+"/pull_requests"))
	r("GET_api_user_repos__final", get("/api/user/repos"))
	r("GET_api_repos_1_pipelines__final", get(apiWP+"/pipelines"))
	r("GET_api_user_feed__final", get("/api/user/feed"))
	r("GET_api_user_repos__name_exact", get("/api/user/repos?name=hello-wp"))
}

// everyRecordingUsed fails for a recording the replay left out.
func everyRecordingUsed(t *testing.T, used map[string]bool) {
	files, err := filepath.Glob(filepath.Join(fixturesDir, dirWP, "*.status"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings: %v", err)
	}
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".status"); !used[name] {
			t.Errorf("recording %s is not replayed", name)
		}
	}
	if len(files) != len(used) {
		t.Errorf("%d recordings, %d replayed", len(files), len(used))
	}
}

const (
	sha8 = "5512f0bb6911ceb4ab1556816292bd74865c7500"
	sha9 = "7ba9c830fc9f18be605f2b4f9fa62d6256a765e2"
)

// appendGreet streams lines [from, to) of a greet log: the ticks come one
// a second after the three lines of the start.
func appendGreet(s *Server, n int64, lines []string, from, to int) {
	for i := from; i < to; i++ {
		s.AppendLog(helloWP, n, 0, 1, greetTime(i), lines[i])
	}
}

// compareLogStream reads a log stream as far as its recording goes and
// compares the two.
func compareLogStream(t *testing.T, s *Server, fixture, path string) {
	t.Helper()
	want := loadStreamFixture(t, fixture)
	n := strings.Count(string(want.body), "data: {")
	var status int
	var ct, body string
	if n == 0 {
		status, ct, body = streamText(t, s, path) // an error ends the stream
	} else {
		status, ct, body = streamUntil(t, s, path, n)
	}
	compareStream(t, fixture, status, ct, body)
}

// lintEvent is the linter's remark on a step without an event filter.
func lintEvent(file, step string) Warning {
	return Warning{Type: "bad_habit", Message: "Consider adding a `when` block with an `event` filter to this step or the entire workflow",
		Data: map[string]string{"docs": "https://woodpecker-ci.org/docs/usage/linter#event-filter-for-all-steps", "field": "steps." + step, "file": file}}
}

// addMulti is pipeline 16 on branch multi: workflows build and test, test
// failing with exit 3.
func addMulti(t *testing.T, s *Server) {
	unit, _ := wpLogLines(t, "GET_api_repos_1_logs_16_65__exit_3")
	two := func(name string) []string { return []string{"+ echo " + name, name} }
	stages := []StageSpec{
		{Name: "build", Status: drone.StatusPending, Steps: []StepSpec{{Name: "clone"}, {Name: "compile"}}},
		{Name: "test", Status: drone.StatusPending, Steps: []StepSpec{{Name: "clone"}, {Name: "unit"}}},
	}
	n := s.AddBuild(helloWP, BuildSpec{Status: drone.StatusPending, Branch: "multi", Commit: "026f2d0a4b37904a11860475504a34c98d0fab0f",
		Message: "multi workflow\n", AuthorEmail: pushEmail,
		ChangedFiles: []string{".woodpecker/build.yaml", ".woodpecker/test.yaml", ".woodpecker.yaml"}, Stages: stages,
		Warnings: []Warning{lintEvent("build", "compile"), lintEvent("test", "unit")}})
	s.UpdateBuild(helloWP, n, func(b *BuildSpec) {
		b.Status = drone.StatusFailure
		b.Stages[0].Status, b.Stages[1].Status = drone.StatusSuccess, drone.StatusFailure
		b.Stages[0].Steps = []StepSpec{{Name: "clone", Status: drone.StatusSuccess, Log: cloneLog(t)}, {Name: "compile", Status: drone.StatusSuccess, Log: two("compiling")}}
		b.Stages[1].Steps = []StepSpec{{Name: "clone", Status: drone.StatusSuccess, Log: cloneLog(t)}, {Name: "unit", Status: drone.StatusFailure, ExitCode: 3, Log: unit}}
	})
}
