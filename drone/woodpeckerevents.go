package drone

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// wpSilence is how long the event stream may send nothing, not even its
// ": ping" (every 30 s), before it counts as broken.
const wpSilence = 95 * time.Second

var errStreamSilent = errors.New("the event stream fell silent")

// wpEventFrame is one data frame of /api/stream/events.
type wpEventFrame struct {
	Repo     wpRepo     `json:"repo"`
	Pipeline wpPipeline `json:"pipeline"`
}

// WatchBuilds reads /api/stream/events. Its frames carry no id, so a
// reconnect cannot resume: the caller reconciles with a poll once opened
// is called again.
func (a *woodpeckerAPI) WatchBuilds(ctx context.Context, opened func(), each func(slug string, b *Build)) error {
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(wpSilence, func() { cancel(errStreamSilent) })
	defer watchdog.Stop()
	c := call{op: "events", what: "follow build events", method: http.MethodGet, path: "/api/stream/events"}
	err := a.t.follow(sctx, c, mapWoodpecker, func(r io.Reader) error {
		if opened != nil {
			opened()
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 8<<20)
		for sc.Scan() {
			watchdog.Reset(wpSilence)
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue // ": ping", blank lines
			}
			var f wpEventFrame
			if err := json.Unmarshal([]byte(data), &f); err != nil || f.Pipeline.Number <= 0 || f.Repo.FullName == "" {
				a.t.log.Warn("woodpecker event not understood, skipped", "err", err)
				continue
			}
			if f.Repo.ID > 0 {
				a.remember(f.Repo.FullName, f.Repo.ID)
			}
			each(f.Repo.FullName, f.Pipeline.model())
		}
		if err := sc.Err(); err != nil {
			return err
		}
		return io.ErrUnexpectedEOF // the server closed the stream
	})
	switch {
	case ctx.Err() != nil:
		return nil
	case errors.Is(context.Cause(sctx), errStreamSilent):
		return &Error{Kind: KindUnreachable, Op: c.what, Message: "Woodpecker's event stream sent nothing for " + wpSilence.String()}
	}
	return err
}
