package route

import (
	"fmt"
	"testing"

	"github.com/dronebot/dronebot/notify"
)

func TestMatch(t *testing.T) {
	routes := []Route{
		{Repos: []string{"octo/*"}, Branches: []string{"main", "release/*"}, Events: []string{"push", "custom"},
			On: []string{"failure", "fixed"}, To: []string{"team-wecom", "oncall-mail"}, MentionAuthor: true, Lang: "zh"},
		{Repos: []string{"octo/demo"}, On: []string{"all"}, To: []string{"audit-hook", "team-wecom"}, Lang: "en"},
		{Repos: []string{"*"}, Branches: []string{"*"}, On: []string{"killed"}, To: []string{"killed-hook"}},
		{To: []string{"everything"}}, // defaults: every repo, branch and event; failure and fixed
	}
	alert := func(repo, branch, event string, o notify.Outcome) *notify.Alert {
		return &notify.Alert{Repo: repo, Branch: branch, Event: event, Outcome: o}
	}
	tests := []struct {
		name string
		a    *notify.Alert
		want string
	}{
		{"first route wins lang and mention for a shared destination",
			alert("octo/demo", "main", "push", notify.OutcomeFailure),
			"[{team-wecom zh true} {oncall-mail zh true} {audit-hook en false} {everything  false}]"},
		{"branch glob", alert("octo/api", "release/1.2", "custom", notify.OutcomeFixed),
			"[{team-wecom zh true} {oncall-mail zh true} {everything  false}]"},
		{"event filtered out, all still matches", alert("octo/demo", "main", "pull_request", notify.OutcomeSuccess),
			"[{audit-hook en false} {team-wecom en false}]"},
		{"still_failing is not failure", alert("octo/api", "main", "push", notify.OutcomeStillFailing), "[]"},
		{"other repo, default route", alert("other/x", "dev", "tag", notify.OutcomeFailure), "[{everything  false}]"},
		{"a lone * matches every repository and branch", alert("other/x", "feature/login", "push", notify.OutcomeKilled), "[{killed-hook  false}]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(Match(routes, tt.a)); got != tt.want {
				t.Errorf("Match = %s, want %s", got, tt.want)
			}
		})
	}
}
