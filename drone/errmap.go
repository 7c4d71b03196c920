package drone

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Messages the servers use that mean nothing to a chat user.
const (
	v1NoRows     = "sql: no rows in result set"
	maxServerMsg = 300
	logNotReady  = "log not available yet"
	notAvailable = "not available on this Drone edition"
)

// mapV1 reads a Drone 1.x/2.x error: JSON {"message": ...}.
func mapV1(c call, status int, header http.Header, body []byte) *Error {
	msg := serverMessage(header, body)
	e := &Error{Op: c.what, Status: status, Message: msg}
	switch {
	case c.log && status == http.StatusNotFound:
		e.Kind, e.Message = KindLogNotReady, logNotReady
	case status == http.StatusNotFound:
		e.Kind = KindNotFound
		if c.notFound != "" {
			e.Message = c.notFound
		}
		// Creating on an unknown branch answers 404 "Internal Server Error".
		if c.op == "create" && msg == "Internal Server Error" {
			e.Message = "branch or commit not found"
		}
	case status == http.StatusInternalServerError && c.op == "create" && msg == "Not Found":
		// Drone found no pipeline configuration on that commit.
		e.Kind, e.Message = KindNotFound, "no pipeline configuration (.drone.yml) found on that branch"
	default:
		e.Kind = kindOfStatus(status)
	}
	finish(e)
	return e
}

// mapV08 reads a Drone 0.8 error: text/plain or an empty body.
func mapV08(c call, status int, header http.Header, body []byte) *Error {
	msg := serverMessage(header, body)
	e := &Error{Op: c.what, Status: status, Message: msg}
	switch {
	case c.log && status == http.StatusNotFound:
		e.Kind, e.Message = KindLogNotReady, logNotReady
	case status == http.StatusNotFound:
		e.Kind = KindNotFound
		if c.notFound != "" {
			e.Message = c.notFound
		}
	case status == http.StatusInternalServerError && c.missing500:
		// 0.8 answers a missing build (or no latest build) with 500.
		e.Kind = KindNotFound
		if c.notFound != "" {
			e.Message = c.notFound
		}
	case status == http.StatusInternalServerError && strings.HasPrefix(strings.ToLower(msg), "cannot "):
		// e.g. "cannot restart a build with status blocked": a refusal, not a crash.
		e.Kind = KindBadRequest
	case status == http.StatusRequestEntityTooLarge:
		// MustAdmin answers 413 "User not authorized".
		e.Kind = KindForbidden
	default:
		e.Kind = kindOfStatus(status)
	}
	finish(e)
	return e
}

func kindOfStatus(status int) Kind {
	switch {
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity:
		return KindBadRequest
	case status == http.StatusUnauthorized:
		return KindUnauthorized
	case status == http.StatusForbidden, status == http.StatusPaymentRequired:
		return KindForbidden
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusConflict:
		return KindConflict
	case status == http.StatusNotImplemented:
		return KindNotImplemented
	case isGatewayStatus(status):
		// A proxy in front of Drone answered: Drone itself did not.
		return KindUnreachable
	case status >= 500:
		return KindServer
	default:
		return KindUnknown
	}
}

// finish replaces raw store errors and fills an empty message.
func finish(e *Error) {
	if e.Message == v1NoRows {
		e.Message = ""
	}
	if e.Kind == KindNotImplemented {
		e.Message = notAvailable
	}
	if e.Message == "" && isGatewayStatus(e.Status) {
		e.Message = http.StatusText(e.Status) // "Bad Gateway": what the proxy said
	}
	if e.Message == "" {
		e.Message = e.Kind.String()
	}
}

// serverMessage is the server's own text: the "message" of a JSON body, or a
// short plain-text body. HTML pages (proxies, the web UI) are dropped.
func serverMessage(header http.Header, body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return ""
	}
	if body[0] == '{' {
		var m struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(body, &m) == nil {
			return clip(strings.TrimSpace(m.Message))
		}
	}
	ct := header.Get("Content-Type")
	if strings.Contains(ct, "html") || body[0] == '<' || !utf8.Valid(body) {
		return ""
	}
	return clip(string(body))
}

func clip(s string) string {
	if len(s) <= maxServerMsg {
		return s
	}
	cut := maxServerMsg
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// mapWoodpecker reads a Woodpecker error: text/plain or, most often, an
// empty body, so the status and the operation tell what happened.
func mapWoodpecker(c call, status int, header http.Header, body []byte) *Error {
	msg := serverMessage(header, body)
	e := &Error{Op: c.what, Status: status, Message: msg}
	switch {
	case c.log && status == http.StatusNotFound:
		e.Kind, e.Message = KindNotFound, "no log stored for that step"
	case status == http.StatusNotFound:
		e.Kind = KindNotFound
		if c.notFound != "" {
			e.Message = c.notFound
		}
	case status == http.StatusInternalServerError && msg == "" && c.op == "create":
		// Woodpecker could not resolve the branch head (or the repository
		// has been deactivated) and says nothing more.
		e.Kind, e.Message = KindNotFound, "branch not found, or the repository is not active"
	case status == http.StatusInternalServerError && msg == "" && c.op == "decline":
		// Declining anything but a blocked pipeline fails inside the server.
		e.Kind, e.Message = KindBadRequest, "the pipeline is not waiting for approval"
	case status == http.StatusForbidden && c.op == "promote":
		e.Kind = KindForbidden
		if msg == "" {
			e.Message = wpDeployForbidden
		}
	case status == http.StatusInternalServerError && c.op == "enable" && msg != "":
		// e.g. "Could not fetch repository from forge."
		e.Kind = KindBadRequest
	default:
		e.Kind = kindOfStatus(status)
	}
	finish(e)
	return e
}

// wpDeployForbidden explains Woodpecker's bare 403 on a deployment.
const wpDeployForbidden = "deployments are off for this repository (its allow_deploy setting), or the token may not push to it"
