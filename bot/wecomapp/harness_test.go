package wecomapp

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"github.com/dronebot/dronebot/bot/intake"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify/wecom"
	"github.com/dronebot/dronebot/notify/wecom/wecomtest"
)

const (
	testToken  = "cb-TOKEN-value"
	testCorp   = "ww-test-corp-01"
	testSecret = "app-SECRET-value"
	testAgent  = 1000002
	writer     = "zhangsan"
	reader     = "lisi"
)

// testAESKey is a valid EncodingAESKey: 43 base64 characters of 32 bytes.
const testAESKey = "WsMXgFrDF4BawxeAWsMXgFrDF4BawxeAWsMXgFrDF4A"

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is the callback route on 127.0.0.1 in front of a fake Drone and
// a fake WeCom app API; requests are encrypted with the app's own Crypto.
type harness struct {
	drone   *dronetest.Server
	app     *wecomtest.AppServer
	handler *Handler
	bot     *httptest.Server
	crypto  *wecom.Crypto
	logs    *syncBuffer
	runs    atomic.Int64 // commands the registry ran (any result)
	msgID   atomic.Int64

	mu      sync.Mutex
	results []string // route:result from the observer
}

func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	h := &harness{logs: &syncBuffer{}}
	h.drone = dronetest.New(drone.DialectV1)
	t.Cleanup(h.drone.Close)
	seedDrone(h.drone)
	dc, err := drone.New(drone.Config{Server: h.drone.URL, Token: h.drone.Token})
	if err != nil {
		t.Fatalf("drone client: %v", err)
	}
	h.app = wecomtest.NewAppServer(wecomtest.AppOptions{CorpID: testCorp, Secret: testSecret, AgentID: testAgent})
	t.Cleanup(h.app.Close)
	reg := commands.NewRegistry(commands.Deps{
		Drone: dc,
		ACL: &commands.ACL{
			Read:  []string{"wecom:" + writer, "wecom:" + reader},
			Write: []string{"wecom:" + writer},
		},
		DroneURL: "https://drone.example.com",
		Observe:  func(string, string) { h.runs.Add(1) },
	})
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg := Config{Token: testToken, EncodingAESKey: testAESKey, CorpID: testCorp, AgentID: testAgent,
		Secret: testSecret, APIURL: h.app.URL(), Drone: dc, DroneURL: "https://drone.example.com",
		FollowEvery: 20 * time.Millisecond}
	h.handler, err = New(cfg, reg, &http.Client{Timeout: 10 * time.Second}, log, append([]Option{WithObserver(func(route, result string) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.results = append(h.results, route+":"+result)
	})}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mux := http.NewServeMux()
	h.handler.Routes(mux)
	h.bot = httptest.NewServer(intake.Guard(mux, nil, nil)) // as the service serves it
	t.Cleanup(func() {
		h.wait(t)
		h.bot.Close()
	})
	h.crypto, err = wecom.NewCrypto(testToken, testAESKey, testCorp)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func seedDrone(fake *dronetest.Server) {
	fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	clone := dronetest.StepSpec{Name: "clone", Status: drone.StatusSuccess, Log: []string{"+ git fetch origin"}}
	fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusSuccess, Message: "first", Stages: []dronetest.StageSpec{
		{Name: "default", Status: drone.StatusSuccess, Steps: []dronetest.StepSpec{clone}}}})
	var long []string
	for i := range 400 {
		long = append(long, fmt.Sprintf("log line %03d: 构建输出 some compiler output here", i+1))
	}
	fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusFailure, Message: "add feature", Stages: []dronetest.StageSpec{
		{Name: "default", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{clone, {
			Name: "test", Status: drone.StatusFailure, ExitCode: 2, Log: append(long, "FAIL the last line"),
		}}}}})
}

// wait lets every background reply finish.
func (h *harness) wait(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.handler.Wait(ctx); err != nil {
		t.Errorf("Wait: %v", err)
	}
}

// textMessage is the decrypted XML of a text message from user.
func (h *harness) textMessage(user, content string) string {
	id := 7000000000000000000 + h.msgID.Add(1)
	return fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>%d</MsgId><AgentID>%d</AgentID></xml>", testCorp, user, time.Now().Unix(), content, id, testAgent)
}

// signed is a callback request for an Encrypt value, signed now.
type signed struct {
	sig, ts, nonce string
	body           []byte
}

func (h *harness) seal(t *testing.T, inner string) signed {
	t.Helper()
	enc, err := h.crypto.Encrypt([]byte(inner), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return h.sealEncrypt(enc)
}

func (h *harness) sealEncrypt(enc string) signed {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := strconv.FormatInt(h.msgID.Add(1)*7919, 10)
	body := "<xml><ToUserName><![CDATA[" + testCorp + "]]></ToUserName><Encrypt><![CDATA[" + enc +
		"]]></Encrypt><AgentID><![CDATA[" + strconv.Itoa(testAgent) + "]]></AgentID></xml>"
	return signed{sig: h.crypto.Signature(ts, nonce, enc), ts: ts, nonce: nonce, body: []byte(body)}
}

// post sends s to the callback route and returns the status and body.
func (h *harness) post(t *testing.T, s signed) (int, string) {
	t.Helper()
	q := url.Values{"msg_signature": {s.sig}, "timestamp": {s.ts}, "nonce": {s.nonce}}
	resp, err := http.Post(h.bot.URL+"/wecom/callback?"+q.Encode(), "text/xml", bytes.NewReader(s.body))
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// send posts a text message from user and checks the empty 200.
func (h *harness) send(t *testing.T, user, text string) {
	t.Helper()
	if status, body := h.post(t, h.seal(t, h.textMessage(user, text))); status != http.StatusOK || body != "" {
		t.Fatalf("callback answered %d %q, want 200 with an empty body", status, body)
	}
}

// messages waits until the fake app API holds n messages (or fails).
func (h *harness) messages(t *testing.T, n int) []wecomtest.AppMessage {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		msgs := h.app.Messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d messages at the fake WeCom, want %d: %+v", len(msgs), n, msgs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// writes are the requests that changed the fake Drone.
func (h *harness) writes() []string {
	var out []string
	for _, r := range h.drone.Requests() {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func (h *harness) observed() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.results...)
}

// forge encrypts an arbitrary plaintext frame with the app's key, to build
// the malformed messages Encrypt never produces.
func forge(t *testing.T, plain []byte) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(testAESKey + "=")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(key)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

// frame is random(16) | length | msg | receive id | padding to 32.
func frame(msg, receiveID string, length uint32, badPad bool) []byte {
	p := append(bytes.Repeat([]byte{'r'}, 16), byte(length>>24), byte(length>>16), byte(length>>8), byte(length))
	p = append(append(p, msg...), receiveID...)
	pad := 32 - len(p)%32
	p = append(p, bytes.Repeat([]byte{byte(pad)}, pad)...)
	if badPad {
		p[len(p)-1] = 0
	}
	return p
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
