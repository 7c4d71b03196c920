// Package emailtest runs a real SMTP server (github.com/emersion/go-smtp)
// on 127.0.0.1 for tests: plain, STARTTLS or implicit TLS, with optional
// AUTH PLAIN, recording every mail it accepts.
package emailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message the server accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
	User string // who logged in, "" if nobody
}

// Options shape the server.
type Options struct {
	User, Pass  string      // AUTH PLAIN credentials; empty: no AUTH offered
	TLS         *tls.Config // offered as STARTTLS, or wrapping the listener with ImplicitTLS
	ImplicitTLS bool
}

// Server is a running SMTP server.
type Server struct {
	Host string
	Port int

	opts  Options
	mu    sync.Mutex
	mails []Mail
	fail  int // mails still to refuse with a temporary error
}

// FailNext makes the next n mails get "451 4.3.0 try again later" after
// their data was sent, as a busy server answers.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail += n
}

// NewServer starts a server that stops when the test ends.
func NewServer(tb testing.TB, opts Options) *Server {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, opts: opts}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = logger{tb}
	srv.AllowInsecureAuth = opts.User != "" && opts.TLS == nil
	if opts.ImplicitTLS {
		l = tls.NewListener(l, opts.TLS)
	} else {
		srv.TLSConfig = opts.TLS
	}
	go func() { _ = srv.Serve(l) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return s
}

// Mails returns what was accepted so far, in order.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(*smtp.Conn) (smtp.Session, error) {
	sess := &session{srv: s}
	if s.opts.User != "" {
		return &authSession{sess}, nil
	}
	return sess, nil
}

type session struct {
	srv  *Server
	cur  Mail
	user string
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.cur.From = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *session) Reset()        { s.cur = Mail{} }
func (s *session) Logout() error { return nil }
func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data, s.cur.User = data, s.user
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.fail > 0 {
		s.srv.fail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.srv.mails = append(s.srv.mails, s.cur)
	return nil
}

type authSession struct{ *session }

func (a *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (a *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != a.srv.opts.User || pass != a.srv.opts.Pass {
			return smtp.ErrAuthFailed
		}
		a.user = user
		return nil
	}), nil
}

// SelfSigned is a certificate for 127.0.0.1 and localhost, and a pool that
// trusts it.
func SelfSigned(tb testing.TB) (*tls.Config, *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dronebot test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

type logger struct{ tb testing.TB }

func (l logger) Printf(format string, v ...any) { l.tb.Logf("smtp server: "+format, v...) }

func (l logger) Println(v ...any) { l.tb.Log(append([]any{"smtp server:"}, v...)...) }
