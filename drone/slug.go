package drone

import (
	"net/url"
	"strings"
	"unicode"
)

// ValidSlug splits "owner/name" and rejects anything that could leave the
// repository's API path: one slash, no empty part, no "..", no spaces or
// control characters. The error is a *Error of KindInvalid.
func ValidSlug(slug string) (owner, name string, err error) {
	invalid := func(why string) (string, string, error) {
		return "", "", &Error{Kind: KindInvalid, Op: "check repository", Message: "repository must be written owner/name: " + why}
	}
	if slug == "" {
		return invalid("it is empty")
	}
	if len(slug) > 200 {
		return invalid("it is too long")
	}
	if strings.ContainsFunc(slug, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar }) {
		return invalid("it contains spaces or control characters")
	}
	owner, name, ok := strings.Cut(slug, "/")
	if !ok || strings.Contains(name, "/") {
		return invalid("it needs exactly one slash")
	}
	if owner == "" || name == "" {
		return invalid("owner and name must not be empty")
	}
	for _, part := range []string{owner, name} {
		if part == "." || strings.Contains(part, "..") {
			return invalid(`"." and ".." are not allowed`)
		}
	}
	return owner, name, nil
}

// repoPath is the escaped API path of a repository: /api/repos/{owner}/{name}.
func repoPath(slug string) (string, error) {
	owner, name, err := ValidSlug(slug)
	if err != nil {
		return "", err
	}
	return "/api/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name), nil
}
