package drone

import (
	"context"
	"errors"
	"regexp"
	"strings"
)

const redacted = "REDACTED"

// accessTokenParam matches a token passed in a query string, whoever's token it is.
var accessTokenParam = regexp.MustCompile(`(?i)(access_token=)[^&\s"'#]+`)

// redactor removes the API token from text that may reach logs, errors or chat.
type redactor struct {
	token string
}

func (r redactor) String(s string) string {
	if r.token != "" {
		s = strings.ReplaceAll(s, r.token, redacted)
	}
	return accessTokenParam.ReplaceAllString(s, "${1}"+redacted)
}

// Error wraps err so that its text is redacted. Only the context sentinels
// stay reachable through errors.Is; the original error (which may name a URL
// with a token) is not kept.
func (r redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	re := &redactedError{msg: r.String(err.Error())}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		re.sentinel = context.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		re.sentinel = context.Canceled
	}
	return re
}

type redactedError struct {
	msg      string
	sentinel error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.sentinel }
