package email

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/notify/email/emailtest"
)

// backend is the test SMTP server's settings and, once started, the server.
type backend struct {
	user, pass string // AUTH PLAIN credentials; empty: no AUTH offered
	srv        *emailtest.Server
}

// Mails are the mails the server accepted.
func (b *backend) Mails() []emailtest.Mail { return b.srv.Mails() }

// startSMTP runs a real SMTP server on 127.0.0.1; implicitTLS wraps the
// listener, a tlsConfig alone offers STARTTLS.
func startSMTP(t *testing.T, be *backend, tlsConfig *tls.Config, implicitTLS bool) int {
	t.Helper()
	be.srv = emailtest.NewServer(t, emailtest.Options{User: be.user, Pass: be.pass, TLS: tlsConfig, ImplicitTLS: implicitTLS})
	return be.srv.Port
}

func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) { return emailtest.SelfSigned(t) }

// scriptedServer speaks just enough SMTP by hand to misbehave: it accepts
// one mail and then drops the connection on QUIT without answering.
func scriptedServer(t *testing.T) (port int, got chan string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	got = make(chan string, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(conn)
		say := func(s string) { _, _ = io.WriteString(conn, s+"\r\n") }
		say("220 localhost ESMTP")
		var data strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"):
				say("250 localhost")
			case strings.HasPrefix(cmd, "DATA"):
				say("354 go ahead")
				for {
					l, err := r.ReadString('\n')
					if err != nil || l == ".\r\n" {
						break
					}
					data.WriteString(l)
				}
				say("250 queued")
				got <- data.String()
			case strings.HasPrefix(cmd, "QUIT"):
				return // hang up without the 221
			default:
				say("250 ok")
			}
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, got
}
