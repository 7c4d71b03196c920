package notify

import (
	"net/url"
	"strings"
)

// HookToken says where a webhook URL carries its secret: in a query
// parameter, or at the end of its path. The zero HookToken asks for no
// token at all.
type HookToken struct {
	// Query is the parameter that holds it: "key" for ?key=TOKEN.
	Query string
	// Path is the end of the URL's path instead, the secret parts in
	// capitals: "hook/TOKEN", "webhooks/ID/TOKEN".
	Path string
	// Name is what a message calls a path token: "hook token".
	Name string
}

// HookURLProblem is what is wrong with a webhook URL.
type HookURLProblem int

const (
	// NotHTTPURL: not an absolute http(s) URL with a host.
	NotHTTPURL HookURLProblem = iota + 1
	// WrongPath: the path does not end the way the platform's URLs do.
	WrongPath
	// EmptyToken: the URL is well formed but its token is empty, as when
	// the variable that holds it is unset.
	EmptyToken
)

// HookURLError describes a webhook URL that will not do. Its text never
// contains the URL.
type HookURLError struct {
	Problem HookURLProblem
	text    string
}

func (e *HookURLError) Error() string { return e.text }

// CheckHookURL checks raw as a webhook URL carrying its token where tok
// says; the error is a *HookURLError.
func CheckHookURL(raw string, tok HookToken) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &HookURLError{NotHTTPURL, "is not an http(s) URL"}
	}
	switch {
	case tok.Query != "":
		if u.Query().Get(tok.Query) == "" {
			return &HookURLError{EmptyToken, "has an empty " + tok.Query + "="}
		}
	case tok.Path != "":
		return checkHookPath(strings.Split(strings.Trim(u.Path, "/"), "/"), tok)
	}
	return nil
}

// checkHookPath matches the path's segments against the pattern's, from
// the last segment named like the pattern's first.
func checkHookPath(segs []string, tok HookToken) error {
	want := strings.Split(tok.Path, "/")
	wrong := &HookURLError{WrongPath, "does not end in /" + tok.Path}
	at := -1
	for i, s := range segs {
		if s == want[0] {
			at = i
		}
	}
	if at < 0 || len(segs)-at > len(want) {
		return wrong
	}
	for j, w := range want[1:] {
		var s string
		if k := at + 1 + j; k < len(segs) {
			s = segs[k]
		}
		switch {
		case w == strings.ToUpper(w) && s == "":
			return &HookURLError{EmptyToken, "ends without its " + tok.Name}
		case w != strings.ToUpper(w) && s != w:
			return wrong
		}
	}
	return nil
}
