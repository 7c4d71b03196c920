// Package intake is what every request into the bot shares: the one guard
// around every HTTP route (body limit, panic recovery, status observed), the
// per-route acknowledgement deadline and result, and the runner of
// background work (commands under a concurrency bound, followed builds,
// graceful shutdown). The platform parts (signatures,
// rendering, delivery) stay with each intake.
package intake

import (
	"time"

	"github.com/dronebot/dronebot/commands"
)

// JoinText puts b on a line after a, or alone when a is empty.
func JoinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// LevelMark prefixes failures, warnings and successes so they stand out
// in a reply's title.
func LevelMark(l commands.Level) string {
	switch l {
	case commands.Error:
		return "❌ "
	case commands.Warning:
		return "⚠️ "
	case commands.Success:
		return "✅ "
	}
	return ""
}

// OrDefault is d, or def when d is not set (zero or negative).
func OrDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
