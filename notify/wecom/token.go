package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Token lifetimes: WeCom answers expires_in (normally 7200 s); the cache
// lets a token go a little before that, so a request never carries one
// that dies on the way.
const (
	maxTokenMargin = 5 * time.Minute
	minTokenLife   = time.Second
)

// tokenCache holds the access token of one app (api_url, corp_id, secret).
// One refresh runs at a time; callers waiting for it share its result.
type tokenCache struct {
	api    string
	corpID string
	secret string
	hc     *http.Client
	now    func() time.Time

	// sem is the refresh lock: a channel so that waiting honours ctx.
	sem     chan struct{}
	token   string
	expires time.Time
	fetches int // gettoken calls made, for tests
}

func newTokenCache(api, corpID, secret string, hc *http.Client, now func() time.Time) *tokenCache {
	return &tokenCache{api: api, corpID: corpID, secret: secret, hc: hc, now: now, sem: make(chan struct{}, 1)}
}

func (c *tokenCache) lock(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wecom: waiting for the access token: %w", ctx.Err())
	}
}

func (c *tokenCache) unlock() { <-c.sem }

// get returns a valid token, fetching one when the cached one is missing
// or about to expire.
func (c *tokenCache) get(ctx context.Context) (string, error) {
	if err := c.lock(ctx); err != nil {
		return "", err
	}
	defer c.unlock()
	if c.token != "" && c.now().Before(c.expires) {
		return c.token, nil
	}
	token, life, err := c.fetch(ctx)
	if err != nil {
		return "", err
	}
	margin := min(life/10, maxTokenMargin)
	c.token, c.expires = token, c.now().Add(life-margin)
	return token, nil
}

// invalidate drops stale when it is still the cached token, so that of
// several requests refused at once only the first causes a refresh.
func (c *tokenCache) invalidate(ctx context.Context, stale string) {
	if c.lock(ctx) != nil {
		return
	}
	defer c.unlock()
	if c.token == stale {
		c.token, c.expires = "", time.Time{}
	}
}

type tokenAnswer struct {
	ErrCode     *int   `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// fetch calls gettoken. Its errors never hold the secret or the token.
func (c *tokenCache) fetch(ctx context.Context) (string, time.Duration, error) {
	c.fetches++
	q := url.Values{"corpid": {c.corpID}, "corpsecret": {c.secret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.api+"/cgi-bin/gettoken?"+q.Encode(), nil)
	if err != nil {
		return "", 0, notify.Permanent(fmt.Errorf("wecom gettoken: bad api_url %s", notify.RedactURL(c.api)))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// A GET is safe to repeat: retryable, never ambiguous.
		return "", 0, fmt.Errorf("wecom gettoken: %s", c.scrub(transportText(err)))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", 0, fmt.Errorf("wecom gettoken: reading the answer: %s", c.scrub(err.Error()))
	}
	if err := notify.CheckHTTP(resp.StatusCode, body); err != nil {
		return "", 0, fmt.Errorf("wecom gettoken: %w", err)
	}
	var a tokenAnswer
	if err := json.Unmarshal(body, &a); err != nil || a.ErrCode == nil {
		return "", 0, fmt.Errorf("wecom gettoken: unexpected answer (HTTP %d)", resp.StatusCode)
	}
	if *a.ErrCode != 0 {
		return "", 0, fmt.Errorf("wecom gettoken: %w", classifyApp(*a.ErrCode, c.scrub(a.ErrMsg)))
	}
	if a.AccessToken == "" {
		return "", 0, errors.New("wecom gettoken: answer without access_token")
	}
	life := time.Duration(a.ExpiresIn) * time.Second
	if life < minTokenLife {
		life = minTokenLife
	}
	return a.AccessToken, life, nil
}

// scrub removes the secret and the cached token from text meant for an
// error or a log line.
func (c *tokenCache) scrub(text string) string {
	for _, s := range []string{c.secret, url.QueryEscape(c.secret), c.token} {
		if s != "" {
			text = strings.ReplaceAll(text, s, "xxxxx")
		}
	}
	return text
}

// transportText is a transport error without the request URL, which
// carries corpsecret or access_token.
func transportText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}
