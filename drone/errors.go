package drone

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies what went wrong, independent of the dialect's status codes.
type Kind int

const (
	KindUnknown          Kind = iota
	KindNotFound              // no such repository, build, stage or step (or, on 1.x, no write permission)
	KindUnauthorized          // bad or missing token
	KindForbidden             // the token may not do this
	KindConflict              // e.g. repository already active
	KindBadRequest            // the server refused the request as malformed or not possible now
	KindServer                // the server failed (5xx)
	KindNotImplemented        // the server's edition lacks the feature (1.x OSS: 501)
	KindNothingTriggered      // create/restart answered 200 null: no pipeline ran
	KindLogNotReady           // the step is running or never ran: no stored log yet
	KindUnreachable           // network error or timeout: Drone did not answer
	KindInvalid               // the caller's input was rejected before any request
)

var kindNames = map[Kind]string{
	KindUnknown:          "unknown",
	KindNotFound:         "not found",
	KindUnauthorized:     "unauthorized",
	KindForbidden:        "forbidden",
	KindConflict:         "conflict",
	KindBadRequest:       "bad request",
	KindServer:           "server error",
	KindNotImplemented:   "not implemented",
	KindNothingTriggered: "nothing triggered",
	KindLogNotReady:      "log not available yet",
	KindUnreachable:      "unreachable",
	KindInvalid:          "invalid",
}

func (k Kind) String() string { return kindNames[k] }

// Error is returned by every Client call that failed. Message is the
// server's own text (already free of the token) or ours when it sent none.
type Error struct {
	Kind    Kind
	Op      string // e.g. "get build octo/demo#42"
	Status  int    // HTTP status, 0 when there was no answer
	Message string
	Err     error // the underlying transport error, redacted
	// Timeout is the limit that ran out, when one did: no headers within
	// it, or (with Partial) no whole body.
	Timeout time.Duration
	// Partial says Drone began to answer but the body did not arrive whole.
	Partial bool
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Kind.String()
	}
	switch {
	case e.Status != 0:
		return fmt.Sprintf("drone: %s: %s (HTTP %d)", e.Op, msg, e.Status)
	case e.Err != nil:
		return fmt.Sprintf("drone: %s: %s: %v", e.Op, msg, e.Err)
	default:
		return fmt.Sprintf("drone: %s: %s", e.Op, msg)
	}
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err, KindUnknown if it is not a *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// IsNotFound reports whether err means the thing asked for does not exist.
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }

// IsUnreachable reports whether Drone could not be reached.
func IsUnreachable(err error) bool { return KindOf(err) == KindUnreachable }
