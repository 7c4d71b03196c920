package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dronebot/dronebot/drone"
)

// usageError is a wrong argument; the reply adds the command's usage line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

func usageMessage(err error) (string, bool) {
	var u *usageError
	if errors.As(err, &u) {
		return u.msg, true
	}
	return "", false
}

// sentenceError is a failure already phrased for the person who asked.
type sentenceError struct {
	sentence string
	level    Level
	cause    error // kept for the log, never shown
}

func (e *sentenceError) Error() string { return e.sentence }
func (e *sentenceError) Unwrap() error { return e.cause }

func failf(format string, a ...any) error {
	return &sentenceError{sentence: fmt.Sprintf(format, a...), level: Error}
}

// failure turns a handler's error into a one-sentence reply and a result.
func (r *Registry) failure(cmd Command, err error) (Reply, string) {
	var s *sentenceError
	if errors.As(err, &s) {
		reply := errorReply(s.sentence)
		reply.Level = s.level
		return reply, "error"
	}
	if msg, ok := usageMessage(err); ok {
		return usageReply(cmd, msg), "usage"
	}
	sentence, known := droneSentence(err)
	if !known {
		r.log.Error("command failed", "command", cmd.Name, "err", err)
		return errorReply("internal error: the command failed; the details are in the bot's log."), "error"
	}
	r.log.Warn("command failed", "command", cmd.Name, "err", err)
	return errorReply(sentence), "error"
}

// droneSentence phrases a Drone error for chat; known is false for errors
// that are not Drone's (bugs), which are only logged.
func droneSentence(err error) (sentence string, known bool) {
	if errors.Is(err, context.DeadlineExceeded) {
		return "Drone is unreachable (timed out).", true
	}
	if errors.Is(err, context.Canceled) {
		return "the command was cancelled.", true
	}
	var de *drone.Error
	if !errors.As(err, &de) {
		return "", false
	}
	switch de.Kind {
	case drone.KindUnreachable:
		return fmt.Sprintf("Drone is unreachable (%s).", unreachableReason(de)), true
	case drone.KindUnauthorized:
		return "Drone refused the bot's token (unauthorized); an operator should check drone.token.", true
	case drone.KindForbidden:
		return "Drone does not let the bot's account do that (forbidden).", true
	case drone.KindNotImplemented:
		return "not available on this Drone edition.", true
	case drone.KindNothingTriggered:
		return "Drone started no pipeline: nothing in .drone.yml matched this build.", true
	case drone.KindLogNotReady:
		return "log not available yet.", true
	case drone.KindNotFound:
		return "Drone answered: not found.", true
	case drone.KindConflict:
		return "Drone refused: it conflicts with the current state.", true
	case drone.KindBadRequest:
		if msg := safeServerMessage(de.Message); msg != "" {
			return fmt.Sprintf("Drone refused the request (%s).", msg), true
		}
		return "Drone refused the request.", true
	case drone.KindServer:
		if de.Status != 0 {
			return fmt.Sprintf("Drone failed to answer (HTTP %d).", de.Status), true
		}
		return "Drone failed to answer.", true
	case drone.KindInvalid:
		return "the request was not valid for Drone.", true
	}
	return "Drone failed to answer.", true
}

// unreachableReason names the network failure without addresses or URLs.
func unreachableReason(e *drone.Error) string {
	text := strings.ToLower(e.Message)
	if e.Err != nil {
		text += " " + strings.ToLower(e.Err.Error())
	}
	switch {
	case errors.Is(e, context.DeadlineExceeded) || strings.Contains(text, "timeout") || strings.Contains(text, "deadline"):
		return "timed out"
	case strings.Contains(text, "connection refused"):
		return "connection refused"
	case strings.Contains(text, "no such host"):
		return "host not found"
	case strings.Contains(text, "certificate") || strings.Contains(text, "tls"):
		return "TLS error"
	case strings.Contains(text, "reset") || strings.Contains(text, "eof"):
		return "connection closed"
	}
	return "no answer"
}

// safeServerMessage keeps a server's short explanation (e.g. Drone 0.8's
// "Cannot cancel a non-running build") and drops anything that looks like a
// database error or could carry a credential.
func safeServerMessage(msg string) string {
	msg = strings.TrimSpace(msg)
	lower := strings.ToLower(msg)
	if msg == "" || len(msg) > 120 || strings.ContainsAny(msg, "\n\r") {
		return ""
	}
	for _, bad := range []string{"sql", "token", "secret", "password", "bearer", "select ", "insert ", "http://", "https://"} {
		if strings.Contains(lower, bad) {
			return ""
		}
	}
	return msg
}
