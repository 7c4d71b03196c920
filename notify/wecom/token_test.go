package wecom

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/wecom/wecomtest"
)

const (
	testCorp   = "ww0123456789"
	testSecret = "s3cret-APP-secret/+="
	testAgent  = 1000002
)

// clock is a settable time shared by the client and the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newAppPair(t *testing.T) (*AppClient, *wecomtest.AppServer, *clock) {
	t.Helper()
	fake := wecomtest.NewAppServer(wecomtest.AppOptions{CorpID: testCorp, Secret: testSecret, AgentID: testAgent})
	t.Cleanup(fake.Close)
	clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	fake.SetClock(clk.Now)
	c, err := NewAppClient(AppConfig{APIURL: fake.URL(), CorpID: testCorp, AgentID: testAgent, Secret: testSecret},
		&http.Client{Timeout: 10 * time.Second}, nil)
	if err != nil {
		t.Fatalf("NewAppClient: %v", err)
	}
	c.tokens.now = clk.Now
	return c, fake, clk
}

var zhangsan = Recipients{Users: []string{"zhangsan"}}

func TestTokenCachedUntilShortlyBeforeExpiry(t *testing.T) {
	c, fake, clk := newAppPair(t)
	ctx := context.Background()
	for i := range 3 {
		if err := c.SendText(ctx, zhangsan, "hello"); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if got := fake.TokensIssued(); got != 1 {
		t.Errorf("tokens issued after 3 sends = %d, want 1", got)
	}
	// 7200s token, 5 min margin: at 6950s the cache must have let it go,
	// so the send uses a fresh token and is never refused.
	clk.Add(6950 * time.Second)
	if err := c.SendText(ctx, zhangsan, "later"); err != nil {
		t.Fatalf("send after expiry: %v", err)
	}
	if got, calls := fake.TokensIssued(), fake.SendCalls(); got != 2 || calls != 4 {
		t.Errorf("tokens issued = %d (want 2), send calls = %d (want 4: no refused send)", got, calls)
	}
}

func TestTokenInvalidatedEarlyRefreshesOnceAndRetries(t *testing.T) {
	c, fake, _ := newAppPair(t)
	ctx := context.Background()
	if err := c.SendMarkdown(ctx, zhangsan, "**one**"); err != nil {
		t.Fatal(err)
	}
	fake.InvalidateTokens()
	if err := c.SendMarkdown(ctx, zhangsan, "**two**"); err != nil {
		t.Fatalf("send after early invalidation: %v", err)
	}
	if got, calls := fake.TokensIssued(), fake.SendCalls(); got != 2 || calls != 3 {
		t.Errorf("tokens issued = %d (want 2), send calls = %d (want 3: one refused, one retry)", got, calls)
	}
	if msgs := fake.Messages(); len(msgs) != 2 || msgs[1].Content != "**two**" {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestTokenRefusedTwiceIsRetryableNotLooped(t *testing.T) {
	c, fake, _ := newAppPair(t)
	fake.FailNext(2, 0, 42001)
	err := c.SendText(context.Background(), zhangsan, "x")
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("err = %v, want a retryable error", err)
	}
	if calls := fake.SendCalls(); calls != 2 {
		t.Errorf("send calls = %d, want 2 (one retry only)", calls)
	}
}

func TestConcurrentSendsFetchOneToken(t *testing.T) {
	c, fake, _ := newAppPair(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- c.SendText(context.Background(), Recipients{Users: []string{"u" + string(rune('a'+i))}}, "hi")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := fake.TokensIssued(); got != 1 {
		t.Errorf("tokens issued = %d, want 1", got)
	}
}

func TestTokenErrorsArePermanentAndSecretFree(t *testing.T) {
	tests := []struct {
		name    string
		errcode int
		want    string
	}{
		{"wrong secret", 40001, "chat.wecom.secret"},
		{"wrong corp", 40013, "corp_id"},
		{"untrusted ip", 60020, "trusted IPs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// WeCom echoes nothing secret, but a hostile proxy might.
				_, _ = w.Write([]byte(`{"errcode":` + strconv.Itoa(tt.errcode) + `,"errmsg":"refused ` + r.URL.RawQuery + `"}`))
			}))
			defer srv.Close()
			c, err := NewAppClient(AppConfig{APIURL: srv.URL, CorpID: testCorp, AgentID: testAgent, Secret: testSecret}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = c.SendText(context.Background(), zhangsan, "x")
			if !notify.IsPermanent(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want permanent naming %q", err, tt.want)
			}
			assertSecretFree(t, err)
		})
	}
}

func TestTransportErrorIsSecretFree(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := NewAppClient(AppConfig{APIURL: url, CorpID: testCorp, AgentID: testAgent, Secret: testSecret}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = c.SendText(context.Background(), zhangsan, "x")
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("err = %v, want retryable", err)
	}
	assertSecretFree(t, err)
}

func assertSecretFree(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{testSecret, "s3cret", "corpsecret=s", "access_token=tok"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error leaks %q: %v", s, err)
		}
	}
}
