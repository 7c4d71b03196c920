package drone

import "path"

// MatchGlob reports whether a repository slug or a branch name matches a
// glob from the configuration or a chat command. "*" alone matches
// everything; otherwise the pattern is a path.Match pattern, so "*" stays
// within one segment ("octo/*" matches "octo/demo", "release/*" matches
// "release/1.2"). A malformed pattern matches nothing.
func MatchGlob(pattern, name string) bool {
	if pattern == "*" || pattern == "**" {
		return true
	}
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}

// MatchAnyGlob reports whether name matches one of the patterns; no patterns
// match everything.
func MatchAnyGlob(patterns []string, name string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if MatchGlob(p, name) {
			return true
		}
	}
	return false
}
