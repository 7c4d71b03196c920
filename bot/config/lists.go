package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // digests name IANA zones; hosts without zoneinfo still resolve them

	"github.com/robfig/cron/v3"

	"github.com/dronebot/dronebot/spell"
)

var (
	routeEvents   = []string{"push", "pull_request", "tag", "promote", "rollback", "cron", "custom"}
	routeOutcomes = []string{OnFailure, OnStillFailing, OnFixed, OnSuccess, OnKilled, OnAll}
)

func (c *checker) validateRoutes() {
	for i, r := range c.cfg.Routes {
		p := fmt.Sprintf("routes[%d]", i)
		if r == nil {
			c.rep.errorf(c.line(p), "%s: empty route", p)
			c.cfg.Routes[i] = &Route{Disabled: true}
			continue
		}
		r.Line = c.line(p)
		c.globs(p+".repos", r.Repos)
		c.globs(p+".branches", r.Branches)
		for j, e := range r.Events {
			c.oneOf(fmt.Sprintf("%s.events[%d]", p, j), e, routeEvents...)
		}
		for j, o := range r.On {
			c.oneOf(fmt.Sprintf("%s.on[%d]", p, j), o, routeOutcomes...)
		}
		if r.Lang != "" {
			c.oneOf(p+".lang", r.Lang, "en", "zh")
		}
		r.Disabled = c.sinkRefs(p, r.To)
	}
}

// sinkRefs checks that every name in to is a sink. It reports, and returns
// true, when every sink named is disabled.
func (c *checker) sinkRefs(p string, to []string) (allDisabled bool) {
	if len(to) == 0 {
		c.rep.errorf(c.line(p), "%s: to must name at least one sink", p)
		return true
	}
	var disabled []string
	known := 0
	for j, name := range to {
		s, ok := c.cfg.Sinks[name]
		if !ok || s == nil {
			at := fmt.Sprintf("%s.to[%d]", p, j)
			c.rep.errorf(c.line(at), "%s.to: no sink named %s", p, c.show(at, name))
			continue
		}
		known++
		if s.Disabled {
			disabled = append(disabled, name)
		}
	}
	if known > 0 && len(disabled) == known {
		c.rep.warnf(c.line(p), "%s: every sink it sends to is disabled (%s)", p, strings.Join(disabled, ", "))
		return true
	}
	return known == 0
}

func (c *checker) validateDigests() {
	names := map[string]int{}
	for i, d := range c.cfg.Digests {
		p := fmt.Sprintf("digests[%d]", i)
		if d == nil {
			c.rep.errorf(c.line(p), "%s: empty digest", p)
			c.cfg.Digests[i] = &Digest{Disabled: true, DisabledReason: "empty", Location: time.Local}
			continue
		}
		if d.Name == "" {
			c.rep.errorf(c.line(p), "%s: name is required", p)
		} else if first, dup := names[d.Name]; dup {
			c.rep.errorf(c.line(p+".name"), "%s.name: %s is already the name of digests[%d]", p, c.show(p+".name", d.Name), first)
		} else {
			names[d.Name] = i
		}
		if d.Schedule == "" {
			c.rep.errorf(c.line(p), "%s: schedule is required (5-field cron, e.g. \"0 9 * * 1-5\")", p)
		} else if _, err := cron.ParseStandard(d.Schedule); err != nil {
			detail := ": " + err.Error()
			if c.expanded[p+".schedule"] {
				detail = ""
			}
			c.rep.errorf(c.line(p+".schedule"), "%s.schedule: not a 5-field cron expression%s", p, detail)
		}
		d.Location = time.Local
		if d.Timezone != "" {
			loc, err := time.LoadLocation(d.Timezone)
			if err != nil {
				hint := ""
				if near := spell.Nearest(d.Timezone, zoneNames()); near != "" && !c.expanded[p+".timezone"] {
					hint = fmt.Sprintf("; did you mean %s?", near)
				}
				c.rep.errorf(c.line(p+".timezone"), "%s.timezone: unknown time zone %s%s", p, c.show(p+".timezone", d.Timezone), hint)
			} else {
				d.Location = loc
			}
		}
		if d.Period < 0 {
			c.rep.errorf(c.line(p+".period"), "%s.period: must not be negative", p)
		}
		c.globs(p+".repos", d.Repos)
		if d.Lang != "" {
			c.oneOf(p+".lang", d.Lang, "en", "zh")
		}
		if c.sinkRefs(p, d.To) {
			d.Disabled, d.DisabledReason = true, "every sink it sends to is disabled or unknown"
		}
	}
}

var aclPlatforms = []string{"slack", "wecom", "cli"}

func (c *checker) validateACL() {
	a := &c.cfg.ACL
	c.identities("acl.read", a.Read)
	c.identities("acl.write", a.Write)
	if !c.deployDefaulted {
		c.identities("acl.deploy", a.Deploy)
	}
	for i, r := range a.Rules {
		p := fmt.Sprintf("acl.rules[%d]", i)
		if len(r.Repos) == 0 {
			c.rep.errorf(c.line(p), "%s: repos is required", p)
		}
		c.globs(p+".repos", r.Repos)
		c.identities(p+".read", r.Read)
		c.identities(p+".write", r.Write)
		c.identities(p+".deploy", r.Deploy)
	}
}

// identities checks ACL entries: "*" or "platform:id".
func (c *checker) identities(p string, ids []string) {
	for i, id := range ids {
		if id == "*" {
			continue
		}
		platform, user, ok := strings.Cut(id, ":")
		if !ok || user == "" || !slices.Contains(aclPlatforms, platform) {
			at := fmt.Sprintf("%s[%d]", p, i)
			c.rep.errorf(c.line(at), "%s: %s must be \"*\" or platform:id with platform one of %s", at, c.show(at, id), strings.Join(aclPlatforms, ", "))
		}
	}
}

func (c *checker) validateUsers() {
	seen := map[string]bool{}
	for i, u := range c.cfg.Users {
		p := fmt.Sprintf("users[%d]", i)
		switch {
		case u.Drone == "":
			c.rep.errorf(c.line(p), "%s: drone (the Drone login) is required", p)
		case seen[u.Drone]:
			c.rep.errorf(c.line(p+".drone"), "%s.drone: %s is listed twice", p, c.show(p+".drone", u.Drone))
		}
		seen[u.Drone] = true
	}
}
