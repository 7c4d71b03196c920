package notify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestCheckHTTP(t *testing.T) {
	tests := []struct {
		status    int
		retryable bool
		ok        bool
	}{
		{200, false, true}, {204, false, true},
		{400, false, false}, {401, false, false}, {404, false, false}, {413, false, false},
		{408, true, false}, {429, true, false}, {500, true, false}, {502, true, false}, {503, true, false},
	}
	for _, tt := range tests {
		err := CheckHTTP(tt.status, []byte(`{"error":"nope"}`))
		if (err == nil) != tt.ok {
			t.Errorf("%d: err = %v", tt.status, err)
			continue
		}
		if err != nil && Retryable(err) != tt.retryable {
			t.Errorf("%d: retryable = %v, want %v", tt.status, Retryable(err), tt.retryable)
		}
	}
}

func TestCheckResponseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"30", 30 * time.Second, true},
		{now.Add(2 * time.Minute).Format(http.TimeFormat), 2 * time.Minute, true},
		{"", 0, false},
		{"soon", 0, false},
	} {
		r := &Response{Status: 429, Header: http.Header{"Retry-After": {tt.header}}}
		d, ok := RetryDelay(CheckResponse(r, now))
		if d != tt.want || ok != tt.ok {
			t.Errorf("Retry-After %q: got %v %v, want %v %v", tt.header, d, ok, tt.want, tt.ok)
		}
	}
}

func TestRetryAfterNeverOverflows(t *testing.T) {
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	for _, header := range []string{
		"31536000",
		"9300000000", // seconds that overflow a time.Duration
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Format(http.TimeFormat),
	} {
		r := &Response{Status: 503, Header: http.Header{"Retry-After": {header}}}
		d, ok := RetryDelay(CheckResponse(r, now))
		if !ok || d < 365*24*time.Hour {
			t.Errorf("Retry-After %q: got %v %v, want a long positive delay (the caller caps it)", header, d, ok)
		}
	}
}

func TestClassification(t *testing.T) {
	base := errors.New("boom")
	if !IsPermanent(Permanent(base)) || Retryable(Permanent(base)) {
		t.Error("Permanent not permanent")
	}
	if !IsAmbiguous(Ambiguous(base)) || !Retryable(Ambiguous(base)) {
		t.Error("Ambiguous must be ambiguous and retryable")
	}
	if !Retryable(base) || IsPermanent(base) || IsAmbiguous(base) {
		t.Error("plain error must be retryable")
	}
	wrapped := errors.Join(errors.New("ctx"), RetryAfter(base, time.Minute))
	if d, ok := RetryDelay(wrapped); !ok || d != time.Minute {
		t.Errorf("RetryDelay through wrapping = %v %v", d, ok)
	}
	if !errors.Is(Permanent(base), base) {
		t.Error("classification must keep the cause")
	}
	if Permanent(nil) != nil || Ambiguous(nil) != nil || RetryAfter(nil, 1) != nil {
		t.Error("nil must stay nil")
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=xxxxx"},
		{"https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1&sign=s%2B", "https://oapi.dingtalk.com/robot/send?access_token=xxxxx&timestamp=1&sign=xxxxx"},
		{"https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c", "https://open.feishu.cn/open-apis/bot/v2/hook/xxxxx"},
		{"https://hooks.slack.com/services/T000/B000/XXXX", "https://hooks.slack.com/services/xxxxx/xxxxx/xxxxx"},
		{"https://bob:hunter2@ops.example.com/x?Token=t1", "https://bob:xxxxx@ops.example.com/x?Token=xxxxx"},
		{"https://ops.example.com/dronebot", "https://ops.example.com/dronebot"},
		{"://bad", "(unparseable URL)"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPostJSONAmbiguousAfterWrite(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // accept, then never answer in time
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := PostJSON(ctx, srv.Client(), srv.URL+"/hook/SECRET-TOKEN?key=SECRET-KEY", nil, []byte(`{}`))
	if err == nil || !IsAmbiguous(err) {
		t.Fatalf("err = %v, want ambiguous", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("secret leaked: %v", err)
	}
}

func TestPostJSONNotWrittenIsRetryable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens: the request is never written
	_, err := PostJSON(context.Background(), http.DefaultClient, addr+"/?key=SECRET-KEY", nil, []byte(`{}`))
	if err == nil || IsAmbiguous(err) || IsPermanent(err) {
		t.Fatalf("err = %v, want plain retryable", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("secret leaked: %v", err)
	}
}

func TestTruncateBytes(t *testing.T) {
	if got := TruncateBytes("构建失败了", 8, "…"); got != "构…" {
		t.Errorf("got %q", got)
	}
	if got := TruncateBytes("abc", 3, "…"); got != "abc" {
		t.Errorf("got %q", got)
	}
}
