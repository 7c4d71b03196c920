package commands

import (
	"fmt"
	"github.com/dronebot/dronebot/drone"
	"strings"
)

// Identity is who asked: a platform and that platform's user id.
type Identity struct{ Platform, ID string }

// String is the form used in configuration, e.g. "slack:U012AB3CD".
func (i Identity) String() string { return i.Platform + ":" + i.ID }

// ParseIdentity reads "platform:id" as written in the acl lists and --as.
func ParseIdentity(s string) (Identity, error) {
	platform, id, ok := strings.Cut(strings.TrimSpace(s), ":")
	platform = strings.ToLower(strings.TrimSpace(platform))
	id = strings.TrimSpace(id)
	if !ok || platform == "" || id == "" {
		return Identity{}, fmt.Errorf("identity %q: want PLATFORM:ID, e.g. slack:U012AB3CD", s)
	}
	if strings.ContainsAny(platform, " \t*") {
		return Identity{}, fmt.Errorf("identity %q: bad platform name", s)
	}
	return Identity{Platform: platform, ID: id}, nil
}

// Class is what a command may change, checked against the ACL.
type Class int

const (
	Read Class = iota
	Write
	Deploy
)

func (c Class) String() string {
	switch c {
	case Write:
		return "write"
	case Deploy:
		return "deploy"
	}
	return "read"
}

// ACL says who may run which class of command. Entries are identities
// ("slack:U012AB3CD", "wecom:zhangsan"), "platform:*" for everyone on a
// platform, or "*" for everyone.
//
// A nil Read list means everyone may read (the documented default); a nil
// Write list means nobody may write; an empty Deploy list means the Write
// list. The first Rule whose Repos match a repository and which sets a list
// for the class replaces the top-level list for that repository; a rule's
// empty Deploy falls back to the rule's Write, then to the top level.
type ACL struct {
	Read, Write, Deploy []string
	Rules               []Rule
	// Contact is who grants rights ("#ci-admins", "ops@example.com"),
	// named in refusals; empty says the bot's operator.
	Contact string
}

// Rule overrides the ACL for repositories matching one of its globs.
type Rule struct {
	Repos               []string // globs: "octo/*", "*", "octo/demo"
	Read, Write, Deploy []string
}

// Allows reports whether id may run a command of class c on repo (repo may
// be "" for commands without one, or a glob for /subscribe). Identities of
// the "cli" platform are the operator's terminal and are always allowed.
func (a *ACL) Allows(id Identity, c Class, repo string) bool {
	if id.Platform == "cli" {
		return true
	}
	if a == nil {
		return c == Read
	}
	list, found := a.ruleList(c, repo)
	if !found {
		list = a.topList(c)
		if c == Read && a.Read == nil {
			return true
		}
	}
	return listAllows(list, id)
}

func (a *ACL) topList(c Class) []string {
	switch c {
	case Write:
		return a.Write
	case Deploy:
		if len(a.Deploy) == 0 {
			return a.Write
		}
		return a.Deploy
	}
	return a.Read
}

func (a *ACL) ruleList(c Class, repo string) ([]string, bool) {
	if repo == "" {
		return nil, false
	}
	for _, r := range a.Rules {
		if !matchAny(r.Repos, repo) {
			continue
		}
		switch {
		case c == Read && len(r.Read) > 0:
			return r.Read, true
		case c == Write && len(r.Write) > 0:
			return r.Write, true
		case c == Deploy && len(r.Deploy) > 0:
			return r.Deploy, true
		case c == Deploy && len(r.Write) > 0:
			return r.Write, true
		}
	}
	return nil, false
}

func listAllows(list []string, id Identity) bool {
	for _, entry := range list {
		entry = strings.TrimSpace(entry)
		if entry == "*" {
			return true
		}
		platform, who, ok := strings.Cut(entry, ":")
		if !ok || !strings.EqualFold(platform, id.Platform) {
			continue
		}
		if who == "*" || who == id.ID {
			return true
		}
	}
	return false
}

// MatchGlob reports whether a repository slug matches a glob; see
// drone.MatchGlob.
func MatchGlob(pattern, slug string) bool { return drone.MatchGlob(pattern, slug) }

func matchAny(patterns []string, slug string) bool {
	for _, p := range patterns {
		if MatchGlob(p, slug) {
			return true
		}
	}
	return false
}
