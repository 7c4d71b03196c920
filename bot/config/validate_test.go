package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/dronebot/dronebot/notify/email"
	"github.com/dronebot/dronebot/notify/registry"
	"github.com/dronebot/dronebot/notify/slack"
)

func TestValidationRules(t *testing.T) {
	sinkTypes := strings.Join(registry.Names(), ", ")
	if !strings.HasPrefix(sinkTypes, "wecom, wecom_app, slack, dingtalk, feishu, webhook, email, stdout") {
		t.Fatalf("sink types %s: the built-in ones are missing or out of order", sinkTypes)
	}
	aesKey := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ" // 43 base64 characters, 32 bytes
	tests := []struct {
		name string
		yaml string // a whole file; base starts most
		env  map[string]string
		want string // "error bot.yaml:N: message" or "warning ..."
	}{
		{"server missing", "drone:\n  token: t\n", nil, "error bot.yaml:1: drone.server is required"},
		{"token missing", "drone:\n  server: https://d.example.com\n", nil, "error bot.yaml:1: drone.token is required"},
		{"no drone at all", "lang: en\n", nil, "error bot.yaml:1: drone.server is required"},
		{"token written empty", "drone:\n  server: https://d.example.com\n  token: \"\"\n", nil,
			"error bot.yaml:3: drone.token is required but written empty"},
		{"token from unset variable", "drone:\n  server: https://d.example.com\n  token: ${DRONE_TOKEN}\n", nil,
			"warning bot.yaml:3: drone.token is empty: DRONE_TOKEN is not set (run refuses to start until it is set)"},
		{"server not a URL", "drone:\n  server: drone.example.com\n  token: t\n", nil,
			"error bot.yaml:2: drone.server: must be an http:// or https:// URL with a host"},
		{"api enum", base + "  api: v2\n", nil, `error bot.yaml:4: drone.api: "v2" is not one of auto, v1, v0.8, woodpecker; did you mean v1?`},
		{"ca_file missing", base + "  ca_file: /nonexistent/ca.pem\n", nil, "error bot.yaml:4: drone.ca_file: cannot read /nonexistent/ca.pem"},
		{"lang enum", base + "lang: fr\n", nil, `error bot.yaml:4: lang: "fr" is not one of en, zh`},
		{"log level", base + "log: {level: loud}\n", nil, `error bot.yaml:4: log.level: "loud" is not one of debug, info, warn, error`},
		{"log format", base + "log:\n  format: xml\n", nil, `error bot.yaml:5: log.format: "xml" is not one of text, json`},
		{"listen", base + "server:\n  listen: \"8080\"\n", nil, `error bot.yaml:5: server.listen: must be host:port, e.g. ":8080" or "127.0.0.1:8080"`},
		{"admin same as listen", base + "server: {listen: \":9\", admin_listen: \":9\"}\n", nil, "error bot.yaml:4: server.admin_listen: must differ from server.listen"},
		{"public_url", base + "server:\n  public_url: ftp://x\n", nil, "error bot.yaml:5: server.public_url: must be an http:// or https:// URL with a host"},
		{"bad duration", base + "server:\n  shutdown_timeout: soon\n", nil,
			`error bot.yaml:5: server.shutdown_timeout: "soon" is not a duration (use Go durations such as 90s, 5m, 2h, or whole days such as 90d)`},
		{"interval too short", base + "watch:\n  interval: 500ms\n", nil, "error bot.yaml:5: watch.interval: must be at least 1s"},
		{"watch mode", base + "watch:\n  mode: push\n", nil, `error bot.yaml:5: watch.mode: "push" is not one of poll, webhook, stream`},
		{"webhook secret unset", base + "watch:\n  mode: webhook\n  webhook_secret: ${HOOK_SECRET}\n", nil,
			"warning bot.yaml:6: watch.webhook_secret is empty: HOOK_SECRET is not set (run refuses to start until it is set)"},
		{"webhook secret missing", base + "watch:\n  mode: webhook\n", nil, "error bot.yaml:4: watch.webhook_secret is required"},
		{"drone has no event stream", base + "  api: v1\nwatch:\n  mode: stream\n", nil,
			"error bot.yaml:6: watch.mode: stream follows Woodpecker's event stream, which Drone has not; use poll or webhook"},
		{"woodpecker has no webhooks", base + "  api: woodpecker\nwatch:\n  mode: webhook\n  webhook_secret: s\n", nil,
			"error bot.yaml:6: watch.mode: Woodpecker sends no global webhooks; use poll, which reads its feed"},
		{"log_tail range", base + "watch:\n  log_tail: 5000\n", nil, "error bot.yaml:5: watch.log_tail: must be between 1 and 1000 lines"},
		{"log_tail type", base + "watch:\n  log_tail: many\n", nil, `error bot.yaml:5: watch.log_tail: must be a whole number (got "many")`},
		{"bad glob", base + "watch:\n  repos: [\"octo/[\"]\n", nil, `error bot.yaml:5: watch.repos[0]: "octo/[" is not a valid glob pattern`},
		{"retention", base + "store:\n  retention: 10m\n", nil, "error bot.yaml:5: store.retention: must be at least 1h0m0s"},
		{"list expected", base + "watch:\n  repos: {octo: demo}\n", nil, "error bot.yaml:5: watch.repos: must be a list, not a mapping"},
		{"one value for a list", base + "sinks: {o: {type: stdout}}\nroutes:\n  - to: o\n    on: fixd\n", nil,
			`error bot.yaml:7: routes[0].on[0]: "fixd" is not one of failure, still_failing, fixed, success, killed, all; did you mean fixed?`},
		{"misspelt key", base + "watch:\n  intervall: 1m\n", nil, `error bot.yaml:5: unknown key "intervall" in watch; did you mean interval?`},
		{"misspelt sink key", base + "sinks:\n  w: {type: wecom, ulr: \"https://q.example.com/?key=k\"}\n", nil,
			`error bot.yaml:5: unknown key "ulr" in sinks.w; did you mean url?`},
		{"misspelt value from the environment", base + "lang: ${L}\n", map[string]string{"L": "eb"}, `error bot.yaml:4: lang: the value from the environment is not one of en, zh`},
		{"mapping expected", base + "server: yes\n", nil, "error bot.yaml:4: server: must be a mapping of keys, not a single value"},
		{"duplicate key", base + "lang: en\nlang: zh\n", nil, `error bot.yaml:5: the file: key "lang" is written twice`},
		{"bad variable", base + "lang: ${oops\n", nil, "error bot.yaml:4: lang: unterminated ${ (write $${ for a literal ${)"},
		{"sink type missing", base + "sinks:\n  x: {url: \"https://a.example.com\"}\n", nil,
			"error bot.yaml:5: sinks.x: type is required (one of " + sinkTypes + ")"},
		{"sink type enum", base + "sinks:\n  x: {type: pager}\n", nil,
			`error bot.yaml:5: sinks.x.type: "pager" is not one of ` + sinkTypes},
		{"key of another type", base + "sinks:\n  x:\n    type: wecom\n    url: https://q.example.com/?key=k\n    channel: C1\n", nil,
			"error bot.yaml:8: sinks.x.channel: not a key of a wecom sink"},
		{"key of the type's nested part", base + "sinks:\n  m: {type: email, smtp: {host: h, tls: yes}, from: a@b.c, to: [d@e.f]}\n", nil,
			`error bot.yaml:5: unknown key "tls" in sinks.m.smtp`},
		{"duration of a type's own", base + "sinks:\n  m: {type: email, smtp: {host: h, timeout: soon}, from: a@b.c, to: [d@e.f]}\n", nil,
			`error bot.yaml:5: sinks.m.smtp.timeout: "soon" is not a duration (use Go durations such as 90s, 5m, 2h, or whole days such as 90d)`},
		{"feishu url of another shape", base + "sinks:\n  f: {type: feishu, url: \"https://f.example.com/open-apis/bot/v2/SECRET1\"}\n", nil,
			"error bot.yaml:5: sinks.f.url: does not end in /hook/TOKEN"},
		{"template of a webhook", base + "sinks:\n  h: {type: webhook, url: \"https://h.example.com\", template: x.tmpl}\n", nil,
			"error bot.yaml:5: sinks.h.template: a webhook sink sends the dronebot.alert/v1 JSON; templates apply to chat and email sinks"},
		{"sink url missing", base + "sinks:\n  x: {type: webhook}\n", nil, "error bot.yaml:5: sinks.x: a webhook sink needs url"},
		{"sink url bad", base + "sinks:\n  x: {type: webhook, url: \"not a url\"}\n", nil, "error bot.yaml:5: sinks.x.url: must be an http:// or https:// URL with a host"},
		{"sink rate", base + "sinks:\n  x: {type: stdout, rate: fast}\n", nil, `error bot.yaml:5: sinks.x.rate: "fast" is not a rate (write COUNT/WINDOW, e.g. 20/1m)`},
		{"sink lang", base + "sinks:\n  x: {type: stdout, lang: de}\n", nil, `error bot.yaml:5: sinks.x.lang: "de" is not one of en, zh`},
		{"feishu format", base + "sinks:\n  x: {type: feishu, url: \"https://f.example.com/hook/t\", format: table}\n", nil,
			`error bot.yaml:5: sinks.x.format: "table" is not one of card, post`},
		{"email needs host", base + "sinks:\n  m: {type: email, from: a@b.c, to: [d@e.f]}\n", nil, "error bot.yaml:5: sinks.m: an email sink needs smtp.host"},
		{"email needs to", base + "sinks:\n  m: {type: email, smtp: {host: h}, from: a@b.c}\n", nil, "error bot.yaml:5: sinks.m: an email sink needs to"},
		{"email bad from", base + "sinks:\n  m: {type: email, smtp: {host: h}, from: nobody, to: [d@e.f]}\n", nil, "error bot.yaml:5: sinks.m.from: not a mail address"},
		{"email security", base + "sinks:\n  m: {type: email, smtp: {host: h, security: ssl}, from: a@b.c, to: [d@e.f]}\n", nil,
			`error bot.yaml:5: sinks.m.smtp.security: "ssl" is not one of starttls, tls, none`},
		{"password in clear", base + "sinks:\n  m:\n    type: email\n    smtp: {host: h, security: none, password: p}\n    from: a@b.c\n    to: [d@e.f]\n", nil,
			"error bot.yaml:7: sinks.m.smtp.password: must be empty with security none (it would cross the network in clear)"},
		{"wecom_app recipients", base + "sinks:\n  a: {type: wecom_app}\n", nil, "error bot.yaml:5: sinks.a: a wecom_app sink needs to_user, to_party or to_tag"},
		{"slack url and channel", base + "sinks:\n  s:\n    type: slack\n    url: https://h.example.com/x\n    channel: C1\n", nil,
			"error bot.yaml:8: sinks.s: set url (incoming webhook) or channel, not both"},
		{"aes key", base + "chat:\n  wecom: {corp_id: c, agent_id: 1, secret: s, token: t, encoding_aes_key: short}\n", nil,
			"error bot.yaml:5: chat.wecom.encoding_aes_key: must be 43 characters of base64 that decode to 32 bytes"},
		{"aes key not base64", base + "chat:\n  wecom: {corp_id: c, agent_id: 1, secret: s, token: t, encoding_aes_key: '" + strings.Repeat("!", 43) + "'}\n", nil,
			"error bot.yaml:5: chat.wecom.encoding_aes_key: must be 43 characters of base64 that decode to 32 bytes"},
		{"route unknown sink", base + "routes:\n  - to: [nowhere]\n", nil, `error bot.yaml:5: routes[0].to: no sink named "nowhere"`},
		{"route without to", base + "routes:\n  - repos: [\"*\"]\n", nil, "error bot.yaml:5: routes[0]: to must name at least one sink"},
		{"route event", base + "sinks: {o: {type: stdout}}\nroutes:\n  - to: [o]\n    events: [merge]\n", nil,
			`error bot.yaml:7: routes[0].events[0]: "merge" is not one of push, pull_request, tag, promote, rollback, cron, custom`},
		{"route on", base + "sinks: {o: {type: stdout}}\nroutes:\n  - to: [o]\n    on: [broken]\n", nil,
			`error bot.yaml:7: routes[0].on[0]: "broken" is not one of failure, still_failing, fixed, success, killed, all`},
		{"route branch glob", base + "sinks: {o: {type: stdout}}\nroutes:\n  - to: [o]\n    branches: [\"rel[\"]\n", nil,
			`error bot.yaml:7: routes[0].branches[0]: "rel[" is not a valid glob pattern`},
		{"delivery.ops unknown", base + "delivery:\n  ops: pager\n", nil, `error bot.yaml:5: delivery.ops: no sink named "pager"`},
		{"cron", base + "sinks: {o: {type: stdout}}\ndigests:\n  - {name: d, schedule: \"0 9 * *\", to: [o]}\n", nil,
			"error bot.yaml:6: digests[0].schedule: not a 5-field cron expression: expected exactly 5 fields, found 4: [0 9 * *]"},
		{"time zone", base + "sinks: {o: {type: stdout}}\ndigests:\n  - {name: d, schedule: \"@daily\", timezone: Mars/Olympus, to: [o]}\n", nil,
			`error bot.yaml:6: digests[0].timezone: unknown time zone "Mars/Olympus"`},
		{"duplicate digest", base + "sinks: {o: {type: stdout}}\ndigests:\n  - {name: d, schedule: \"@daily\", to: [o]}\n  - {name: d, schedule: \"@daily\", to: [o]}\n", nil,
			`error bot.yaml:7: digests[1].name: "d" is already the name of digests[0]`},
		{"digest without schedule", base + "sinks: {o: {type: stdout}}\ndigests:\n  - {name: d, to: [o]}\n", nil,
			`error bot.yaml:6: digests[0]: schedule is required (5-field cron, e.g. "0 9 * * 1-5")`},
		{"acl identity", base + "acl:\n  write: [\"U012\"]\n", nil,
			`error bot.yaml:5: acl.write[0]: "U012" must be "*" or platform:id with platform one of slack, wecom, cli`},
		{"acl rule repos", base + "acl:\n  rules:\n    - read: [\"*\"]\n", nil, "error bot.yaml:6: acl.rules[0]: repos is required"},
		{"user drone", base + "users:\n  - {email: a@b.c}\n", nil, "error bot.yaml:5: users[0]: drone (the Drone login) is required"},
		{"bool", base + "sinks: {o: {type: stdout}}\nroutes:\n  - to: [o]\n    mention_author: maybe\n", nil,
			`error bot.yaml:7: routes[0].mention_author: must be true or false (got "maybe")`},

		// Disabled with a warning, not an error.
		{"slack sink url unset", base + "sinks:\n  s: {type: slack, url: \"${SLACK_WEBHOOK_URL}\"}\n", nil,
			"warning bot.yaml:5: sinks.s is disabled: url is empty (SLACK_WEBHOOK_URL is not set)"},
		{"wecom robot key unset", base + "sinks:\n  w:\n    type: wecom\n    url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_ROBOT_KEY}\n", nil,
			"warning bot.yaml:5: sinks.w is disabled: url has an empty key= (WECOM_ROBOT_KEY is not set)"},
		{"dingtalk token unset", base + "sinks:\n  d: {type: dingtalk, url: \"https://oapi.dingtalk.com/robot/send?access_token=${T}\"}\n", nil,
			"warning bot.yaml:5: sinks.d is disabled: url has an empty access_token= (T is not set)"},
		{"feishu token unset", base + "sinks:\n  f: {type: feishu, url: \"https://open.feishu.cn/open-apis/bot/v2/hook/${T}\"}\n", nil,
			"warning bot.yaml:5: sinks.f is disabled: url ends without its hook token (T is not set)"},
		{"email password unset", base + "sinks:\n  m: {type: email, smtp: {host: h, username: u, password: \"${P}\"}, from: a@b.c, to: [d@e.f]}\n", nil,
			"warning bot.yaml:5: sinks.m is disabled: smtp.password is empty (P is not set)"},
		{"email host unset", base + "sinks:\n  m: {type: email, smtp: {host: \"${H}\"}, from: a@b.c, to: [d@e.f]}\n", nil,
			"warning bot.yaml:5: sinks.m is disabled: smtp.host is empty (H is not set)"},
		{"slack channel without bot token", base + "sinks:\n  s: {type: slack, channel: C1}\n", nil,
			"warning bot.yaml:5: sinks.s is disabled: posting to a channel needs chat.slack.bot_token, which is empty"},
		{"wecom_app without secret", base + "sinks:\n  a: {type: wecom_app, to_user: [z], corp_id: c, agent_id: 2}\n", nil,
			"warning bot.yaml:5: sinks.a is disabled: secret empty here and in chat.wecom"},
		{"webhook header unset", base + "sinks:\n  h:\n    type: webhook\n    url: https://h.example.com\n    headers: {Authorization: \"Bearer ${OPS}\"}\n", nil,
			"warning bot.yaml:8: sinks.h.headers.Authorization: OPS is not set"},
		{"chat.slack unset", base + "chat:\n  slack:\n    signing_secret: ${SS}\n", nil,
			"warning bot.yaml:5: chat.slack is disabled: signing_secret and app_token are empty (SS is not set)"},
		{"chat.wecom unset", base + "chat:\n  wecom: {corp_id: c, agent_id: 1, secret: \"${S}\", token: t, encoding_aes_key: " + aesKey + "}\n", nil,
			"warning bot.yaml:5: chat.wecom is disabled: secret empty (S is not set)"},
		{"route to disabled sinks", base + "sinks:\n  s: {type: slack, url: \"${U}\"}\nroutes:\n  - to: [s]\n", nil,
			"warning bot.yaml:7: routes[0]: every sink it sends to is disabled (s)"},
		{"digest to disabled sinks", base + "sinks:\n  s: {type: slack, url: \"${U}\"}\ndigests:\n  - {name: d, schedule: \"@daily\", to: [s]}\n", nil,
			"warning bot.yaml:7: digests[0]: every sink it sends to is disabled (s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rep := mustParse(t, tt.yaml, tt.env)
			got := problemLines(rep)
			if !slices.Contains(got, tt.want) {
				t.Errorf("want %q\n got %q", tt.want, got)
			}
			wantErr := strings.HasPrefix(tt.want, "error ")
			if rep.HasErrors() != wantErr {
				t.Errorf("HasErrors() = %v, want %v: %q", rep.HasErrors(), wantErr, got)
			}
		})
	}
}

func TestDisabledFlags(t *testing.T) {
	cfg, rep := mustParse(t, base+`chat:
  slack: {signing_secret: "${SS}", bot_token: "${BT}"}
sinks:
  off: {type: slack, url: "${U}"}
  on: {type: slack, channel: C1}
  app: {type: wecom_app, to_tag: [ops]}
routes:
  - to: [off, on]
`, map[string]string{"SS": "x", "BT": "xoxb-1"})
	if rep.HasErrors() {
		t.Fatalf("errors: %q", problemLines(rep))
	}
	if !cfg.Chat.Slack.Enabled() || cfg.Chat.Slack.SocketMode() {
		t.Errorf("slack: %+v", cfg.Chat.Slack)
	}
	if s := cfg.Sinks["off"]; !s.Disabled || !strings.Contains(s.DisabledReason, "U is not set") {
		t.Errorf("off: disabled %v reason %q", s.Disabled, s.DisabledReason)
	}
	if s, on := cfg.Sinks["on"], settingsOf[*slack.Config](t, cfg, "on"); s.Disabled || on.Token != "xoxb-1" || on.APIURL != DefaultSlackAPIURL {
		t.Errorf("on: %+v %+v", s, on)
	}
	if s := cfg.Sinks["app"]; !s.Disabled {
		t.Errorf("wecom_app without credentials must be disabled")
	}
	if cfg.Routes[0].Disabled {
		t.Errorf("a route with one enabled sink stays enabled")
	}
	if got := cfg.Summary(); got != "poll mode, 1 route, 3 sinks of which 2 disabled, 0 digests" {
		t.Errorf("Summary() = %q", got)
	}
}

func TestUnknownKeysAtEveryDepth(t *testing.T) {
	_, rep := mustParse(t, `drone:
  server: https://drone.example.com
  token: t
  tokn: typo
colour: blue
chat:
  slack:
    signing_secret: s
    team: T1
sinks:
  o:
    type: stdout
    emoji: true
routes:
  - to: [o]
    branch: main
digests:
  - {name: d, schedule: "@daily", to: [o], when: now}
acl:
  rules:
    - {repos: ["*"], admin: [x]}
`, nil)
	want := []string{
		`error bot.yaml:4: unknown key "tokn" in drone; did you mean token?`,
		`error bot.yaml:5: unknown key "colour"`,
		`error bot.yaml:9: unknown key "team" in chat.slack`,
		`error bot.yaml:13: unknown key "emoji" in sinks.o`,
		`error bot.yaml:16: unknown key "branch" in routes[0]; did you mean branches?`,
		`error bot.yaml:18: unknown key "when" in digests[0]`,
		`error bot.yaml:21: unknown key "admin" in acl.rules[0]`,
	}
	if got := problemLines(rep); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestEveryProblemAtOnce(t *testing.T) {
	_, rep := mustParse(t, `lang: xx
log: {level: loud}
server: {listen: nope}
watch: {interval: 0.5s, mode: sometimes}
sinks:
  s: {type: slack, url: "${U}"}
routes:
  - to: [missing]
`, nil)
	want := []string{
		`error bot.yaml:1: lang: "xx" is not one of en, zh`,
		`error bot.yaml:1: drone.server is required`,
		`error bot.yaml:1: drone.token is required`,
		`error bot.yaml:2: log.level: "loud" is not one of debug, info, warn, error`,
		`error bot.yaml:3: server.listen: must be host:port, e.g. ":8080" or "127.0.0.1:8080"`,
		`error bot.yaml:4: watch.mode: "sometimes" is not one of poll, webhook, stream`,
		`error bot.yaml:4: watch.interval: must be at least 1s`,
		`warning bot.yaml:6: sinks.s is disabled: url is empty (U is not set)`,
		`error bot.yaml:8: routes[0].to: no sink named "missing"`,
	}
	if got := problemLines(rep); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if len(rep.Errors()) != 8 || len(rep.Warnings()) != 1 || rep.Err() == nil {
		t.Errorf("Errors %d, Warnings %d, Err %v", len(rep.Errors()), len(rep.Warnings()), rep.Err())
	}
}

func TestAliasesAndMergeKeys(t *testing.T) {
	cfg, rep := mustParse(t, base+`x-mail: &mail {type: email, smtp: {host: h}, from: a@b.c, to: [d@e.f]}
`, nil)
	if got := problemLines(rep); !slices.Equal(got, []string{`error bot.yaml:4: unknown key "x-mail"`}) {
		t.Errorf("top-level anchors are keys too: %q", got)
	}
	cfg, rep = mustParse(t, base+`sinks:
  a: &mail {type: email, smtp: {host: h}, from: a@b.c, to: [d@e.f]}
  b:
    <<: *mail
    to: [x@y.z]
routes:
  - to: &both [a, b]
digests:
  - {name: d, schedule: "@daily", to: *both}
`, nil)
	if len(rep.Problems) != 0 {
		t.Fatalf("problems: %q", problemLines(rep))
	}
	if b := settingsOf[*email.Config](t, cfg, "b"); b.SMTP.Host != "h" || !slices.Equal(b.To, []string{"x@y.z"}) {
		t.Errorf("merged sink b = %+v", b)
	}
	if !slices.Equal(cfg.Digests[0].To, []string{"a", "b"}) {
		t.Errorf("alias list = %q", cfg.Digests[0].To)
	}
}

func TestTabIndentIsNamed(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"drone:\n  server: https://d.example.com\n\ttoken: t\n", "bot.yaml:3: YAML syntax: this line is indented with a tab; YAML indents with spaces only"},
		{"drone:\n  server: https://d.example.com\n\n\ttoken: t\n", "bot.yaml:4: YAML syntax: this line is indented with a tab; YAML indents with spaces only"},
		{"lang: en\nlog:\n\tlevel: info\n", "bot.yaml:3: YAML syntax: this line is indented with a tab; YAML indents with spaces only"},
	} {
		_, rep, err := Parse("bot.yaml", []byte(tt.yaml), nil)
		if err == nil || len(rep.Problems) != 1 || rep.Problems[0].String() != tt.want {
			t.Errorf("%q: err %v, problems %v, want %q", tt.yaml, err, rep.Problems, tt.want)
		}
	}
}

func TestMisspeltTimeZone(t *testing.T) {
	if len(zoneNames()) == 0 {
		t.Skip("this host has no zone tables (zone1970.tab) to suggest from")
	}
	_, rep := mustParse(t, base+"sinks: {o: {type: stdout}}\ndigests:\n  - {name: d, schedule: \"@daily\", timezone: Asia/Shangai, to: [o]}\n", nil)
	want := `error bot.yaml:6: digests[0].timezone: unknown time zone "Asia/Shangai"; did you mean Asia/Shanghai?`
	if got := problemLines(rep); !slices.Equal(got, []string{want}) {
		t.Errorf("got %q, want %q", got, want)
	}
}
