package email

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/notify"
)

func testMessage() *notify.Message {
	return &notify.Message{ID: "dlv-7", Alerts: []*notify.Alert{{
		ID: "octo/demo#42:failure", Outcome: notify.OutcomeFailure, Repo: "octo/demo", Build: 42, Branch: "main",
		BuildLink: "https://drone.test/octo/demo/42", Title: "修复 <b>解析器</b>", MentionAuthor: true,
		Mentions:    notify.Mentions{Email: "pan@example.com"},
		FailedSteps: []notify.FailedStep{{Name: "test", ExitCode: 1}},
		Log:         &notify.LogExcerpt{Step: "test", Lines: []string{"--- FAIL: TestX", "FAIL"}, Total: 2},
	}}}
}

func newSink(t *testing.T, cfg Config) *Sink {
	t.Helper()
	cfg.SMTP.Host = "127.0.0.1"
	if cfg.From == "" {
		cfg.From = "Drone Bot <bot@example.com>"
	}
	cfg.To = []string{"dev@example.com"}
	s, err := New(cfg, notify.Env{Name: "oncall-mail"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkMail parses a received mail and checks its headers and parts.
func checkMail(t *testing.T, raw []byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	if subject != "❌ octo/demo #42 failed at test · main · 修复 <b>解析器</b>" {
		t.Errorf("Subject = %q", subject)
	}
	if msg.Header.Get("X-Dronebot-Delivery") != "dlv-7" || msg.Header.Get("Cc") != "pan@example.com" {
		t.Errorf("headers: %v", msg.Header)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type %q: %v", mediaType, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p) // multipart decodes quoted-printable
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		types = append(types, ct)
		switch ct {
		case "text/plain":
			if !strings.Contains(string(body), "修复 <b>解析器</b>") || !strings.Contains(string(body), "    1  --- FAIL: TestX") {
				t.Errorf("plain part:\n%s", body)
			}
		case "text/html":
			if !strings.Contains(string(body), "修复 &lt;b&gt;解析器&lt;/b&gt;") || !strings.Contains(string(body), `<a href="https://drone.test/octo/demo/42">`) {
				t.Errorf("html part:\n%s", body)
			}
		}
	}
	if strings.Join(types, ",") != "text/plain,text/html" {
		t.Errorf("parts %v", types)
	}
}

func TestSendNoAuth(t *testing.T) {
	be := &backend{}
	port := startSMTP(t, be, nil, false)
	s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityNone}})
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	mails := be.Mails()
	if len(mails) != 1 || mails[0].From != "bot@example.com" || strings.Join(mails[0].To, ",") != "dev@example.com,pan@example.com" {
		t.Fatalf("mails %+v", mails)
	}
	checkMail(t, mails[0].Data)
}

func TestSendStartTLSWithAuth(t *testing.T) {
	tlsConfig, pool := selfSigned(t)
	be := &backend{user: "bot", pass: "smtp-PASSWORD-1"}
	port := startSMTP(t, be, tlsConfig, false)
	s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityStartTLS, Username: "bot", Password: "smtp-PASSWORD-1"}, RootCAs: pool})
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	mails := be.Mails()
	if len(mails) != 1 || mails[0].User != "bot" {
		t.Fatalf("mails %+v", mails)
	}
	checkMail(t, mails[0].Data)

	wrong := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityStartTLS, Username: "bot", Password: "WRONG-PASSWORD"}, RootCAs: pool})
	err := wrong.Send(context.Background(), testMessage())
	if err == nil || !notify.IsPermanent(err) || strings.Contains(err.Error(), "WRONG-PASSWORD") {
		t.Fatalf("wrong password: err = %v", err)
	}
}

func TestSendStartTLSUntrustedCertFails(t *testing.T) {
	tlsConfig, _ := selfSigned(t)
	be := &backend{}
	port := startSMTP(t, be, tlsConfig, false)
	s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityStartTLS}})
	if err := s.Send(context.Background(), testMessage()); err == nil || len(be.Mails()) != 0 {
		t.Fatalf("untrusted certificate accepted: %v", err)
	}
}

func TestSendImplicitTLS(t *testing.T) {
	tlsConfig, pool := selfSigned(t)
	be := &backend{user: "bot", pass: "pw-123456"}
	port := startSMTP(t, be, tlsConfig, true)
	s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityTLS, Username: "bot", Password: "pw-123456"}, RootCAs: pool})
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	if mails := be.Mails(); len(mails) != 1 || mails[0].User != "bot" {
		t.Fatalf("mails %+v", mails)
	}
}

func TestStartTLSRequiredButNotOffered(t *testing.T) {
	be := &backend{}
	port := startSMTP(t, be, nil, false) // no TLSConfig: no STARTTLS
	s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityStartTLS, Username: "bot", Password: "pw-123456"}})
	err := s.Send(context.Background(), testMessage())
	if err == nil || !notify.IsPermanent(err) || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v", err)
	}
	if len(be.Mails()) != 0 {
		t.Fatal("mail sent in cleartext")
	}
}

func TestQuitErrorAfterDataIsSuccess(t *testing.T) {
	port, got := scriptedServer(t)
	s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityNone}})
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatalf("err = %v", err)
	}
	select {
	case data := <-got:
		if !strings.Contains(data, "Subject:") {
			t.Errorf("data %q", data)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no mail")
	}
}

// silentListener accepts connections and never writes; closed reports each
// connection the client closed.
func silentListener(t *testing.T) (port int, closed chan struct{}) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	closed = make(chan struct{}, 4)
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
				_, err := io.Copy(io.Discard, conn) // returns when the client closes
				if err == nil {
					closed <- struct{}{}
				}
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, closed
}

func TestSilentServerTimesOut(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		ctx     func() (context.Context, context.CancelFunc)
	}{
		{"per-send timeout", 300 * time.Millisecond, func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
		{"context deadline", time.Minute, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 300*time.Millisecond)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port, closed := silentListener(t)
			before := runtime.NumGoroutine()
			s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityNone, Timeout: tt.timeout}})
			ctx, cancel := tt.ctx()
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- s.Send(ctx, testMessage()) }()
			select {
			case err := <-done:
				if err == nil || notify.IsPermanent(err) {
					t.Fatalf("err = %v, want a retryable failure", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Send did not return")
			}
			select {
			case <-closed:
			case <-time.After(5 * time.Second):
				t.Fatal("the connection was not closed")
			}
			// Let the listener's goroutine for that connection finish.
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				t.Errorf("goroutines %d > %d before", n, before)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no host", Config{From: "a@b.c", To: []string{"d@e.f"}}, "no host"},
		{"bad security", Config{SMTP: SMTP{Host: "h", Security: "ssl"}, From: "a@b.c", To: []string{"d@e.f"}}, "security"},
		{"password without TLS", Config{SMTP: SMTP{Host: "h", Security: SecurityNone, Username: "u", Password: "p"}, From: "a@b.c", To: []string{"d@e.f"}}, "security none"},
		{"no recipients", Config{SMTP: SMTP{Host: "h"}, From: "a@b.c"}, "no recipients"},
		{"bad from", Config{SMTP: SMTP{Host: "h"}, From: "not an address", To: []string{"d@e.f"}}, "from"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg, notify.Env{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
	s, err := New(Config{SMTP: SMTP{Host: "h"}, From: "a@b.c", To: []string{"d@e.f"}}, notify.Env{})
	if err != nil || s.cfg.SMTP.Port != 587 || s.cfg.SMTP.Security != SecurityStartTLS || s.cfg.SMTP.Timeout != DefaultTimeout {
		t.Errorf("defaults: %+v %v", s, err)
	}
}
