package watch

import (
	"bufio"
	"errors"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone/dronetest"
)

const (
	fixtureDir    = "../../../shared/fixtures/drone-2.25/webhooks"
	fixtureSecret = "985336ce425abc7483de804257f8428e"
)

// delivery is one recorded webhook request.
type delivery struct {
	name   string
	header http.Header
	body   []byte
	date   time.Time
}

// loadDeliveries reads every recorded delivery, in the order Drone sent them.
func loadDeliveries(tb testing.TB) []delivery {
	tb.Helper()
	dir := fixtureDir
	if _, err := os.Stat(dir); err != nil {
		dir = "/work/shared/fixtures/drone-2.25/webhooks"
	}
	bodies, err := filepath.Glob(filepath.Join(dir, "*.body.json"))
	if err != nil || len(bodies) == 0 {
		tb.Fatalf("no recorded webhooks in %s: %v", dir, err)
	}
	sort.Strings(bodies)
	var out []delivery
	for _, bodyPath := range bodies {
		body, err := os.ReadFile(bodyPath)
		if err != nil {
			tb.Fatal(err)
		}
		f, err := os.Open(strings.TrimSuffix(bodyPath, ".body.json") + ".headers.txt")
		if err != nil {
			tb.Fatal(err)
		}
		r := textproto.NewReader(bufio.NewReader(f))
		if _, err := r.ReadLine(); err != nil { // the request line
			tb.Fatal(err)
		}
		mh, err := r.ReadMIMEHeader()
		f.Close()
		if err != nil && len(mh) == 0 {
			tb.Fatalf("%s: %v", bodyPath, err)
		}
		h := http.Header(mh)
		date, err := http.ParseTime(h.Get("Date"))
		if err != nil {
			tb.Fatalf("%s: date: %v", bodyPath, err)
		}
		out = append(out, delivery{name: filepath.Base(bodyPath), header: h, body: body, date: date})
	}
	return out
}

func TestVerifySignatureRecordedDeliveries(t *testing.T) {
	ds := loadDeliveries(t)
	if len(ds) != 55 {
		t.Fatalf("recorded deliveries = %d, want 55", len(ds))
	}
	for _, d := range ds {
		t.Run(d.name, func(t *testing.T) {
			now := d.date.Add(30 * time.Second)
			if err := VerifySignature(d.header, d.body, fixtureSecret, now, time.Minute); err != nil {
				t.Fatalf("recorded delivery does not verify: %v", err)
			}
			// One changed body byte: the recomputed digest differs.
			changed := append([]byte(nil), d.body...)
			changed[len(changed)/2] ^= 0x01
			wantReason(t, VerifySignature(d.header, changed, fixtureSecret, now, time.Minute), RejectDigest)
			// A changed Date: the signature no longer matches.
			h := d.header.Clone()
			h.Set("Date", d.date.Add(time.Second).UTC().Format(http.TimeFormat))
			wantReason(t, VerifySignature(h, d.body, fixtureSecret, now, time.Minute), RejectSignature)
			// Another secret.
			wantReason(t, VerifySignature(d.header, d.body, "another-secret", now, time.Minute), RejectSignature)
			// Too old for the allowed skew, and from the future.
			wantReason(t, VerifySignature(d.header, d.body, fixtureSecret, d.date.Add(6*time.Minute), 5*time.Minute), RejectStale)
			wantReason(t, VerifySignature(d.header, d.body, fixtureSecret, d.date.Add(-6*time.Minute), 5*time.Minute), RejectStale)
		})
	}
}

func TestVerifySignatureMalformed(t *testing.T) {
	body := []byte(`{"event":"build"}`)
	date := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	good := dronetest.SignWebhook("s3cret-value", body, date)
	if err := VerifySignature(good, body, "s3cret-value", date, time.Minute); err != nil {
		t.Fatalf("dronetest's signature does not verify: %v", err)
	}
	tests := []struct {
		name   string
		edit   func(h http.Header)
		secret string
		reason string
	}{
		{"no secret configured", func(http.Header) {}, "", RejectNoSecret},
		{"no signature", func(h http.Header) { h.Del("Signature") }, "s3cret-value", RejectMalformed},
		{"garbage signature header", func(h http.Header) { h.Set("Signature", "garbage") }, "s3cret-value", RejectMalformed},
		{"unterminated value", func(h http.Header) { h.Set("Signature", `signature="abc`) }, "s3cret-value", RejectMalformed},
		{"other algorithm", func(h http.Header) {
			h.Set("Signature", strings.Replace(h.Get("Signature"), "hmac-sha256", "hmac-sha1", 1))
		}, "s3cret-value", RejectMalformed},
		{"digest not signed", func(h http.Header) {
			h.Set("Signature", strings.Replace(h.Get("Signature"), `headers="date digest"`, `headers="date"`, 1))
		}, "s3cret-value", RejectMalformed},
		{"signature not base64", func(h http.Header) {
			h.Set("Signature", `keyId="hmac-key",algorithm="hmac-sha256",signature="!!!",headers="date digest"`)
		}, "s3cret-value", RejectMalformed},
		{"digest header swapped", func(h http.Header) { h.Set("Digest", "SHA-256=AAAA") }, "s3cret-value", RejectSignature},
		{"no date", func(h http.Header) { h.Del("Date") }, "s3cret-value", RejectSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := good.Clone()
			tt.edit(h)
			wantReason(t, VerifySignature(h, body, tt.secret, date, time.Minute), tt.reason)
		})
	}
}

func wantReason(t *testing.T, err error, reason string) {
	t.Helper()
	var se *SignatureError
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
