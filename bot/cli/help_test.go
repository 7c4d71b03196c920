package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func TestSubcommandHelp(t *testing.T) {
	for _, cmd := range subcommands() {
		for _, args := range [][]string{{"help", cmd.name}, {cmd.name, "--help"}, {cmd.name, "-h"}} {
			code, out, errOut := runMain(t, t.Context(), args...)
			if code != 0 || errOut != "" {
				t.Errorf("%q: exit %d, stderr %q", args, code, errOut)
			}
			mustHave := []string{"dronebot " + cmd.usage + "\n", "\nExamples:\n  dronebot " + cmd.name}
			if len(cmd.args) > 0 {
				mustHave = append(mustHave, "\nArguments:\n")
			}
			for _, want := range mustHave {
				if !strings.Contains(out, want) {
					t.Errorf("%q: help lacks %q:\n%s", args, want, out)
				}
			}
			if cmd.about == "" {
				t.Errorf("%s has no description", cmd.name)
			}
		}
	}
	_, out, _ := runMain(t, t.Context(), "exec", "--help")
	for _, want := range []string{"--as PLATFORM:ID", "--format text", "--wait ", "--config FILE", "'/command ...'"} {
		if !strings.Contains(out, want) {
			t.Errorf("exec --help lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "-config file") || strings.Contains(out, "Usage of") {
		t.Errorf("exec --help shows raw flag output:\n%s", out)
	}
}

func TestUnknownSubcommandSuggests(t *testing.T) {
	for args, want := range map[string]string{
		"chek":      `unknown command "chek"; did you mean check?`,
		"exce":      "did you mean exec?",
		"help chek": `unknown command "chek"; did you mean check?`,
	} {
		code, out, errOut := runMain(t, t.Context(), strings.Fields(args)...)
		if code != 2 || out != "" || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %q", args, code, out, errOut, want)
		}
	}
	code, _, errOut := runMain(t, t.Context(), "frobnicate")
	if code != 2 || strings.Contains(errOut, "did you mean") || !strings.Contains(errOut, "Usage:") {
		t.Errorf("far from every command: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runMain(t, t.Context(), "check", "--verbose")
	if code != 2 || !strings.Contains(errOut, "usage: dronebot check [--config FILE | FILE]\nRun 'dronebot check --help' for details.") {
		t.Errorf("bad flag: exit %d, stderr %q", code, errOut)
	}
}

func TestExecFormatJSON(t *testing.T) {
	fake, path := execWorld(t, "")
	fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusSuccess, Message: "green again"})
	code, out, errOut := runMain(t, t.Context(), "exec", "--config", path, "--format", "json", "/status octo/demo 1")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var got struct {
		Title  string `json:"title"`
		Level  string `json:"level"`
		Err    bool   `json:"error"`
		Fields []struct{ Name, Value string }
		Links  []struct{ Text, URL string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Title != "octo/demo #1: failure" || got.Level != "error" || got.Err || len(got.Fields) == 0 || len(got.Links) != 1 {
		t.Errorf("JSON reply = %+v", got)
	}
	code, out, _ = runMain(t, t.Context(), "exec", "--config", path, "--format", "json", "/status octo/nope")
	if code != 1 || !strings.Contains(out, `"error": true`) || !strings.Contains(out, "unknown repository octo/nope") {
		t.Errorf("failed command as JSON: exit %d\n%s", code, out)
	}
	if code, _, errOut = runMain(t, t.Context(), "exec", "--config", path, "--format", "yaml", "/help"); code != 2 || !strings.Contains(errOut, "--format is text or json") {
		t.Errorf("bad format: exit %d, stderr %q", code, errOut)
	}
}
