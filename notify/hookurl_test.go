package notify

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckHookURL(t *testing.T) {
	key := HookToken{Query: "key"}
	hook := HookToken{Path: "hook/TOKEN", Name: "hook token"}
	pair := HookToken{Path: "webhooks/ID/TOKEN", Name: "webhook id and token"}
	tests := []struct {
		raw  string
		tok  HookToken
		want HookURLProblem // 0: fine
		text string
	}{
		{"https://h.example.com/x", HookToken{}, 0, ""},
		{"ftp://h.example.com/x", HookToken{}, NotHTTPURL, "is not an http(s) URL"},
		{"https:///x", HookToken{}, NotHTTPURL, "is not an http(s) URL"},
		{"not a url", key, NotHTTPURL, "is not an http(s) URL"},
		{"https://q.example.com/send?key=SECRET1", key, 0, ""},
		{"https://q.example.com/send?key=", key, EmptyToken, "has an empty key="},
		{"https://q.example.com/send", key, EmptyToken, "has an empty key="},
		{"https://f.example.com/open-apis/bot/v2/hook/SECRET1", hook, 0, ""},
		{"https://f.example.com/open-apis/bot/v2/hook/", hook, EmptyToken, "ends without its hook token"},
		{"https://f.example.com/open-apis/bot/v2/hook", hook, EmptyToken, "ends without its hook token"},
		{"https://f.example.com/open-apis/bot/v2/other/SECRET1", hook, WrongPath, "does not end in /hook/TOKEN"},
		{"https://f.example.com/hook/SECRET1/more", hook, WrongPath, "does not end in /hook/TOKEN"},
		{"https://d.example.com/api/webhooks/123/SECRET1", pair, 0, ""},
		{"https://d.example.com/api/v10/webhooks/123/SECRET1?wait=true", pair, 0, ""},
		{"https://d.example.com/api/webhooks//", pair, EmptyToken, "ends without its webhook id and token"},
		{"https://d.example.com/api/webhooks/123/", pair, EmptyToken, "ends without its webhook id and token"},
		{"https://d.example.com/api/webhooks/123/SECRET1/slack", pair, WrongPath, "does not end in /webhooks/ID/TOKEN"},
	}
	for _, tt := range tests {
		err := CheckHookURL(tt.raw, tt.tok)
		var he *HookURLError
		switch {
		case tt.want == 0 && err != nil:
			t.Errorf("%s: %v", tt.raw, err)
		case tt.want == 0:
		case !errors.As(err, &he) || he.Problem != tt.want || err.Error() != tt.text:
			t.Errorf("%s: got %v, want problem %d %q", tt.raw, err, tt.want, tt.text)
		case strings.Contains(err.Error(), "SECRET"):
			t.Errorf("%s: the error shows the token: %v", tt.raw, err)
		}
	}
}
