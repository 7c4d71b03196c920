package drone

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// Config says how to reach one Drone server.
type Config struct {
	Server     string        // base URL, e.g. https://drone.example.com
	Token      string        // API token, sent as a bearer token
	Dialect    Dialect       // DialectAuto (or "") detects it via GET /version, cached after the first success
	Timeout    time.Duration // per attempt, up to the response headers; default 10s
	LogTimeout time.Duration // reading one step log body; default 2m
	CAFile     string        // extra CA (PEM) appended to the system pool
	Retries    int           // extra attempts for idempotent GETs; default 2 (negative = none)
	HTTPClient *http.Client  // optional (tests); its Transport is used
	Logger     *slog.Logger  // optional
	// Observe, when set, is called once per HTTP attempt (for metrics): op is
	// a stable operation name such as "repos", "build", "log", "create";
	// status is 0 when there was no answer.
	Observe func(op string, status int, elapsed time.Duration)
}

const (
	defaultTimeout    = 10 * time.Second
	defaultLogTimeout = 2 * time.Minute
	defaultRetries    = 2
	defaultBackoff    = 250 * time.Millisecond
)

// New returns a Client for cfg. It does not contact the server: with
// DialectAuto the dialect is detected by the first call that needs it.
func New(cfg Config) (Client, error) {
	base, err := url.Parse(strings.TrimRight(cfg.Server, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, &Error{Kind: KindInvalid, Op: "configure client", Message: "server must be an http(s) URL"}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.LogTimeout <= 0 {
		cfg.LogTimeout = defaultLogTimeout
	}
	switch {
	case cfg.Retries == 0:
		cfg.Retries = defaultRetries
	case cfg.Retries < 0:
		cfg.Retries = 0
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	hc, err := httpClient(cfg)
	if err != nil {
		return nil, err
	}
	red := redactor{token: cfg.Token}
	rc := resty.NewWithClient(hc).
		SetBaseURL(base.String()).
		SetDisableWarn(true).
		SetLogger(restyLogger{log: cfg.Logger, red: red}).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", "dronebot")
	if cfg.Token != "" {
		rc.SetAuthToken(cfg.Token)
	}
	t := &transport{
		rc:         rc,
		red:        red,
		log:        cfg.Logger,
		observe:    cfg.Observe,
		timeout:    cfg.Timeout,
		logTimeout: cfg.LogTimeout,
		retries:    cfg.Retries,
		backoff:    defaultBackoff,
	}
	c := &client{t: t, sem: make(chan struct{}, 1)}
	switch cfg.Dialect {
	case DialectAuto, "":
	case DialectV1:
		c.api = &v1API{t: t}
	case DialectV08:
		c.api = &v08API{t: t}
	case DialectWoodpecker:
		c.api = newWoodpeckerAPI(t)
	default:
		return nil, &Error{Kind: KindInvalid, Op: "configure client", Message: fmt.Sprintf("unknown API dialect %q (want auto, v1, v0.8 or woodpecker)", cfg.Dialect)}
	}
	return c, nil
}

// httpClient builds the HTTP client, adding CAFile to the system roots.
func httpClient(cfg Config) (*http.Client, error) {
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	// The per-attempt timers govern time; a client-wide timeout would cut log streams.
	hc.Timeout = 0
	if cfg.CAFile == "" {
		return hc, nil
	}
	pem, err := os.ReadFile(cfg.CAFile)
	if err != nil {
		return nil, &Error{Kind: KindInvalid, Op: "configure client", Message: "cannot read ca_file", Err: err}
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &Error{Kind: KindInvalid, Op: "configure client", Message: "ca_file holds no PEM certificate"}
	}
	var base *http.Transport
	switch rt := hc.Transport.(type) {
	case nil:
		base = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		base = rt.Clone()
	default:
		return nil, &Error{Kind: KindInvalid, Op: "configure client", Message: "ca_file needs an *http.Transport"}
	}
	if base.TLSClientConfig == nil {
		base.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	base.TLSClientConfig.RootCAs = pool
	hc.Transport = base
	return hc, nil
}

// restyLogger sends resty's own messages to slog, redacted.
type restyLogger struct {
	log *slog.Logger
	red redactor
}

func (l restyLogger) Errorf(format string, v ...any) {
	l.log.Error(l.red.String(fmt.Sprintf(format, v...)), "component", "drone")
}

func (l restyLogger) Warnf(format string, v ...any) {
	l.log.Warn(l.red.String(fmt.Sprintf(format, v...)), "component", "drone")
}

func (l restyLogger) Debugf(format string, v ...any) {
	l.log.Debug(l.red.String(fmt.Sprintf(format, v...)), "component", "drone")
}

// client resolves the dialect once, then hands every call to that dialect.
type client struct {
	t *transport
	// sem guards api; a channel so that waiting for a slow detection
	// honours the caller's context.
	sem chan struct{}
	api Client // nil until resolved
}

func (c *client) resolve(ctx context.Context) (Client, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, &Error{Kind: KindUnreachable, Op: "detect API dialect", Message: "Drone did not answer", Err: c.t.red.Error(ctx.Err())}
	}
	defer func() { <-c.sem }()
	if c.api != nil {
		return c.api, nil
	}
	d, err := detectDialect(ctx, c.t)
	if err != nil {
		return nil, err
	}
	switch d {
	case DialectV08:
		c.api = &v08API{t: c.t}
	case DialectWoodpecker:
		c.api = newWoodpeckerAPI(c.t)
	default:
		c.api = &v1API{t: c.t}
	}
	c.t.log.Debug("drone API dialect detected", "dialect", string(d))
	return c.api, nil
}
