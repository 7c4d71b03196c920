package drone_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

const (
	webhookDir    = "testdata/drone-2.25/webhooks"
	fixtureSecret = "985336ce425abc7483de804257f8428e"
)

func TestVerifyWebhookRecordedDeliveries(t *testing.T) {
	ds, err := dronetest.LoadDeliveries(webhookDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 55 {
		t.Fatalf("recorded deliveries = %d, want 55", len(ds))
	}
	for _, d := range ds {
		t.Run(d.Name, func(t *testing.T) {
			now := d.Date.Add(30 * time.Second)
			if err := drone.VerifyWebhook(d.Header, d.Body, fixtureSecret, now, time.Minute); err != nil {
				t.Fatalf("recorded delivery does not verify: %v", err)
			}
			// One changed body byte: the recomputed digest differs.
			changed := append([]byte(nil), d.Body...)
			changed[len(changed)/2] ^= 0x01
			wantReason(t, drone.VerifyWebhook(d.Header, changed, fixtureSecret, now, time.Minute), drone.RejectDigest)
			// A changed Date: the signature no longer matches.
			h := d.Header.Clone()
			h.Set("Date", d.Date.Add(time.Second).UTC().Format(http.TimeFormat))
			wantReason(t, drone.VerifyWebhook(h, d.Body, fixtureSecret, now, time.Minute), drone.RejectSignature)
			// Another secret.
			wantReason(t, drone.VerifyWebhook(d.Header, d.Body, "another-secret", now, time.Minute), drone.RejectSignature)
			// Too old for the allowed skew, and from the future.
			wantReason(t, drone.VerifyWebhook(d.Header, d.Body, fixtureSecret, d.Date.Add(6*time.Minute), 5*time.Minute), drone.RejectStale)
			wantReason(t, drone.VerifyWebhook(d.Header, d.Body, fixtureSecret, d.Date.Add(-6*time.Minute), 5*time.Minute), drone.RejectStale)
		})
	}
}

func TestVerifyWebhookMalformed(t *testing.T) {
	body := []byte(`{"event":"build"}`)
	date := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	good := dronetest.SignWebhook("s3cret-value", body, date)
	if err := drone.VerifyWebhook(good, body, "s3cret-value", date, time.Minute); err != nil {
		t.Fatalf("dronetest's signature does not verify: %v", err)
	}
	tests := []struct {
		name   string
		edit   func(h http.Header)
		secret string
		reason string
	}{
		{"no secret configured", func(http.Header) {}, "", drone.RejectNoSecret},
		{"no signature", func(h http.Header) { h.Del("Signature") }, "s3cret-value", drone.RejectMalformed},
		{"garbage signature header", func(h http.Header) { h.Set("Signature", "garbage") }, "s3cret-value", drone.RejectMalformed},
		{"unterminated value", func(h http.Header) { h.Set("Signature", `signature="abc`) }, "s3cret-value", drone.RejectMalformed},
		{"other algorithm", func(h http.Header) {
			h.Set("Signature", strings.Replace(h.Get("Signature"), "hmac-sha256", "hmac-sha1", 1))
		}, "s3cret-value", drone.RejectMalformed},
		{"digest not signed", func(h http.Header) {
			h.Set("Signature", strings.Replace(h.Get("Signature"), `headers="date digest"`, `headers="date"`, 1))
		}, "s3cret-value", drone.RejectMalformed},
		{"signature not base64", func(h http.Header) {
			h.Set("Signature", `keyId="hmac-key",algorithm="hmac-sha256",signature="!!!",headers="date digest"`)
		}, "s3cret-value", drone.RejectMalformed},
		{"digest header swapped", func(h http.Header) { h.Set("Digest", "SHA-256=AAAA") }, "s3cret-value", drone.RejectSignature},
		{"no date", func(h http.Header) { h.Del("Date") }, "s3cret-value", drone.RejectSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := good.Clone()
			tt.edit(h)
			wantReason(t, drone.VerifyWebhook(h, body, tt.secret, date, time.Minute), tt.reason)
		})
	}
}

func wantReason(t *testing.T, err error, reason string) {
	t.Helper()
	var se *drone.SignatureError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a refusal for %s", err, reason)
	}
	if se.Reason != reason {
		t.Fatalf("refused for %s (%v), want %s", se.Reason, err, reason)
	}
	if strings.Contains(err.Error(), fixtureSecret) || strings.Contains(err.Error(), "s3cret-value") {
		t.Fatalf("error text holds the secret: %v", err)
	}
}

func TestVerifyWebhookFarDates(t *testing.T) {
	body := []byte(`{"event":"build"}`)
	now := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	for _, date := range []time.Time{
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		now.AddDate(300, 0, 0), // past what a time.Duration holds
	} {
		h := dronetest.SignWebhook("s3cret-value", body, date)
		wantReason(t, drone.VerifyWebhook(h, body, "s3cret-value", now, 5*time.Minute), drone.RejectStale)
	}
}
