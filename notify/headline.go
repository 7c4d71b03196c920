package notify

import (
	"fmt"
	"strings"
	"unicode"
)

// Headline limits: a subject line stays readable in a mail client's list
// and a phone's notification.
const (
	headlineSteps      = 3   // step names before "+N more"
	headlineTitleBytes = 100 // of the commit title
)

// Headline says in words, on one line, what happened to a's build, e.g.
//
//	❌ octo/pay #42 failed at test · main · Round charges to cents
//	🔁 octo/pay #44 still failing (3rd in a row) at test · main · Retry
//	✅ octo/pay main fixed by #43 · Round charges to cents
func (p *Phrases) Headline(a *Alert) string { return p.headline(a, titleOf(a)) }

// heading is the Headline without the commit title, for a rendering that
// shows the commit on a line of its own.
func (p *Phrases) heading(a *Alert) string { return p.headline(a, "") }

func (p *Phrases) headline(a *Alert, title string) string {
	name := fmt.Sprintf("%s #%d", a.Repo, a.Build)
	steps := p.stepNames(a)
	var head string
	switch a.Outcome {
	case OutcomeFailure:
		head = fmt.Sprintf(p.Failed, name)
		if steps != "" {
			head = fmt.Sprintf(p.FailedAt, name, steps)
		}
	case OutcomeStillFailing:
		switch {
		case a.FailCount > 1 && steps != "":
			head = fmt.Sprintf(p.StillFailingAt, name, p.ordinal(a.FailCount), steps)
		case a.FailCount > 1:
			head = fmt.Sprintf(p.StillFailingN, name, p.ordinal(a.FailCount))
		default:
			head = fmt.Sprintf(p.StillFailing1, name)
		}
	case OutcomeFixed:
		if a.Branch != "" {
			// The branch is the news here, so it leads.
			return oneLine(joinDot(fmt.Sprintf(p.FixedBy, a.Repo, a.Branch, a.Build), title))
		}
		head = fmt.Sprintf(p.FixedBuild, name)
	case OutcomeSuccess:
		head = fmt.Sprintf(p.Passed, name)
	case OutcomeKilled:
		head = fmt.Sprintf(p.Killed, name)
	default:
		head = p.OutcomeLabel(a) + p.Colon + name
	}
	return oneLine(joinDot(head, a.Branch, title))
}

// stepNames names the failed steps, the first few of them.
func (p *Phrases) stepNames(a *Alert) string {
	var names []string
	seen := map[string]bool{}
	for _, st := range a.FailedSteps {
		if st.Name == "" || seen[st.Name] {
			continue
		}
		seen[st.Name] = true
		names = append(names, st.Name)
	}
	if len(names) <= headlineSteps {
		return strings.Join(names, p.StepJoin)
	}
	return strings.Join(names[:headlineSteps], p.StepJoin) + fmt.Sprintf(p.MoreSteps, len(names)-headlineSteps)
}

func titleOf(a *Alert) string { return TruncateBytes(firstLine(a.Title), headlineTitleBytes, "…") }

// joinDot joins the non-empty parts with " · ".
func joinDot(parts ...string) string {
	var kept []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			kept = append(kept, s)
		}
	}
	return strings.Join(kept, " · ")
}

// oneLine keeps s on one line: a mail header or a notification preview must
// not break, whatever a branch or title holds.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	}), " ")
}
