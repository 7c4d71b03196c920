package slackapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
)

const (
	// responseURLUses and responseURLLife are Slack's limits on one
	// response_url: 5 posts within 30 minutes of the command.
	responseURLUses = 5
	responseURLLife = 30 * time.Minute
)

// responseURL is one request's response_url and what is left of it. The URL
// is a bearer capability: it is never logged nor put in an error.
type responseURL struct {
	url     string
	expires time.Time

	mu   sync.Mutex
	uses int
}

var errResponseURLSpent = errors.New("response_url used up or expired")

// newResponseURL accepts only absolute http(s) URLs.
func newResponseURL(raw string, received time.Time) (*responseURL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("response_url is not an http(s) URL")
	}
	return &responseURL{url: raw, expires: received.Add(responseURLLife)}, nil
}

// take counts one use, or fails when none is left at now.
func (r *responseURL) take(now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.uses >= responseURLUses || !now.Before(r.expires) {
		return errResponseURLSpent
	}
	r.uses++
	return nil
}

// usable reports whether a post could still be made before deadline.
func (r *responseURL) usable(deadline time.Time) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.uses < responseURLUses && deadline.Before(r.expires)
}

// responsePayload is the JSON Slack takes at a response_url.
type responsePayload struct {
	ResponseType    string           `json:"response_type"`
	Text            string           `json:"text"`
	Blocks          []slackapi.Block `json:"blocks,omitempty"`
	ReplaceOriginal bool             `json:"replace_original"`
}

func responseType(public bool) string {
	if public {
		return slackapi.ResponseTypeInChannel
	}
	return slackapi.ResponseTypeEphemeral
}

// postResponse delivers msg to a response_url.
func (a *App) postResponse(ctx context.Context, ru *responseURL, msg message) error {
	if err := ru.take(a.now()); err != nil {
		return err
	}
	body, err := json.Marshal(responsePayload{ResponseType: responseType(msg.Public), Text: msg.Text, Blocks: msg.Blocks})
	if err != nil {
		return fmt.Errorf("encode reply: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ru.url, bytes.NewReader(body))
	if err != nil {
		return errors.New("build response_url request")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := a.hc.Do(req)
	if err != nil {
		return fmt.Errorf("post to response_url: %w", withoutURL(err))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection is reused
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post to response_url: status %d: %s", resp.StatusCode, strings.TrimSpace(string(answer)))
	}
	return nil
}

// postChannel delivers msg to a channel with chat.postMessage (bot token).
func (a *App) postChannel(ctx context.Context, channel string, msg message) error {
	if a.api == nil {
		return errors.New("no bot token")
	}
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	_, _, err := a.api.PostMessageContext(ctx, channel,
		slackapi.MsgOptionText(msg.Text, false), slackapi.MsgOptionBlocks(msg.Blocks...))
	if err != nil {
		return fmt.Errorf("chat.postMessage to %s: %w", channel, withoutURL(err))
	}
	return nil
}

// withoutURL drops the URL that net/http puts in its errors.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
