package intake

import (
	"testing"
	"time"

	"github.com/dronebot/dronebot/commands"
)

func TestReplyHelpers(t *testing.T) {
	joins := []struct{ a, b, want string }{
		{"", "note", "note"},
		{"reply", "note", "reply\nnote"},
		{"reply", "", "reply\n"},
	}
	for _, c := range joins {
		if got := JoinText(c.a, c.b); got != c.want {
			t.Errorf("JoinText(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
	marks := map[commands.Level]string{commands.Error: "❌ ", commands.Warning: "⚠️ ", commands.Success: "✅ ", commands.Info: ""}
	for level, want := range marks {
		if got := LevelMark(level); got != want {
			t.Errorf("LevelMark(%v) = %q, want %q", level, got, want)
		}
	}
}

func TestOrDefault(t *testing.T) {
	cases := []struct{ set, want time.Duration }{
		{0, time.Minute},
		{-time.Second, time.Minute},
		{time.Second, time.Second},
	}
	for _, c := range cases {
		if got := OrDefault(c.set, time.Minute); got != c.want {
			t.Errorf("OrDefault(%v, 1m) = %v, want %v", c.set, got, c.want)
		}
	}
}
