package wecomapp

import (
	"errors"
	"github.com/dronebot/dronebot/bot/intake"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify/wecom"
)

// notACommand answers messages that are not text.
const notACommand = "I only understand text commands: send a command such as /help."

// rejection is a refused request: its status, metric result and reason.
type rejection struct {
	status int
	result string
	reason string
}

// reject answers a refused request and logs one line without secrets.
func (h *Handler) reject(w http.ResponseWriter, route string, rej rejection) string {
	h.log.Warn("wecom callback refused", "route", route, "status", rej.status, "reason", rej.reason)
	http.Error(w, http.StatusText(rej.status), rej.status)
	return rej.result
}

// cryptoRejection maps a crypto error: a signature problem is 401, any
// other bad input 400.
func cryptoRejection(err error) rejection {
	switch {
	case errors.Is(err, wecom.ErrBadSignature):
		return rejection{http.StatusUnauthorized, "bad_signature", "signature does not match"}
	case errors.Is(err, wecom.ErrBadReceiveID):
		return rejection{http.StatusBadRequest, "bad_receive_id", "receive id is not this corp"}
	}
	return rejection{http.StatusBadRequest, "malformed", err.Error()}
}

// handleVerify serves the console's URL check: answer the decrypted echostr
// as the bare body, at once.
func (h *Handler) handleVerify(w http.ResponseWriter, r *http.Request) string {
	q := r.URL.Query() // already URL-decoded, as the scheme requires
	echo, err := h.crypto.VerifyURL(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), q.Get("echostr"))
	if err != nil {
		return h.reject(w, "verify", cryptoRejection(err))
	}
	// A recorded check replayed later must not prove anything: the same
	// window as for messages.
	if !h.fresh(q.Get("timestamp")) {
		return h.reject(w, "verify", rejection{http.StatusUnauthorized, "stale", "timestamp outside the replay window"})
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(echo)
	return "ok"
}

// handleCallback serves an encrypted message: verify, decrypt, answer an
// empty 200 at once and run the command in the background.
func (h *Handler) handleCallback(w http.ResponseWriter, r *http.Request) string {
	body, err := intake.ReadBody(w, r)
	if errors.Is(err, intake.ErrTooLarge) {
		return h.reject(w, "callback", rejection{http.StatusRequestEntityTooLarge, "too_large", "body over 1 MiB"})
	}
	if err != nil {
		return h.reject(w, "callback", rejection{http.StatusBadRequest, "malformed", "body could not be read"})
	}
	q := r.URL.Query()
	ts := q.Get("timestamp")
	in, err := h.crypto.Open(q.Get("msg_signature"), ts, q.Get("nonce"), body)
	if err != nil {
		return h.reject(w, "callback", cryptoRejection(err))
	}
	if !h.fresh(ts) {
		return h.reject(w, "callback", rejection{http.StatusUnauthorized, "stale", "timestamp outside the replay window"})
	}
	if h.cfg.AgentID != 0 && in.AgentID != 0 && in.AgentID != int64(h.cfg.AgentID) {
		return h.reject(w, "callback", rejection{http.StatusBadRequest, "malformed", "message for another agent"})
	}
	// Answer first: WeCom gives up after 5 s and retries.
	w.WriteHeader(http.StatusOK)
	if h.seen.Before(in.DedupKey(), h.now()) {
		return "duplicate"
	}
	from := strings.TrimSpace(in.FromUserName)
	switch {
	case from == "" || in.MsgType == "event":
		return "ignored" // entering the app, menu clicks: nothing to answer
	case in.MsgType != "text":
		h.start(job{to: from, notice: notACommand})
		return "ok"
	}
	h.start(job{to: from, req: commands.Request{
		Text:         in.Content,
		From:         commands.Identity{Platform: "wecom", ID: from},
		Conversation: commands.Conversation{Platform: "wecom", ID: from},
		TailLines:    tailLines,
	}})
	return "ok"
}

// fresh reports whether the signed timestamp is within MaxSkew of now.
func (h *Handler) fresh(ts string) bool {
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	skew := h.now().Sub(time.Unix(secs, 0))
	return skew <= h.cfg.MaxSkew && skew >= -h.cfg.MaxSkew
}
