package drone

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Reasons a webhook delivery is refused (for logs and metric labels).
const (
	RejectNoSecret  = "no_secret"
	RejectSignature = "bad_signature"
	RejectDigest    = "bad_digest"
	RejectDate      = "bad_date"
	RejectStale     = "stale_date"
	RejectMalformed = "malformed_signature"
)

// SignatureError says why a webhook's signature was refused.
type SignatureError struct {
	Reason string // one of the Reject constants
	Detail string // safe to log: never holds the secret or a signature
}

func (e *SignatureError) Error() string { return "webhook signature: " + e.Detail }

func reject(reason, detail string) error { return &SignatureError{Reason: reason, Detail: detail} }

// VerifyWebhook checks a Drone 1.x/2.x global webhook delivery: the Signature header (draft-cavage
// HTTP signatures, hmac-sha256 over "date: …\ndigest: …"), a Digest that
// matches the body (the signature covers only the header, so the body is
// hashed here), and a Date no further than maxSkew from now.
func VerifyWebhook(h http.Header, body []byte, secret string, now time.Time, maxSkew time.Duration) error {
	if secret == "" {
		return reject(RejectNoSecret, "no webhook secret is configured")
	}
	params, err := parseSignature(h.Get("Signature"))
	if err != nil {
		return reject(RejectMalformed, err.Error())
	}
	if !strings.EqualFold(params["algorithm"], "hmac-sha256") {
		return reject(RejectMalformed, "algorithm must be hmac-sha256")
	}
	signed := strings.Fields(strings.ToLower(params["headers"]))
	if !slices.Contains(signed, "date") || !slices.Contains(signed, "digest") {
		return reject(RejectMalformed, `signed headers must include "date" and "digest"`)
	}
	lines := make([]string, 0, len(signed))
	for _, name := range signed {
		if name == "(request-target)" {
			return reject(RejectMalformed, "(request-target) is not supported")
		}
		lines = append(lines, name+": "+h.Get(name))
	}
	want, err := base64.StdEncoding.DecodeString(params["signature"])
	if err != nil || len(want) == 0 {
		return reject(RejectMalformed, "signature is not base64")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strings.Join(lines, "\n")))
	if !hmac.Equal(mac.Sum(nil), want) {
		return reject(RejectSignature, "signature does not match")
	}

	sum := sha256.Sum256(body)
	digest := "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(digest), []byte(h.Get("Digest"))) != 1 {
		return reject(RejectDigest, "digest does not match the body")
	}

	date, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return reject(RejectDate, "date is missing or malformed")
	}
	// Compare instants, not a difference: a date centuries away saturates
	// a time.Duration, and its negation overflows.
	if date.Before(now.Add(-maxSkew)) || date.After(now.Add(maxSkew)) {
		return reject(RejectStale, "date is "+skewWords(now, date)+" off, more than "+maxSkew.String())
	}
	return nil
}

// skewWords is how far date is from now, in words that never overflow.
func skewWords(now, date time.Time) string {
	skew := now.Sub(date)
	if skew == math.MinInt64 || skew == math.MaxInt64 {
		return "centuries"
	}
	return skew.Round(time.Second).String()
}

// parseSignature splits `k1="v1",k2="v2"` into a map.
func parseSignature(s string) (map[string]string, error) {
	if s == "" {
		return nil, errors.New("no Signature header")
	}
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, errors.New("malformed Signature header")
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimSpace(s[eq+1:])
		var val string
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return nil, errors.New("unterminated value in Signature header")
			}
			val, s = s[1:end+1], s[end+2:]
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val, s = strings.TrimSpace(s[:end]), s[end:]
		}
		out[key] = val
		s = strings.TrimPrefix(strings.TrimSpace(s), ",")
		s = strings.TrimSpace(s)
	}
	return out, nil
}
