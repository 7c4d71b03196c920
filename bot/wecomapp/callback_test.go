package wecomapp

import (
	"bytes"
	"context"
	"crypto/rand"
	"github.com/dronebot/dronebot/bot/intake"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify/wecom"
)

func TestURLVerificationAnswersTheEcho(t *testing.T) {
	h := newHarness(t)
	echo := "5927495129311563846"
	enc, err := h.crypto.Encrypt([]byte(echo), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	get := func(ts, sig string) (int, string) {
		q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {"263014780"}, "echostr": {enc}}
		resp, err := http.Get(h.bot.URL + "/wecom/callback?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	now := strconv.FormatInt(time.Now().Unix(), 10)
	if status, body := get(now, h.crypto.Signature(now, "263014780", enc)); status != http.StatusOK || body != echo {
		t.Errorf("verify = %d %q, want 200 %q (bare, no newline)", status, body, echo)
	}
	if status, _ := get(now, strings.Repeat("a", 40)); status != http.StatusUnauthorized {
		t.Errorf("wrong signature: status %d, want 401", status)
	}
}

func TestURLVerificationHasTheReplayWindow(t *testing.T) {
	h := newHarness(t)
	enc, err := h.crypto.Encrypt([]byte("5927495129311563846"), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{time.Now().Add(-30 * 24 * time.Hour), time.Now().Add(time.Hour)} {
		ts := strconv.FormatInt(at.Unix(), 10)
		q := url.Values{"msg_signature": {h.crypto.Signature(ts, "263014780", enc)}, "timestamp": {ts},
			"nonce": {"263014780"}, "echostr": {enc}}
		resp, err := http.Get(h.bot.URL + "/wecom/callback?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || strings.Contains(string(body), "5927495129311563846") {
			t.Errorf("echo signed at %s: %d %q, want 401 without the echo", at.Format(time.DateTime), resp.StatusCode, body)
		}
	}
	if got := h.observed(); !slices.Contains(got, "verify:stale") {
		t.Errorf("observed %v, want verify:stale", got)
	}
}

func TestStatusFromAllowedUserIsAnsweredAtTheFake(t *testing.T) {
	h := newHarness(t)
	h.send(t, writer, "/status octo/demo")
	m := h.messages(t, 1)[0]
	if m.ToUser != writer || m.MsgType != "markdown" || m.AgentID != testAgent {
		t.Errorf("reply = %+v", m)
	}
	// The latest build of the default branch is #2, a failure.
	if !containsAll(m.Content, "octo/demo", "#2", "failure") {
		t.Errorf("reply does not show the build's status:\n%s", m.Content)
	}
	if m.DuplicateCheck {
		t.Error("command replies must not use WeCom's duplicate check")
	}
	// The same command from the reader is allowed too (read class).
	h.send(t, reader, "status octo/demo 1")
	if m := h.messages(t, 2)[1]; m.ToUser != reader || !containsAll(m.Content, "#1", "success") {
		t.Errorf("reader's reply = %+v", m)
	}
}

func TestWriteCommandFromReaderIsRefused(t *testing.T) {
	h := newHarness(t)
	h.send(t, reader, "/restart octo/demo 1")
	m := h.messages(t, 1)[0]
	if m.ToUser != reader || !strings.Contains(m.Content, "not allowed") {
		t.Errorf("refusal = %+v", m)
	}
	h.wait(t)
	if w := h.writes(); len(w) != 0 {
		t.Errorf("a refused command wrote to Drone: %v", w)
	}
}

func TestBuildIsFollowedToItsOutcome(t *testing.T) {
	h := newHarness(t)
	h.drone.OnCreate(func(_ string, _ int64, b *dronetest.BuildSpec) { b.Status = drone.StatusSuccess })
	h.send(t, writer, "/restart octo/demo 1")
	msgs := h.messages(t, 2)
	if !strings.Contains(msgs[0].Content, "#3") {
		t.Errorf("first reply should name the new build #3:\n%s", msgs[0].Content)
	}
	if msgs[1].ToUser != writer || !containsAll(msgs[1].Content, "octo/demo #3", "success") {
		t.Errorf("outcome = %+v", msgs[1])
	}
	if w := h.writes(); len(w) != 1 {
		t.Errorf("writes = %v, want the one restart", w)
	}
}

func TestReplayedMsgIDRunsOnce(t *testing.T) {
	h := newHarness(t)
	req := h.seal(t, h.textMessage(writer, "/status octo/demo"))
	for range 3 { // WeCom's three tries
		if status, _ := h.post(t, req); status != http.StatusOK {
			t.Fatalf("status %d, want 200 for every retry", status)
		}
	}
	h.wait(t)
	if runs, msgs := h.runs.Load(), len(h.app.Messages()); runs != 1 || msgs != 1 {
		t.Errorf("ran %d times, sent %d replies; want 1 and 1", runs, msgs)
	}
	if got := h.observed(); !slices.Contains(got, "callback:duplicate") {
		t.Errorf("observer = %v, want a duplicate", got)
	}
}

func TestReplayedMsgIDRunsOnceAcrossARestart(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	first := newHarness(t, WithKeys(st))
	inner := first.textMessage(writer, "/status octo/demo")
	first.send(t, writer, "/help") // unrelated traffic
	if status, _ := first.post(t, first.seal(t, inner)); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	first.wait(t)

	// The bot restarts; WeCom retries the same MsgId.
	again := newHarness(t, WithKeys(st))
	if status, _ := again.post(t, again.seal(t, inner)); status != http.StatusOK {
		t.Fatalf("retry after the restart: status %d", status)
	}
	again.wait(t)
	if runs, msgs := again.runs.Load(), len(again.app.Messages()); runs != 0 || msgs != 0 {
		t.Errorf("after a restart the retried MsgId ran %d times and sent %d replies, want none", runs, msgs)
	}
}

func TestLongLogTailKeepsItsEnd(t *testing.T) {
	h := newHarness(t)
	h.send(t, writer, "/logs octo/demo 2 -n 200")
	m := h.messages(t, 1)[0]
	if len(m.Content) > wecom.MaxAppContentBytes {
		t.Fatalf("reply of %d bytes", len(m.Content))
	}
	if !strings.Contains(m.Content, "FAIL the last line") || strings.Contains(m.Content, "log line 201:") {
		t.Errorf("the tail must keep its newest lines:\n%s", m.Content)
	}
}

func TestNonTextAndEvents(t *testing.T) {
	h := newHarness(t)
	image := "<xml><ToUserName>" + testCorp + "</ToUserName><FromUserName>" + writer + "</FromUserName><CreateTime>1</CreateTime>" +
		"<MsgType>image</MsgType><PicUrl>http://x/y.png</PicUrl><MsgId>42</MsgId><AgentID>1000002</AgentID></xml>"
	event := "<xml><ToUserName>" + testCorp + "</ToUserName><FromUserName>" + writer + "</FromUserName><CreateTime>2</CreateTime>" +
		"<MsgType>event</MsgType><Event>enter_agent</Event><AgentID>1000002</AgentID></xml>"
	for _, inner := range []string{image, event} {
		if status, _ := h.post(t, h.seal(t, inner)); status != http.StatusOK {
			t.Fatalf("status %d, want 200", status)
		}
	}
	h.wait(t)
	msgs := h.app.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Content, "/help") {
		t.Errorf("messages = %+v, want one hint naming /help", msgs)
	}
	if runs := h.runs.Load(); runs != 0 {
		t.Errorf("%d commands ran", runs)
	}
}

func TestBadInputIsRefused(t *testing.T) {
	type build func(h *harness, t *testing.T) signed
	withEncrypt := func(enc func(t *testing.T) string) build {
		return func(h *harness, t *testing.T) signed { return h.sealEncrypt(enc(t)) }
	}
	inner := "<xml><FromUserName>" + writer + "</FromUserName><MsgType>text</MsgType><Content>/help</Content><MsgId>1</MsgId></xml>"
	tests := []struct {
		name   string
		build  build
		status int
	}{
		{"wrong signature", func(h *harness, t *testing.T) signed {
			s := h.seal(t, h.textMessage(writer, "/help"))
			s.sig = strings.Repeat("0", 40)
			return s
		}, http.StatusUnauthorized},
		{"missing signature", func(h *harness, t *testing.T) signed {
			s := h.seal(t, h.textMessage(writer, "/help"))
			s.sig = ""
			return s
		}, http.StatusUnauthorized},
		{"stale timestamp", func(h *harness, t *testing.T) signed {
			enc, _ := h.crypto.Encrypt([]byte(h.textMessage(writer, "/help")), rand.Reader)
			s := h.sealEncrypt(enc)
			s.ts = strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
			s.sig = h.crypto.Signature(s.ts, s.nonce, enc)
			return s
		}, http.StatusUnauthorized},
		{"bad base64", withEncrypt(func(*testing.T) string { return "!!not*base64!!" }), http.StatusBadRequest},
		{"bad padding", withEncrypt(func(t *testing.T) string { return forge(t, frame(inner, testCorp, uint32(len(inner)), true)) }), http.StatusBadRequest},
		{"wrong length field", withEncrypt(func(t *testing.T) string { return forge(t, frame(inner, testCorp, 1<<20, false)) }), http.StatusBadRequest},
		{"wrong receive id", withEncrypt(func(t *testing.T) string { return forge(t, frame(inner, "ww-other-corp", uint32(len(inner)), false)) }), http.StatusBadRequest},
		{"malformed outer xml", func(h *harness, t *testing.T) signed {
			s := h.seal(t, h.textMessage(writer, "/help"))
			s.body = []byte("<xml><Encrypt>unclosed")
			return s
		}, http.StatusBadRequest},
		{"malformed inner xml", func(h *harness, t *testing.T) signed {
			return h.seal(t, "<xml><FromUserName>"+writer+"</FromUserName><Content>/help")
		}, http.StatusBadRequest},
		{"body over 1 MiB", func(h *harness, t *testing.T) signed {
			s := h.seal(t, h.textMessage(writer, "/help"))
			s.body = append(s.body, bytes.Repeat([]byte(" "), intake.MaxBody)...)
			return s
		}, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			status, body := h.post(t, tt.build(h, t))
			if status != tt.status {
				t.Errorf("status = %d, want %d", status, tt.status)
			}
			h.wait(t)
			if runs, msgs := h.runs.Load(), len(h.app.Messages()); runs != 0 || msgs != 0 {
				t.Errorf("ran %d commands and sent %d messages, want none", runs, msgs)
			}
			logs := h.logs.String()
			if n := strings.Count(logs, "\n"); n != 1 || !strings.Contains(logs, "wecom callback refused") {
				t.Errorf("want one log line, got %d:\n%s", n, logs)
			}
			for _, secret := range []string{testToken, testAESKey, testSecret} {
				if strings.Contains(logs, secret) || strings.Contains(body, secret) {
					t.Errorf("a secret leaked into the log or the answer")
				}
			}
		})
	}
}

func TestPanicInHandlerIsA500(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewServer(intake.Guard(h.handler.guard("test", func(http.ResponseWriter, *http.Request) string { panic("boom") }), nil, nil))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError || !slices.Contains(h.observed(), "test:panic") {
		t.Errorf("status %d, observed %v", resp.StatusCode, h.observed())
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	h := newHarness(t)
	base := Config{Token: testToken, EncodingAESKey: testAESKey, CorpID: testCorp, AgentID: testAgent, Secret: testSecret}
	for name, mod := range map[string]func(*Config){
		"short aes key": func(c *Config) { c.EncodingAESKey = testAESKey[:42] },
		"no token":      func(c *Config) { c.Token = "" },
		"no secret":     func(c *Config) { c.Secret = "" },
		"no corp":       func(c *Config) { c.CorpID = "" },
	} {
		cfg := base
		mod(&cfg)
		if _, err := New(cfg, h.handler.reg, nil, nil); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), testAESKey[:42]) {
			t.Errorf("%s: error leaks a secret: %v", name, err)
		}
	}
}
