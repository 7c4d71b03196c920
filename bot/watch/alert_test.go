package watch

import (
	"strings"
	"testing"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func TestAlertMasksSecrets(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(string(dialect), func(t *testing.T) {
			h := newHarness(t, dialect)
			h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
			w := h.watcher(func(o *Options) {
				o.LogTail = 30
				o.Secrets = append(o.Secrets, "bot-own-secret-42")
			})
			h.cycle(w)

			secrets := []string{
				h.fake.Token, "bot-own-secret-42", "hunter2hunter2", "tok_abcdef123456",
				"AKIAIOSFODNN7EXAMPLE", "eyJhbGciOiJIUzI1NiJ9.payload.sig", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
				"urlkeyvalue987", "userpass777",
			}
			log := []string{
				"error: first failure uses " + h.fake.Token, // the cause, above the tail
			}
			for range 40 {
				log = append(log, "filler")
			}
			log = append(log,
				"echo bot-own-secret-42",
				"password=hunter2hunter2",
				"token: tok_abcdef123456",
				"aws AKIAIOSFODNN7EXAMPLE",
				"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
				"-----BEGIN PRIVATE KEY-----",
				"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
				"-----END PRIVATE KEY-----",
				"curl https://hooks.example.com/send?key=urlkeyvalue987",
				"git clone https://bot:userpass777@git.example.com/octo/demo.git",
				"exit status 1",
			)
			spec := failingBuild()
			spec.Stages[0].Steps[1].Log = log
			h.fake.AddBuild("octo/demo", spec)
			got := h.cycle(w)
			if len(got) != 1 || got[0].Log == nil {
				t.Fatalf("alerts = %s, want one failure with a log", outcomes(got))
			}
			text := got[0].Log.Cause + "\n" + strings.Join(got[0].Log.Lines, "\n")
			for _, b := range got[0].Log.Blocks {
				text += "\n" + strings.Join(b.Lines, "\n")
			}
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("secret %q left in the alert:\n%s", s, text)
				}
			}
			if !strings.Contains(text, "-----BEGIN PRIVATE KEY-----") || !strings.Contains(text, "curl https://hooks.example.com/send?key=") {
				t.Errorf("masking removed more than the secrets:\n%s", text)
			}
			if got[0].Log.CauseLine != 1 {
				t.Errorf("cause line = %d, want 1", got[0].Log.CauseLine)
			}
		})
	}
}

func TestAlertErroredBuildHasNoTail(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	w := h.watcher()
	h.cycle(w)
	h.fake.AddBuild("octo/demo", dronetest.BuildSpec{
		Status: drone.StatusError,
		Error:  "yaml: unmarshal errors:\n  line 27: cannot unmarshal !!map into string",
	})
	h.fake.ResetRequests()
	got := h.cycle(w)
	if outcomes(got) != "#1:failure" {
		t.Fatalf("alerts = %s, want #1:failure", outcomes(got))
	}
	if got[0].Log != nil || !strings.Contains(got[0].BuildError, "line 27") || got[0].Status != "error" {
		t.Fatalf("alert = %+v, want build error and no tail", got[0])
	}
	for _, r := range h.fake.Requests() {
		if strings.Contains(r.Path, "/logs/") {
			t.Fatalf("fetched a log for a build without steps: %+v", r)
		}
	}
}

func TestAlertLogNotAvailable(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	w := h.watcher()
	h.cycle(w)
	h.fake.AddBuild("octo/demo", failingBuild())
	h.fake.Fail("GET", "/api/repos/octo/demo/builds/1/logs/", 404, 1)
	got := h.cycle(w)
	if outcomes(got) != "#1:failure" {
		t.Fatalf("alerts = %s, want #1:failure", outcomes(got))
	}
	if got[0].Log != nil || len(got[0].FailedSteps) != 1 {
		t.Fatalf("alert = %+v, want the failed step and no tail", got[0])
	}
}
