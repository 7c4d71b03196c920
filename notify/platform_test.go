package notify

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFitJSONShrinksUntilTheBodyFits(t *testing.T) {
	long := strings.Repeat("<日志>", 2000) // escaping-prone and multi-byte
	build := func(limit int) any {
		return map[string]string{"text": TruncateBytes(long, limit, "…")}
	}
	body, err := FitJSON(4000, 4000, build)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > 4000 || !strings.Contains(string(body), "<日志>") {
		t.Errorf("%d bytes: %.80s", len(body), body)
	}
	if _, err := FitJSON(10, 10, func(int) any { return map[string]string{"k": "a long fixed value"} }); err == nil {
		t.Error("a payload that cannot shrink fitted")
	}
}

func TestErrcodeAnswer(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name      string
		resp      Response
		code      int
		ambiguous bool
		failed    bool
	}{
		{"ok", Response{Status: 200, Body: []byte(`{"errcode":0,"errmsg":"ok"}`)}, 0, false, false},
		{"business error", Response{Status: 200, Body: []byte(`{"errcode":93000,"errmsg":"invalid webhook url"}`)}, 93000, false, false},
		{"captive page", Response{Status: 200, Body: []byte(`<html>login</html>`)}, 0, true, true},
		{"server error", Response{Status: 502, Header: http.Header{}, Body: []byte(`bad gateway`)}, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, err := ErrcodeAnswer(&tt.resp, now)
			if (err != nil) != tt.failed || IsAmbiguous(err) != tt.ambiguous || code != tt.code {
				t.Errorf("code %d, err %v", code, err)
			}
		})
	}
}
