package drone

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// buildPath is the escaped API path of one build.
func buildPath(slug string, number int64) (string, error) {
	p, err := repoPath(slug)
	if err != nil {
		return "", err
	}
	if number <= 0 {
		return "", &Error{Kind: KindInvalid, Op: "check build number", Message: fmt.Sprintf("build number must be positive, got %d", number)}
	}
	return p + "/builds/" + strconv.FormatInt(number, 10), nil
}

// paramQuery turns build parameters into query values, refusing keys the
// server would read as something else.
func paramQuery(params map[string]string, reserved ...string) (url.Values, error) {
	q := url.Values{}
	for k, v := range params {
		if k == "" || strings.ContainsFunc(k, func(r rune) bool { return r <= ' ' || r == '=' }) {
			return nil, &Error{Kind: KindInvalid, Op: "check parameters", Message: fmt.Sprintf("parameter name %q is not valid", k)}
		}
		if slices.Contains(reserved, k) {
			return nil, &Error{Kind: KindInvalid, Op: "check parameters", Message: fmt.Sprintf("parameter name %q is reserved", k)}
		}
		q.Set(k, v)
	}
	return q, nil
}
