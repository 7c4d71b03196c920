package dronetest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Content-Types as the recorded servers send them.
const (
	ctJSONv1  = "application/json"
	ctJSONv08 = "application/json; charset=utf-8"
	ctText    = "text/plain; charset=utf-8"
)

// writeJSON answers v encoded like the servers' JSON renderers (with a
// trailing newline).
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		http.Error(w, "dronetest: encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, contentType, buf.Bytes())
}

func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// jsonError is the 1.x error body {"message": msg}.
func jsonError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, ctJSONv1, struct {
		Message string `json:"message"`
	}{msg})
}

// textError is the 0.8 plain-text error body.
func textError(w http.ResponseWriter, status int, msg string) {
	writeRaw(w, status, ctText, []byte(msg))
}

// emptyError is the 0.8 error answer without a body or Content-Type.
func emptyError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
}

// unix is a time as Unix seconds, 0 for the zero time.
func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
