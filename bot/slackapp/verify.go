package slackapp

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/dronebot/dronebot/bot/intake"
	"net/http"
	"strconv"
	"time"

	slackapi "github.com/slack-go/slack"
)

const (
	// signatureWindow is how far a request's timestamp may be from now.
	signatureWindow = 5 * time.Minute
)

// rejection is why a request was refused before anything ran: the HTTP
// status to answer and the metrics result.
type rejection struct {
	status int
	result string
	err    error
}

func (r *rejection) Error() string { return r.err.Error() }

// readSigned reads the raw body (at most intake.MaxBody) and checks Slack's v0
// signature over it and the timestamp window. The timestamp is checked
// against the app's clock, and slack-go checks it against the wall clock too.
func (a *App) readSigned(w http.ResponseWriter, r *http.Request) ([]byte, *rejection) {
	body, err := intake.ReadBody(w, r)
	if errors.Is(err, intake.ErrTooLarge) {
		return nil, &rejection{http.StatusRequestEntityTooLarge, "too_large", err}
	}
	if err != nil {
		return nil, &rejection{http.StatusBadRequest, "malformed", err}
	}
	if err := a.verify(r.Header, body); err != nil {
		return nil, err
	}
	return body, nil
}

// replayed reports whether a signed request was run before (a replay, or
// Slack's retry), and logs it.
func (a *App) replayed(r *http.Request, body []byte) bool {
	sum := sha256.Sum256(body)
	if !a.requests.Before(hex.EncodeToString(sum[:16]), a.now()) {
		return false
	}
	a.log.Info("slack request already run; not running it again", "path", r.URL.Path,
		"retry", r.Header.Get("X-Slack-Retry-Num"), "reason", r.Header.Get("X-Slack-Retry-Reason"))
	return true
}

func (a *App) verify(h http.Header, body []byte) *rejection {
	unauthorized := func(result string, err error) *rejection {
		return &rejection{http.StatusUnauthorized, result, err}
	}
	ts, err := strconv.ParseInt(h.Get("X-Slack-Request-Timestamp"), 10, 64)
	if err != nil {
		return unauthorized("bad_signature", errors.New("missing or malformed timestamp"))
	}
	if skew := a.now().Sub(time.Unix(ts, 0)).Abs(); skew > signatureWindow {
		return unauthorized("stale", fmt.Errorf("timestamp %s off, outside the %s window", skew.Round(time.Second), signatureWindow))
	}
	sv, err := slackapi.NewSecretsVerifier(h, a.cfg.SigningSecret)
	if err != nil {
		if errors.Is(err, slackapi.ErrExpiredTimestamp) {
			return unauthorized("stale", errors.New("timestamp outside the window"))
		}
		// slack-go's errors name the problem, never the secret.
		return unauthorized("bad_signature", fmt.Errorf("signature headers: %w", err))
	}
	if _, err := sv.Write(body); err != nil {
		return unauthorized("bad_signature", fmt.Errorf("hash body: %w", err))
	}
	if err := sv.Ensure(); err != nil {
		return unauthorized("bad_signature", errors.New("signature does not match"))
	}
	return nil
}
