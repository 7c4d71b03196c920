package dronetest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// SignWebhook returns the headers Drone 1.x sends with a global webhook
// delivery of body: the Digest is SHA-256 of the body and the Signature an
// HMAC-SHA256 over "date: <Date>\ndigest: <Digest>" (draft-cavage HTTP
// signatures, key id "hmac-key").
func SignWebhook(secret string, body []byte, date time.Time) http.Header {
	sum := sha256.Sum256(body)
	digest := "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
	dateText := date.UTC().Format(http.TimeFormat)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("date: " + dateText + "\ndigest: " + digest))
	sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))

	var envelope struct {
		Event string `json:"event"`
	}
	_ = json.Unmarshal(body, &envelope) // a body that is not JSON just has no event
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Drone-Event", envelope.Event)
	h.Set("Date", dateText)
	h.Set("Digest", digest)
	h.Set("Signature", `keyId="hmac-key",algorithm="hmac-sha256",signature="`+sig+`",headers="date digest"`)
	return h
}

type systemV1 struct {
	Proto   string `json:"proto"`
	Host    string `json:"host"`
	Link    string `json:"link"`
	Version string `json:"version"`
}

type webhookV1 struct {
	Event  string   `json:"event"`
	Action string   `json:"action"`
	User   *userV1  `json:"user,omitempty"`
	Repo   *repoV1  `json:"repo,omitempty"`
	Build  *buildV1 `json:"build,omitempty"`
	System systemV1 `json:"system"`
}

// WebhookPayload is the body Drone 1.x posts for event "build" and action
// ("created" or "updated") of a build, shaped like the recorded deliveries:
// created carries the user and the build without stages; updated carries the
// build with its stages, also embedded in the repository. It returns nil for
// an unknown build. Drone 0.8 has no global webhooks; the shape is the 1.x
// one whatever the server's dialect.
func (s *Server) WebhookPayload(slug string, number int64, action string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	repo, b := s.findLocked(slug, number)
	if b == nil {
		return nil
	}
	p := webhookV1{Event: "build", Action: action, Repo: s.repoV1Locked(repo)}
	if u, err := url.Parse(s.URL); err == nil {
		p.System = systemV1{Proto: u.Scheme, Host: u.Host, Link: s.URL, Version: versionV1}
	}
	if action == "created" {
		u := s.userV1Locked()
		p.User = &u
		p.Build = s.buildV1Locked(repo, b, false)
	} else {
		p.Build = s.buildV1Locked(repo, b, true)
		p.Repo.Build = p.Build
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(p); err != nil {
		return nil
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")) // Drone marshals without a newline
}
