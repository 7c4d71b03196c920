package dronetest

import (
	"net/http"
	"testing"

	"github.com/dronebot/dronebot/drone"
)

// The recorded Drone 2.25 server: octo/hello-drone with builds 1..7 (see
// fixtures/drone-2.25/README.md) and the private octo/secret-stuff.
const (
	dirV1       = "drone-2.25"
	helloV1     = "octo/hello-drone"
	secretV1    = "octo/secret-stuff"
	sha2        = "10eff6d0cce23a31087dad1cb0ed745b7914f26f"
	shaGreen    = "136801fb9075862ed592ad1c1bc9ab430106766e"
	authorEmail = "octo@example.local"
)

func newV1World(t *testing.T) *Server {
	t.Helper()
	s := New(drone.DialectV1)
	t.Cleanup(s.Close)
	s.SetForgeURL("http://127.0.0.1:3300")
	s.AddRepo(helloV1, RepoOptions{DefaultBranch: "master", Branches: []string{"green"}, Inactive: true, Unsynced: true})
	return s
}

// stepsV1 are the steps of the master pipeline with the recorded logs of
// build n (nil logs where the step has none).
func stepsV1(t *testing.T, n string, names []string, statuses []drone.Status, exits []int) []StepSpec {
	var steps []StepSpec
	for i, name := range names {
		st := StepSpec{Name: name, Status: statuses[i], ExitCode: exits[i]}
		if hasLog(statuses[i]) {
			st.LogChunks, st.LogTimes = fixtureChunks(t, dirV1, "GET_api_repos_octo_hello-drone_builds_"+n+"_logs_1_"+itoa(int64(i+1))+logSuffix(n))
		}
		steps = append(steps, st)
	}
	return steps
}

func logSuffix(n string) string {
	if n == "4" {
		return "__after_cancel"
	}
	return ""
}

var (
	masterSteps = []string{"clone", "greet", "noisy-fail", "notify"}
	greenSteps  = []string{"clone", "greet", "notify"}
	ok3         = []drone.Status{drone.StatusSuccess, drone.StatusSuccess, drone.StatusSuccess}
	failed4     = []drone.Status{drone.StatusSuccess, drone.StatusSuccess, drone.StatusFailure, drone.StatusSuccess}
)

// advanceV1 brings the world to the state after build upto, doing what the
// recording did (pushes via AddBuild, API builds via the API).
func advanceV1(t *testing.T, s *Server, upto int) {
	t.Helper()
	mustCall(t, s, "POST", "/api/user/repos", 200)
	mustCall(t, s, "POST", "/api/repos/"+helloV1, 200)
	finish := func(n int64, status drone.Status, steps []StepSpec) {
		s.UpdateBuild(helloV1, n, func(b *BuildSpec) {
			b.Status = status
			b.Stages = []StageSpec{{Name: "default", Type: "exec", Status: status, Steps: steps}}
		})
	}
	for n := 1; n <= upto; n++ {
		switch n {
		case 1:
			s.AddBuild(helloV1, BuildSpec{Status: drone.StatusError, Branch: "master",
				Error:  "yaml: unmarshal errors:\n  line 27: cannot unmarshal !!map into string",
				Commit: "4509e7875d9ab7ced8be63511db6b7da9cb591d6", Message: "add exec pipeline\n", AuthorEmail: authorEmail})
		case 2:
			s.AddBuild(helloV1, BuildSpec{Branch: "master", Commit: sha2, Message: "fix notify step quoting\n", AuthorEmail: authorEmail})
			finish(2, drone.StatusFailure, stepsV1(t, "2", masterSteps, failed4, []int{0, 0, 1, 0}))
		case 3:
			mustCall(t, s, "POST", "/api/repos/"+helloV1+"/builds", 200)
			finish(3, drone.StatusFailure, stepsV1(t, "3", masterSteps, failed4, []int{0, 0, 1, 0}))
		case 4:
			mustCall(t, s, "POST", "/api/repos/"+helloV1+"/builds/2", 200)
			finish(4, drone.StatusRunning, stepsV1(t, "4", masterSteps,
				[]drone.Status{drone.StatusSuccess, drone.StatusRunning, drone.StatusPending, drone.StatusPending}, []int{0, 0, 0, 0}))
			mustCall(t, s, "DELETE", "/api/repos/"+helloV1+"/builds/4", 200)
			s.UpdateBuild(helloV1, 4, func(b *BuildSpec) { // the killed step's log as uploaded
				b.Stages[0].Steps[1].LogChunks, b.Stages[0].Steps[1].LogTimes = fixtureChunks(t, dirV1, "GET_api_repos_octo_hello-drone_builds_4_logs_1_2__after_cancel")
			})
		case 5:
			mustCall(t, s, "POST", "/api/repos/"+helloV1+"/builds?branch=master&DEPLOY_TO=staging", 200)
			finish(5, drone.StatusFailure, stepsV1(t, "3", masterSteps, failed4, []int{0, 0, 1, 0}))
		case 6:
			s.AddBuild(helloV1, BuildSpec{Branch: "green", Commit: shaGreen, Message: "green branch: no failing step\n", AuthorEmail: authorEmail})
			finish(6, drone.StatusSuccess, stepsV1(t, "6", greenSteps, ok3, []int{0, 0, 0}))
		case 7:
			mustCall(t, s, "POST", "/api/repos/"+helloV1+"/builds?branch=green", 200)
			finish(7, drone.StatusSuccess, stepsV1(t, "6", greenSteps, ok3, []int{0, 0, 0}))
		}
	}
}

type replayCase struct {
	fixture, method, path, token string
}

func runReplays(t *testing.T, s *Server, dir string, cases []replayCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) { replay(t, s, dir, c.fixture, c.method, c.path, c.token) })
	}
}

const apiHello = "/api/repos/" + helloV1

func TestContractV1BeforeBuilds(t *testing.T) {
	s := newV1World(t)
	runReplays(t, s, dirV1, []replayCase{
		{"GET_version", "GET", "/version", noToken},
		{"GET_healthz", "GET", "/healthz", noToken},
		{"GET_api_user", "GET", "/api/user", withToken},
		{"ERR_GET_api_user__bad_token", "GET", "/api/user", badToken},
		{"ERR_GET_api_user__no_token", "GET", "/api/user", noToken},
		{"GET_api_user_repos__before_sync", "GET", "/api/user/repos", withToken},
		{"POST_api_user_repos__sync", "POST", "/api/user/repos", withToken},
		{"GET_api_user_repos", "GET", "/api/user/repos", withToken},
		{"GET_api_user_repos_latest", "GET", "/api/user/repos?latest=true", withToken},
		{"GET_api_repos_octo_hello-drone__before_enable", "GET", apiHello, withToken},
		{"POST_api_repos_octo_hello-drone__enable", "POST", apiHello, withToken},
		{"GET_api_repos_octo_hello-drone", "GET", apiHello, withToken},
	})
}

func TestContractV1RunningBuild2(t *testing.T) {
	s := newV1World(t)
	advanceV1(t, s, 1)
	runReplays(t, s, dirV1, []replayCase{
		{"GET_api_repos_octo_hello-drone_builds__after_yaml_error_build", "GET", apiHello + "/builds", withToken},
		{"GET_api_repos_octo_hello-drone_builds_1__yaml_error", "GET", apiHello + "/builds/1", withToken},
	})
	s.AddBuild(helloV1, BuildSpec{Branch: "master", Commit: sha2, Message: "fix notify step quoting\n", AuthorEmail: authorEmail,
		Status: drone.StatusRunning, Stages: []StageSpec{{Name: "default", Type: "exec", Status: drone.StatusRunning,
			Steps: []StepSpec{{Name: "clone", Status: drone.StatusSuccess}, {Name: "greet", Status: drone.StatusRunning},
				{Name: "noisy-fail"}, {Name: "notify"}}}}})
	runReplays(t, s, dirV1, []replayCase{
		{"GET_api_repos_octo_hello-drone_builds_2__running", "GET", apiHello + "/builds/2", withToken},
		{"GET_api_repos_octo_hello-drone_builds_2_logs_1_2__running", "GET", apiHello + "/builds/2/logs/1/2", withToken},
	})
}

func TestContractV1AfterBuild2(t *testing.T) {
	s := newV1World(t)
	advanceV1(t, s, 2)
	cases := []replayCase{
		{"GET_api_repos_octo_hello-drone_builds_2", "GET", apiHello + "/builds/2", withToken},
		{"GET_api_repos_octo_hello-drone_builds", "GET", apiHello + "/builds", withToken},
		{"GET_api_user_repos_latest__after_builds", "GET", "/api/user/repos?latest=true", withToken},
		{"GET_api_user_repos__after_builds", "GET", "/api/user/repos", withToken},
		{"GET_api_repos_octo_hello-drone__after_builds", "GET", apiHello, withToken},
		{"POST_api_repos_octo_hello-drone_builds__create", "POST", apiHello + "/builds", withToken},
	}
	runReplays(t, s, dirV1, cases)
	for i := 1; i <= 4; i++ {
		name := "GET_api_repos_octo_hello-drone_builds_2_logs_1_" + itoa(int64(i))
		t.Run(name, func(t *testing.T) {
			want := loadFixture(t, dirV1, name)
			assertMatches(t, want, call(t, s, "GET", apiHello+"/builds/2/logs/1/"+itoa(int64(i)), withToken), true)
		})
	}
}

func TestContractV1RestartAndCancel(t *testing.T) {
	s := newV1World(t)
	advanceV1(t, s, 3)
	runReplays(t, s, dirV1, []replayCase{
		{"GET_api_repos_octo_hello-drone_builds_3", "GET", apiHello + "/builds/3", withToken},
		{"GET_api_repos_octo_hello-drone_builds_3_logs_1_3", "GET", apiHello + "/builds/3/logs/1/3", withToken},
		{"POST_api_repos_octo_hello-drone_builds_2__restart", "POST", apiHello + "/builds/2", withToken},
	})
	s.UpdateBuild(helloV1, 4, func(b *BuildSpec) {
		b.Status = drone.StatusRunning
		b.Stages = []StageSpec{{Name: "default", Type: "exec", Status: drone.StatusRunning, Steps: []StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, LogChunks: []string{"x\n"}},
			{Name: "greet", Status: drone.StatusRunning, LogChunks: []string{"y\n"}}, {Name: "noisy-fail"}, {Name: "notify"}}}}
	})
	runReplays(t, s, dirV1, []replayCase{
		{"GET_api_repos_octo_hello-drone_builds_4__running_before_cancel", "GET", apiHello + "/builds/4", withToken},
		{"DELETE_api_repos_octo_hello-drone_builds_4__cancel", "DELETE", apiHello + "/builds/4", withToken},
		{"GET_api_repos_octo_hello-drone_builds_4__after_cancel", "GET", apiHello + "/builds/4", withToken},
		{"GET_api_repos_octo_hello-drone_builds_4_logs_1_3__after_cancel", "GET", apiHello + "/builds/4/logs/1/3", withToken},
		{"POST_api_repos_octo_hello-drone_builds__create_with_params", "POST", apiHello + "/builds?branch=master&DEPLOY_TO=staging", withToken},
	})
	// Build 5 was running when the token checks were recorded.
	s.UpdateBuild(helloV1, 5, func(b *BuildSpec) { b.Status = drone.StatusRunning })
	runReplays(t, s, dirV1, []replayCase{
		{"EDGE_GET_api_repos_octo_hello-drone_builds__bad_token", "GET", apiHello + "/builds", badToken},
		{"EDGE_GET_api_repos_octo_hello-drone_builds__no_token", "GET", apiHello + "/builds", noToken},
	})
}

func TestContractV1Final(t *testing.T) {
	s := newV1World(t)
	advanceV1(t, s, 5)
	runReplays(t, s, dirV1, []replayCase{
		{"GET_api_repos_octo_hello-drone_builds_5", "GET", apiHello + "/builds/5", withToken},
		{"GET_api_repos_octo_hello-drone_builds__page2_per_page2", "GET", apiHello + "/builds?page=2&per_page=2", withToken},
		{"GET_api_repos_octo_hello-drone_builds_latest", "GET", apiHello + "/builds/latest", withToken},
		{"GET_api_repos_octo_hello-drone_builds_latest__branch", "GET", apiHello + "/builds/latest?branch=master", withToken},
		{"GET_api_user_builds", "GET", "/api/user/builds", withToken},
		{"GET_api_repos_octo_hello-drone__final", "GET", apiHello, withToken},
		{"ERR_GET_api_repos_octo_unknown", "GET", "/api/repos/octo/does-not-exist", withToken},
		{"ERR_GET_api_repos_unknown-owner_unknown", "GET", "/api/repos/nobody/nothing", withToken},
		{"ERR_POST_api_repos_octo_hello-drone_builds__bad_token", "POST", apiHello + "/builds", badToken},
		{"ERR_GET_api_repos_octo_hello-drone_builds_999", "GET", apiHello + "/builds/999", withToken},
		{"ERR_GET_api_repos_octo_hello-drone_builds_abc", "GET", apiHello + "/builds/abc", withToken},
		{"ERR_GET_api_repos_octo_hello-drone_builds_2_logs_1_99__unknown_step", "GET", apiHello + "/builds/2/logs/1/99", withToken},
		{"ERR_GET_api_repos_octo_hello-drone_builds_2_logs_9_1__unknown_stage", "GET", apiHello + "/builds/2/logs/9/1", withToken},
		{"ERR_GET_api_repos_octo_hello-drone_builds_999_logs_1_1__unknown_build", "GET", apiHello + "/builds/999/logs/1/1", withToken},
		{"ERR_POST_api_repos_octo_hello-drone_builds_999__restart_unknown", "POST", apiHello + "/builds/999", withToken},
		{"ERR_DELETE_api_repos_octo_hello-drone_builds_999__cancel_unknown", "DELETE", apiHello + "/builds/999", withToken},
		{"EDGE_DELETE_api_repos_octo_hello-drone_builds_2__cancel_finished", "DELETE", apiHello + "/builds/2", withToken},
		{"ERR_POST_api_repos_octo_unknown__enable", "POST", "/api/repos/octo/does-not-exist", withToken},
		{"ERR_POST_api_repos_octo_unknown_builds__create", "POST", "/api/repos/octo/does-not-exist/builds", withToken},
		{"ERR_POST_api_repos_octo_hello-drone_builds__create_unknown_branch", "POST", apiHello + "/builds?branch=no-such-branch", withToken},
	})
	// The green branch and the private repository come next.
	s.AddRepo(secretV1, RepoOptions{DefaultBranch: "master", Private: true, Inactive: true, Unsynced: true})
	advanceGreen(t, s)
	runReplays(t, s, dirV1, []replayCase{
		{"GET_api_repos_octo_hello-drone_builds_6__success", "GET", apiHello + "/builds/6", withToken},
		{"GET_api_repos_octo_hello-drone_builds_6_logs_1_2", "GET", apiHello + "/builds/6/logs/1/2", withToken},
		{"GET_api_repos_octo_hello-drone_builds__final", "GET", apiHello + "/builds", withToken},
		{"POST_api_user_repos__sync2", "POST", "/api/user/repos", withToken},
		{"GET_api_repos_octo_secret-stuff__inactive", "GET", "/api/repos/" + secretV1, withToken},
		{"ERR_GET_api_repos_octo_secret-stuff__no_token", "GET", "/api/repos/" + secretV1, noToken},
		{"ERR_GET_api_repos_octo_secret-stuff__bad_token", "GET", "/api/repos/" + secretV1, badToken},
		{"EDGE_GET_api_repos_octo_secret-stuff_builds__inactive", "GET", "/api/repos/" + secretV1 + "/builds", withToken},
		{"ERR_POST_api_repos_octo_secret-stuff_builds__inactive", "POST", "/api/repos/" + secretV1 + "/builds", withToken},
		{"POST_api_repos_octo_secret-stuff__enable", "POST", "/api/repos/" + secretV1, withToken},
		{"ERR_GET_api_repos_octo_secret-stuff_builds__no_token", "GET", "/api/repos/" + secretV1 + "/builds", noToken},
		{"DELETE_api_repos_octo_secret-stuff__disable", "DELETE", "/api/repos/" + secretV1, withToken},
		{"GET_api_user_repos_latest__final", "GET", "/api/user/repos?latest=true", withToken},
		{"POST_api_repos_octo_hello-drone_builds__create_branch_green", "POST", apiHello + "/builds?branch=green", withToken},
	})
	s.UpdateBuild(helloV1, 7, func(b *BuildSpec) {
		b.Status = drone.StatusSuccess
		b.Stages = []StageSpec{{Name: "default", Type: "exec", Status: drone.StatusSuccess, Steps: stepsV1(t, "6", greenSteps, ok3, []int{0, 0, 0})}}
	})
	replay(t, s, dirV1, "GET_api_repos_octo_hello-drone_builds_7__success_api", "GET", apiHello+"/builds/7", withToken)
}

// advanceGreen adds build 6, the push to green.
func advanceGreen(t *testing.T, s *Server) {
	t.Helper()
	s.AddBuild(helloV1, BuildSpec{Branch: "green", Commit: shaGreen, Message: "green branch: no failing step\n", AuthorEmail: authorEmail,
		Status: drone.StatusSuccess, Stages: []StageSpec{{Name: "default", Type: "exec", Status: drone.StatusSuccess,
			Steps: stepsV1(t, "6", greenSteps, ok3, []int{0, 0, 0})}}})
	if got := call(t, s, http.MethodGet, apiHello+"/builds/6", withToken); got.status != 200 {
		t.Fatalf("build 6: %d", got.status)
	}
}
