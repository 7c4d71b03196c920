// Package route decides where an alert goes and how it is said there: the
// configured routes and the subscriptions made from chat (each a set of
// repository globs, branch globs, events and outcomes leading to
// destinations), the ACL that bounds a subscription, the author's mentions
// and each destination's language.
package route

import (
	"slices"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/notify"
)

// Route is one rule. Empty Repos, Branches or Events match everything; empty
// On means failure and fixed.
type Route struct {
	Repos         []string
	Branches      []string
	Events        []string
	On            []string // outcomes, or "all"
	To            []string // destinations
	MentionAuthor bool
	Lang          string // "" = the destination's or the default language
}

// Target is one destination an alert goes to, with how to say it.
type Target struct {
	Dest          string
	Lang          string
	MentionAuthor bool
}

// defaultOn is what a route without `on:` reacts to.
var defaultOn = []string{string(notify.OutcomeFailure), string(notify.OutcomeFixed)}

// Match returns the destinations of a, each once. Every matching route is
// used; for a destination named by several, the first route in order
// decides the language and the mention.
func Match(routes []Route, a *notify.Alert) []Target {
	var out []Target
	seen := map[string]bool{}
	for _, r := range routes {
		if !r.matches(a) {
			continue
		}
		for _, dest := range r.To {
			if seen[dest] {
				continue
			}
			seen[dest] = true
			out = append(out, Target{Dest: dest, Lang: r.Lang, MentionAuthor: r.MentionAuthor})
		}
	}
	return out
}

func (r *Route) matches(a *notify.Alert) bool {
	if !drone.MatchAnyGlob(r.Repos, a.Repo) || !drone.MatchAnyGlob(r.Branches, a.Branch) {
		return false
	}
	if len(r.Events) > 0 && !slices.Contains(r.Events, a.Event) {
		return false
	}
	on := r.On
	if len(on) == 0 {
		on = defaultOn
	}
	return slices.Contains(on, "all") || slices.Contains(on, string(a.Outcome))
}
