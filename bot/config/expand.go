package config

import (
	"fmt"
	"strings"
)

// expand replaces ${NAME} and ${NAME:-default} in s from env. It runs once
// over the text: a value taken from the environment is never expanded again,
// so a secret containing "$", "#" or ":" stays exactly what it is. "$${"
// writes a literal "${". The returned notes name each variable that made
// part of the value empty ("DRONE_TOKEN is not set"), so a caller can say
// why a required value is empty.
func expand(s string, env func(string) (string, bool)) (string, []string, error) {
	if !strings.Contains(s, "${") {
		return s, nil, nil
	}
	var out strings.Builder
	var notes []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			out.WriteString(s)
			return out.String(), notes, nil
		}
		if i > 0 && s[i-1] == '$' {
			out.WriteString(s[:i-1])
			out.WriteString("${")
			s = s[i+2:]
			continue
		}
		out.WriteString(s[:i])
		rest := s[i+2:]
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return "", nil, fmt.Errorf("unterminated ${ (write $${ for a literal ${)")
		}
		expr := rest[:end]
		s = rest[end+1:]
		name, def, hasDef := strings.Cut(expr, ":-")
		if !validVarName(name) {
			return "", nil, fmt.Errorf("bad variable name in ${...}: use letters, digits and _ (write $${ for a literal ${)")
		}
		val, set := env(name)
		switch {
		case val != "":
			out.WriteString(val)
		case hasDef:
			out.WriteString(def)
			if def == "" {
				notes = append(notes, varNote(name, set))
			}
		default:
			notes = append(notes, varNote(name, set))
		}
	}
}

func varNote(name string, set bool) string {
	if set {
		return name + " is empty"
	}
	return name + " is not set"
}

func validVarName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
