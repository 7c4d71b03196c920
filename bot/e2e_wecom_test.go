package bot

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify/wecom"
	"github.com/dronebot/dronebot/notify/wecom/wecomtest"
)

// The values of WeCom's published sample: a corp id, a callback token and
// an EncodingAESKey of 43 characters.
const (
	e2eCorp   = "wx5823bf96d3bd56c7"
	e2eToken  = "QDG6eK"
	e2eAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	e2eAgent  = 1000002
	e2eSecret = "e2e-app-secret-0001"
)

// wecomCallback posts one encrypted text message from user to the bot.
func wecomCallback(t *testing.T, addr string, c *wecom.Crypto, user, text string, msgID int64) int {
	t.Helper()
	inner := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>%d</MsgId><AgentID>%d</AgentID></xml>", e2eCorp, user, time.Now().Unix(), text, msgID, e2eAgent)
	enc, err := c.Encrypt([]byte(inner), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "n"+strconv.FormatInt(msgID, 10)
	body := "<xml><ToUserName><![CDATA[" + e2eCorp + "]]></ToUserName><Encrypt><![CDATA[" + enc +
		"]]></Encrypt><AgentID><![CDATA[" + strconv.Itoa(e2eAgent) + "]]></AgentID></xml>"
	q := url.Values{"msg_signature": {c.Signature(ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}}
	resp, err := http.Post("http://"+addr+"/wecom/callback?"+q.Encode(), "text/xml", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestWeComCommandsEndToEnd(t *testing.T) {
	fake := dronetest.New(drone.DialectV1)
	defer fake.Close()
	fake.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main"})
	fake.AddBuild("octo/demo", redBuild("break the parser"))
	app := wecomtest.NewAppServer(wecomtest.AppOptions{CorpID: e2eCorp, Secret: e2eSecret, AgentID: e2eAgent})
	defer app.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "bot.yaml")
	cfg := fmt.Sprintf(`log: {format: json}
server: {listen: "127.0.0.1:0"}
drone: {server: %q, token: %q}
store: {path: %q}
chat:
  wecom: {corp_id: %s, agent_id: %d, secret: %s, token: %s, encoding_aes_key: %s, api_url: %q}
acl: {read: ["*"], write: ["wecom:zhangsan"]}
`, fake.URL, fake.Token, filepath.Join(dir, "bot.db"), e2eCorp, e2eAgent, e2eSecret, e2eToken, e2eAESKey, app.URL())
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	bot := startBot(t, path)
	c, err := wecom.NewCrypto(e2eToken, e2eAESKey, e2eCorp)
	if err != nil {
		t.Fatal(err)
	}

	// URL verification answers the decrypted echo.
	echo, err := c.Encrypt([]byte("echo-1234567"), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "nonce"
	q := url.Values{"msg_signature": {c.Signature(ts, nonce, echo)}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {echo}}
	resp, err := http.Get("http://" + bot.addr + "/wecom/callback?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != "echo-1234567" {
		t.Fatalf("URL verification: %d %q", resp.StatusCode, got)
	}

	// A read command from an allowed user is answered through message/send.
	if code := wecomCallback(t, bot.addr, c, "zhangsan", "/status octo/demo", 1); code != 200 {
		t.Fatalf("callback status %d", code)
	}
	eventually(t, 30*time.Second, func() bool { return len(app.Messages()) == 1 }, "the /status reply")
	reply := app.Messages()[0]
	if reply.ToUser != "zhangsan" || !strings.Contains(reply.Content, "octo/demo #1") || !strings.Contains(reply.Content, "failure") {
		t.Errorf("reply to %s: %s", reply.ToUser, reply.Content)
	}

	// The same MsgId again (WeCom retries) runs once.
	wecomCallback(t, bot.addr, c, "zhangsan", "/status octo/demo", 1)
	// A write command from someone not in acl.write is refused.
	fake.ResetRequests()
	wecomCallback(t, bot.addr, c, "lisi", "/restart octo/demo 1", 2)
	eventually(t, 30*time.Second, func() bool { return len(app.Messages()) == 2 }, "the refusal")
	if refusal := app.Messages()[1]; refusal.ToUser != "lisi" || !strings.Contains(refusal.Content, "not allowed") {
		t.Errorf("refusal to %s: %s", refusal.ToUser, refusal.Content)
	}
	for _, r := range fake.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("a refused command reached Drone: %s %s", r.Method, r.Path)
		}
	}
	// A forged signature is refused and runs nothing.
	q = url.Values{"msg_signature": {"0000"}, "timestamp": {ts}, "nonce": {nonce}}
	resp, err = http.Post("http://"+bot.addr+"/wecom/callback?"+q.Encode(), "text/xml", strings.NewReader("<xml><Encrypt>x</Encrypt></xml>"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged signature: %d, want 401", resp.StatusCode)
	}
	bot.waitCycles(1)
	if n := len(app.Messages()); n != 2 {
		t.Errorf("%d replies, want 2 (the replayed MsgId ran once)", n)
	}
	if got := bot.metric(`dronebot_signature_failures_total{route="callback"}`); got != 1 {
		t.Errorf("signature failures metric = %v, want 1", got)
	}
	if got := bot.metric(`dronebot_http_requests_total{code="401",route="POST /wecom/callback"}`); got != 1 {
		t.Errorf("401s on POST /wecom/callback = %v, want 1", got)
	}
	if got := bot.metric(`dronebot_http_requests_total{code="200",route="POST /wecom/callback"}`); got != 3 {
		t.Errorf("200s on POST /wecom/callback = %v, want 3", got)
	}
	bot.stop(syscall.SIGTERM)
}
