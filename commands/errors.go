package commands

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/dronebot/dronebot/drone"
)

// usageError is a wrong argument; the reply adds the command's usage line.
// Its Error text is English; replies phrase msg in the asker's language.
type usageError struct{ msg message }

func (e *usageError) Error() string { return e.msg.in(english()) }

func usagef(id msgID, a ...any) error { return &usageError{msg: say(id, a...)} }

func usageMessage(err error) (message, bool) {
	var u *usageError
	if errors.As(err, &u) {
		return u.msg, true
	}
	return message{}, false
}

// sentenceError is a failure phrased for the person who asked, once the
// language is known.
type sentenceError struct {
	msg   message
	level Level
	cause error // kept for the log, never shown
}

func (e *sentenceError) Error() string { return e.msg.in(english()) }
func (e *sentenceError) Unwrap() error { return e.cause }

// fail is a sentence error of level lvl; cause may be nil.
func fail(lvl Level, cause error, id msgID, a ...any) error {
	return &sentenceError{msg: say(id, a...), level: lvl, cause: cause}
}

// failure turns a handler's error into a one-sentence reply and a result.
func (r *Registry) failure(cmd Command, err error) (Reply, string) {
	var s *sentenceError
	if errors.As(err, &s) {
		reply := errorReply(s.msg.in(r.say()))
		reply.Level = s.level
		return reply, "error"
	}
	if msg, ok := usageMessage(err); ok {
		return r.usageReply(cmd, msg), "usage"
	}
	sentence, known := droneSentence(err)
	if !known {
		r.log.Error("command failed", "command", cmd.Name, "err", err)
		return errorReply(r.say().f(msgInternal)), "error"
	}
	r.log.Warn("command failed", "command", cmd.Name, "err", err)
	return errorReply(sentence.in(r.say())), "error"
}

// droneSentence phrases a Drone error for chat; known is false for errors
// that are not Drone's (bugs), which are only logged.
func droneSentence(err error) (sentence message, known bool) {
	if errors.Is(err, context.DeadlineExceeded) {
		return say(msgUnreachable, say(msgTimedOut)), true
	}
	if errors.Is(err, context.Canceled) {
		return say(msgCancelled), true
	}
	var de *drone.Error
	if !errors.As(err, &de) {
		return message{}, false
	}
	switch de.Kind {
	case drone.KindUnreachable:
		switch {
		case de.Status != 0:
			return say(msgGateway, de.Status, http.StatusText(de.Status)), true
		case de.Partial && de.Timeout > 0:
			return say(msgPartTimeout, de.Timeout), true
		}
		return say(msgUnreachable, say(unreachableReason(de))), true
	case drone.KindUnauthorized:
		return say(msgUnauthorized), true
	case drone.KindForbidden:
		return say(msgForbidden), true
	case drone.KindNotImplemented:
		return say(msgNotOnEdition), true
	case drone.KindNothingTriggered:
		return say(msgNothingTriggered), true
	case drone.KindLogNotReady:
		return say(msgLogNotReady), true
	case drone.KindNotFound:
		return say(msgNotFound), true
	case drone.KindConflict:
		return say(msgConflict), true
	case drone.KindBadRequest:
		if msg := safeServerMessage(de.Message); msg != "" {
			return say(msgBadRequestWhy, msg), true
		}
		return say(msgBadRequest), true
	case drone.KindServer:
		if de.Status != 0 {
			return say(msgServerStatus, de.Status), true
		}
		return say(msgServer), true
	case drone.KindInvalid:
		return say(msgInvalid), true
	}
	return say(msgServer), true
}

// unreachableReason names the network failure without addresses or URLs.
func unreachableReason(e *drone.Error) msgID {
	text := strings.ToLower(e.Message)
	if e.Err != nil {
		text += " " + strings.ToLower(e.Err.Error())
	}
	switch {
	case errors.Is(e, context.DeadlineExceeded) || strings.Contains(text, "timeout") || strings.Contains(text, "deadline"):
		return msgTimedOut
	case strings.Contains(text, "connection refused"):
		return msgConnRefused
	case strings.Contains(text, "no such host"):
		return msgHostNotFound
	case strings.Contains(text, "certificate") || strings.Contains(text, "tls"):
		return msgTLSError
	case strings.Contains(text, "reset") || strings.Contains(text, "eof"):
		return msgConnClosed
	}
	return msgNoAnswer
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
