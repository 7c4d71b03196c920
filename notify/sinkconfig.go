package notify

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
)

// SinkConfig is a sink type's own part of bot.yaml: every key of a sink's
// entry but type, template, rate and lang. The loader decodes the entry
// into it by its yaml tags, refusing keys it lacks, then calls Check.
type SinkConfig interface {
	// Check fills in defaults and reports what is wrong.
	Check(c *ConfigCheck)
	// Secrets are the values nothing may show: tokens, passwords, the
	// secret parts of URLs.
	Secrets() []Secret
}

// Secret is a value nothing may show, with the key of the sink's entry it
// is written under, which messages name instead.
type Secret struct{ Key, Value string }

// FixedFormat is implemented by the configurations of sinks that always
// send the same document and so take no template; it says what they send.
type FixedFormat interface {
	FixedFormat() string
}

// ConfigSource is what the loader knows of one sink's entry. Keys are
// relative to the entry ("url", "smtp.host", "to[0]"); "" is the entry.
type ConfigSource interface {
	// Has reports whether key was written.
	Has(key string) bool
	// Why names the unset variables that emptied key ("X is not set"), ""
	// when it was written empty.
	Why(key string) string
	// Show quotes value for a message, unless it came from the
	// environment, where it may be a secret.
	Show(key, value string) string
	// Path is key's full path: "sinks.team.url".
	Path(key string) string
	// Report records a problem at the line of key, or of its nearest
	// written parent.
	Report(key string, warning bool, msg string)
	// Shared is the value of another part of the file, by its full path
	// ("chat.slack.bot_token"), and why it is empty.
	Shared(path string) (value any, why string)
}

// ConfigCheck is what a sink type's Check reports to: problems with their
// lines, and whether the sink is disabled.
type ConfigCheck struct {
	typ      string
	src      ConfigSource
	disabled string
}

// NewConfigCheck checks a sink of type typ whose entry src describes.
func NewConfigCheck(typ string, src ConfigSource) *ConfigCheck {
	return &ConfigCheck{typ: typ, src: src}
}

// Has reports whether key was written.
func (c *ConfigCheck) Has(key string) bool { return c.src.Has(key) }

// Why names the unset variables that emptied key.
func (c *ConfigCheck) Why(key string) string { return c.src.Why(key) }

// Because is Why in parentheses after a space, "" without a reason.
func (c *ConfigCheck) Because(key string) string { return JoinWhy(c.src.Why(key)) }

// Errorf reports an error at key: "sinks.team.url: message".
func (c *ConfigCheck) Errorf(key, format string, args ...any) {
	c.ErrorAt(key, key, format, args...)
}

// ErrorAt reports an error about key at the line of another key.
func (c *ConfigCheck) ErrorAt(line, key, format string, args ...any) {
	c.src.Report(line, false, c.src.Path(key)+": "+fmt.Sprintf(format, args...))
}

// Warnf reports a warning at key.
func (c *ConfigCheck) Warnf(key, format string, args ...any) {
	c.src.Report(key, true, c.src.Path(key)+": "+fmt.Sprintf(format, args...))
}

// Disable turns the sink off with a warning, as when the variable its URL
// needs is unset; only the first reason is kept.
func (c *ConfigCheck) Disable(reason string) {
	if c.disabled != "" {
		return
	}
	c.disabled = reason
	c.src.Report("", true, c.src.Path("")+" is disabled: "+reason)
}

// Disabled is the reason the sink is off, "" when it is not.
func (c *ConfigCheck) Disabled() string { return c.disabled }

// OneOf reports an error unless value is one of allowed.
func (c *ConfigCheck) OneOf(key, value string, allowed ...string) bool {
	if slices.Contains(allowed, value) {
		return true
	}
	c.Errorf(key, "%s is not one of %s", c.src.Show(key, value), strings.Join(allowed, ", "))
	return false
}

// HTTPURL reports an error unless value is an absolute http(s) URL. The
// value is never shown: URLs often carry tokens.
func (c *ConfigCheck) HTTPURL(key, value string) bool {
	if CheckHookURL(value, HookToken{}) != nil {
		c.Errorf(key, "must be an http:// or https:// URL with a host")
		return false
	}
	return true
}

// HookURL checks the webhook URL at key, which must be written: a URL
// emptied by unset variables, wholly or in its token, disables the sink;
// any other fault is an error.
func (c *ConfigCheck) HookURL(key, value string, tok HookToken) bool {
	if !c.Has(key) {
		c.Errorf("", "a %s sink needs %s", c.typ, key)
		return false
	}
	if value == "" {
		c.Disable(key + " is empty" + c.Because(key))
		return false
	}
	var he *HookURLError
	switch err := CheckHookURL(value, tok); {
	case err == nil:
		return true
	case !errors.As(err, &he) || he.Problem == NotHTTPURL:
		c.HTTPURL(key, value)
	case he.Problem == EmptyToken:
		c.Disable(key + " " + he.Error() + c.Because(key))
	default:
		c.Errorf(key, "%s", he.Error())
	}
	return false
}

// AtLeast reports an error when d is below min.
func (c *ConfigCheck) AtLeast(key string, d, min time.Duration) {
	if d < min {
		c.Errorf(key, "must be at least %s", min)
	}
}

// Inherit fills *dst (a *string or *int), when it is empty, from another
// part of the file, such as the chat platform a sink shares credentials
// with; it returns why that part is empty.
func (c *ConfigCheck) Inherit(dst any, path string) (why string) {
	v, why := c.src.Shared(path)
	switch d := dst.(type) {
	case *string:
		if s, ok := v.(string); ok && *d == "" {
			*d = s
		}
	case *int:
		if n, ok := v.(int); ok && *d == 0 {
			*d = n
		}
	default:
		panic(fmt.Sprintf("Inherit into %T", dst))
	}
	return why
}

// JoinWhy formats reasons as " (A is not set, B is not set)", dropping
// empty and repeated ones; "" when none is left.
func JoinWhy(whys ...string) string {
	var parts []string
	for _, w := range whys {
		if w != "" && !slices.Contains(parts, w) {
			parts = append(parts, w)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// URLSecrets are the secret parts of the webhook URL written at key: the
// token tok names, or every query value when it names none in the query.
func URLSecrets(key, raw string, tok HookToken) []Secret {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []Secret
	for _, name := range slices.Sorted(maps.Keys(u.Query())) {
		if tok.Query != "" && name != tok.Query {
			continue // api-version=1 and the like are no secret
		}
		for _, v := range u.Query()[name] {
			out = append(out, Secret{key, v})
		}
	}
	if tok.Path == "" {
		return out
	}
	want := strings.Split(tok.Path, "/")
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < len(want) {
		return out
	}
	for i, w := range want {
		if s := segs[len(segs)-len(want)+i]; w == strings.ToUpper(w) && s != "" {
			out = append(out, Secret{key, s})
		}
	}
	return out
}
