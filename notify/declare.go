package notify

import "time"

// What a sink may declare about its platform, beside the Sink interface.
// The delivery stage reads these through LimitsOf and CostOf, so a wrapper
// (a template, say) passes them on by implementing them too.

// Window is a sliding-window rate limit: at most N messages in any Per.
// A zero N means unlimited.
type Window struct {
	N   int
	Per time.Duration
}

// RateLimited is implemented by sinks whose platform caps how often they
// may post (Feishu: 5 a second and 100 a minute).
type RateLimited interface {
	Limits() []Window
}

// Coster is implemented by sinks whose Send may use more than one of the
// platform's messages (and so of its rate limit) for one Message.
type Coster interface {
	Cost(m *Message) int
}

// LimitsOf is the rate limits s declares, nil for none.
func LimitsOf(s Sink) []Window {
	if r, ok := s.(RateLimited); ok {
		return r.Limits()
	}
	return nil
}

// CostOf is how many platform messages s uses to send m: 1 unless s says
// otherwise.
func CostOf(s Sink, m *Message) int {
	if c, ok := s.(Coster); ok {
		return c.Cost(m)
	}
	return 1
}
