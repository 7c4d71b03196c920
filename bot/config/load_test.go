package config

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/email"
	"github.com/dronebot/dronebot/notify/feishu"
	"github.com/dronebot/dronebot/notify/registry"
	"github.com/dronebot/dronebot/notify/webhook"
)

// base is the smallest valid configuration; cases append from line 4.
const base = `drone:
  server: https://drone.example.com
  token: t0ken
`

func mustParse(t *testing.T, text string, env map[string]string) (*Config, *Report) {
	t.Helper()
	cfg, rep, err := Parse("bot.yaml", []byte(text), envOf(env))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg, rep
}

// settingsOf is the type's own Config of the sink name.
func settingsOf[C notify.SinkConfig](t *testing.T, cfg *Config, name string) C {
	t.Helper()
	s, ok := cfg.Sinks[name]
	if !ok {
		t.Fatalf("no sink %s", name)
	}
	c, ok := s.Settings.(C)
	if !ok {
		t.Fatalf("sink %s has settings %T", name, s.Settings)
	}
	return c
}

func problemLines(rep *Report) []string {
	var out []string
	for _, p := range rep.Problems {
		kind := "error"
		if p.Warning {
			kind = "warning"
		}
		out = append(out, kind+" "+p.String())
	}
	return out
}

func TestParseMinimalHasNoProblems(t *testing.T) {
	cfg, rep := mustParse(t, base, nil)
	if len(rep.Problems) != 0 {
		t.Fatalf("problems: %q", problemLines(rep))
	}
	if err := cfg.Runnable(); err != nil {
		t.Errorf("Runnable() = %v", err)
	}
	if !cfg.Chat.Slack.Disabled || cfg.Chat.Slack.Enabled() || cfg.Chat.WeCom.Enabled() {
		t.Errorf("chat platforms left out must be disabled: %+v %+v", cfg.Chat.Slack, cfg.Chat.WeCom)
	}
}

func TestDefaults(t *testing.T) {
	cfg, _ := mustParse(t, base+`sinks:
  mail: {type: email, smtp: {host: mx.local}, from: a@b.c, to: [d@e.f]}
  tls: {type: email, smtp: {host: mx.local, security: tls}, from: a@b.c, to: [d@e.f]}
  fs: {type: feishu, url: "https://open.feishu.cn/open-apis/bot/v2/hook/x"}
routes:
  - to: [mail]
digests:
  - {name: d, schedule: "0 9 * * *", to: [mail]}
acl:
  write: ["slack:U1"]
`, nil)
	mail, tls := settingsOf[*email.Config](t, cfg, "mail"), settingsOf[*email.Config](t, cfg, "tls")
	checks := []struct {
		name      string
		got, want any
	}{
		{"lang", cfg.Lang, "en"},
		{"log.level", cfg.Log.Level, "info"},
		{"log.format", cfg.Log.Format, "text"},
		{"server.listen", cfg.Server.Listen, ":8080"},
		{"server.shutdown_timeout", cfg.Server.ShutdownTimeout.Std(), 20 * time.Second},
		{"drone.api", string(cfg.Drone.API), "auto"},
		{"drone.timeout", cfg.Drone.Timeout.Std(), 10 * time.Second},
		{"drone.log_timeout", cfg.Drone.LogTimeout.Std(), 2 * time.Minute},
		{"store.path", filepath.Base(cfg.Store.Path), "dronebot.db"},
		{"store.retention", cfg.Store.Retention.Std(), 90 * 24 * time.Hour},
		{"watch.mode", cfg.Watch.Mode, "poll"},
		{"watch.interval", cfg.Watch.Interval.Std(), 30 * time.Second},
		{"watch.safety_poll", cfg.Watch.SafetyPoll.Std(), 5 * time.Minute},
		{"watch.webhook_max_skew", cfg.Watch.WebhookMaxSkew.Std(), 5 * time.Minute},
		{"watch.log_tail", cfg.Watch.LogTail, 30},
		{"watch.repos", strings.Join(cfg.Watch.Repos, ","), "*"},
		{"delivery.max_age", cfg.Delivery.MaxAge.Std(), 24 * time.Hour},
		{"chat.slack.api_url", cfg.Chat.Slack.APIURL, "https://slack.com/api/"},
		{"chat.wecom.api_url", cfg.Chat.WeCom.APIURL, "https://qyapi.weixin.qq.com"},
		{"smtp.port", mail.SMTP.Port, 587},
		{"smtp.security", string(mail.SMTP.Security), "starttls"},
		{"smtp.timeout", mail.SMTP.Timeout, 30 * time.Second},
		{"tls port", tls.SMTP.Port, 465},
		{"feishu format", settingsOf[*feishu.Config](t, cfg, "fs").Format, "card"},
		{"sink name", cfg.Sinks["mail"].Name, "mail"},
		{"route repos", strings.Join(cfg.Routes[0].Repos, ","), "*"},
		{"route branches", strings.Join(cfg.Routes[0].Branches, ","), "*"},
		{"route on", strings.Join(cfg.Routes[0].On, ","), "failure,fixed"},
		{"route line", cfg.Routes[0].Line, 9},
		{"digest repos", strings.Join(cfg.Digests[0].Repos, ","), "*"},
		{"digest location", cfg.Digests[0].Location, time.Local},
		{"acl.read", strings.Join(cfg.ACL.Read, ","), "*"},
		{"acl.deploy", strings.Join(cfg.ACL.Deploy, ","), "slack:U1"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestExpansionKeepsStructure(t *testing.T) {
	// The secret holds YAML syntax; expanded after parsing it stays one value.
	secret := "s3cr#t: {x} - [y] # z"
	cfg, rep := mustParse(t, `drone:
  server: ${DRONE_SERVER:-https://drone.example.com}
  token: ${DRONE_TOKEN}
  timeout: ${DRONE_TIMEOUT:-15s}
watch:
  log_tail: ${TAIL}
sinks:
  hook:
    type: webhook
    url: "${HOOK_URL}"
    headers: {Authorization: "Bearer ${DRONE_TOKEN}", X-Literal: "$${NOT_A_VAR}"}
`, map[string]string{"DRONE_TOKEN": secret, "TAIL": "50", "HOOK_URL": "https://h.example.com/x?key=a:b#c"})
	if len(rep.Problems) != 0 {
		t.Fatalf("problems: %q", problemLines(rep))
	}
	hook := settingsOf[*webhook.Config](t, cfg, "hook")
	for _, c := range []struct{ name, got, want string }{
		{"token", cfg.Drone.Token, secret},
		{"server default", cfg.Drone.Server, "https://drone.example.com"},
		{"url", hook.URL, "https://h.example.com/x?key=a:b#c"},
		{"header", hook.Headers["Authorization"], "Bearer " + secret},
		{"escape", hook.Headers["X-Literal"], "${NOT_A_VAR}"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if cfg.Drone.Timeout.Std() != 15*time.Second || cfg.Watch.LogTail != 50 {
		t.Errorf("typed values from the environment: timeout %v, log_tail %d", cfg.Drone.Timeout, cfg.Watch.LogTail)
	}
}

func TestRelativePaths(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"ca.pem", "tmpl/alert.tmpl"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "bot.yaml")
	text := `drone:
  server: https://drone.example.com
  token: t
  ca_file: ca.pem
store:
  path: data/bot.db
sinks:
  out: {type: stdout, template: tmpl/alert.tmpl}
  abs: {type: stdout, template: ` + filepath.Join(dir, "ca.pem") + `}
`
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, rep, err := Load(path, envOf(nil))
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("Load: %v %q", err, problemLines(rep))
	}
	for _, c := range []struct{ name, got, want string }{
		{"ca_file", cfg.Drone.CAFile, filepath.Join(dir, "ca.pem")},
		{"store.path", cfg.Store.Path, filepath.Join(dir, "data", "bot.db")},
		{"template", cfg.Sinks["out"].Template, filepath.Join(dir, "tmpl", "alert.tmpl")},
		{"absolute template", cfg.Sinks["abs"].Template, filepath.Join(dir, "ca.pem")},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	if _, _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), nil); err == nil {
		t.Error("Load of a missing file: no error")
	}
	_, rep, err := Parse("bot.yaml", []byte("drone:\n  server: [unclosed\n"), nil)
	if err == nil || len(rep.Problems) != 1 || !strings.HasPrefix(rep.Problems[0].String(), "bot.yaml:") {
		t.Errorf("syntax error: err %v, problems %q", err, problemLines(rep))
	}
	_, rep, err = Parse("bot.yaml", []byte("smtp: {password: ${X}}\n"), nil)
	if err == nil || !strings.Contains(rep.Problems[0].Message, "quote values that use ${...}") {
		t.Errorf("unquoted ${} in a flow mapping: err %v, problems %q", err, problemLines(rep))
	}
	_, _, err = Parse("bot.yaml", []byte("a: 1\n---\nb: 2\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "one YAML document") {
		t.Errorf("two documents: %v", err)
	}
}

func TestShippedConfigPassesWithEmptyEnvironment(t *testing.T) {
	cfg, rep, err := Load("../../bot.yaml", envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if rep.HasErrors() {
		t.Fatalf("errors in the shipped bot.yaml: %q", problemLines(rep))
	}
	if err := cfg.Runnable(); err == nil || err.Error() != "drone.token is empty: DRONE_TOKEN is not set" {
		t.Errorf("Runnable() = %v", err)
	}
	var got []string
	for _, s := range cfg.Sinks {
		got = append(got, s.Type)
	}
	for _, typ := range registry.Names() {
		if !slices.Contains(got, typ) {
			t.Errorf("the shipped bot.yaml has no %s sink", typ)
		}
	}
	if !cfg.Routes[0].Disabled || !cfg.Digests[0].Disabled {
		t.Errorf("route and digest to disabled sinks must be disabled")
	}
	if cfg.ACL.Contact != "#ci-admins" {
		t.Errorf("acl.contact = %q, want the shipped example", cfg.ACL.Contact)
	}

	// With every variable the file uses set, nothing is disabled and run may start.
	text, err := os.ReadFile("../../bot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	full := map[string]string{}
	for _, m := range regexp.MustCompile(`\$\{([A-Z0-9_]+)`).FindAllStringSubmatch(string(text), -1) {
		full[m[1]] = "v-" + m[1]
	}
	if len(full) < 14 {
		t.Fatalf("found only %d variables in bot.yaml", len(full))
	}
	full["SLACK_WEBHOOK_URL"] = "https://hooks.slack.com/services/T/B/x"
	full["WECOM_AES_KEY"] = strings.Repeat("a", 43)
	cfg, rep, err = Load("../../bot.yaml", envOf(full))
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("with every variable set: %v %q", err, problemLines(rep))
	}
	if cfg.Runnable() != nil || cfg.EnabledSinks() != len(cfg.Sinks) || !cfg.Chat.Slack.Enabled() || !cfg.Chat.WeCom.Enabled() {
		t.Errorf("with every variable set something is still off: %s", cfg.Summary())
	}
}

func TestProblemsNeverQuoteASecret(t *testing.T) {
	// Secrets written as they are (not from the environment) under keys
	// that are not secret, and through an alias.
	_, rep := mustParse(t, `drone:
  server: https://drone.example.com
  token: &tok tok-literal-SECRET1
  timeout: tok-literal-SECRET1
  log_timeout: *tok
watch:
  interval: hook-key-SECRET2
  log_tail: tok-literal-SECRET1
  mode: tok-literal-SECRET1
sinks:
  hook: {type: webhook, url: "https://h.example.com/x?key=hook-key-SECRET2", rate: hook-key-SECRET2}
lang: tok-literal-SECRET1
routes:
  - {to: [hook], on: [hook-key-SECRET2]}
`, nil)
	lines := problemLines(rep)
	if len(lines) < 7 {
		t.Fatalf("want at least 7 problems, got %q", lines)
	}
	joined := strings.Join(lines, "\n")
	if strings.Contains(joined, "SECRET") {
		t.Errorf("a problem quotes a secret:\n%s", joined)
	}
	for _, want := range []string{"drone.timeout: the value of drone.token is not a duration",
		"watch.interval: the value of sinks.hook.url is not a duration"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing %q in:\n%s", want, joined)
		}
	}
}

func TestSecretsOfEverySinkType(t *testing.T) {
	cfg, rep := mustParse(t, base+`chat:
  wecom: {corp_id: c, agent_id: 1, secret: app-SECRET9, token: t0k3n-cb, encoding_aes_key: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ}
sinks:
  w: {type: wecom, url: "https://q.example.com/send?key=robot-SECRET1"}
  a: {type: wecom_app, to_user: [z]}
  d: {type: dingtalk, url: "https://d.example.com/robot/send?access_token=ding-SECRET2", secret: SEC-ding-SECRET3}
  f: {type: feishu, url: "https://f.example.com/open-apis/bot/v2/hook/fei-SECRET4", secret: fei-SECRET5}
  h: {type: webhook, url: "https://h.example.com/x", headers: {Authorization: "Bearer hook-SECRET6"}}
  m: {type: email, smtp: {host: h, username: u, password: mail-SECRET7}, from: a@b.c, to: [d@e.f]}
  s: {type: slack, url: "https://hooks.example.com/services/T/B/x?token=slack-SECRET8"}
`, nil)
	if rep.HasErrors() {
		t.Fatalf("problems: %q", problemLines(rep))
	}
	got := cfg.Secrets()
	for _, want := range []string{"robot-SECRET1", "ding-SECRET2", "SEC-ding-SECRET3", "fei-SECRET4", "fei-SECRET5",
		"Bearer hook-SECRET6", "mail-SECRET7", "slack-SECRET8", "app-SECRET9"} {
		if !slices.Contains(got, want) {
			t.Errorf("Secrets() lacks %s: %q", want, got)
		}
	}
}
