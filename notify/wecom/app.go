package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Platform limits of a self-built app's message/send.
const (
	MaxAppContentBytes = 2048 // text and markdown content, UTF-8 bytes
	AppRateLimit       = 30   // messages to one member ...
	AppRateWindow      = 60 * time.Second
	maxToUsers         = 1000
	maxToPartiesOrTags = 100
	// defaultDuplicateCheck is WeCom's own default window; the maximum is 4h.
	defaultDuplicateCheck = 30 * time.Minute
	maxDuplicateCheck     = 4 * time.Hour
	// DefaultAPIURL is WeCom's API.
	DefaultAPIURL = "https://qyapi.weixin.qq.com"
)

// errTokenExpired marks errcodes 40014 and 42001: refresh and try once more.
var errTokenExpired = errors.New("access token expired or invalid")

// AppConfig identifies one self-built WeCom app.
type AppConfig struct {
	APIURL  string // default https://qyapi.weixin.qq.com
	CorpID  string
	AgentID int
	Secret  string
	// DuplicateCheck is the window in which WeCom drops a message whose
	// content repeats one already sent, so a retried delivery reaches the
	// member once. 0 means 30 min (WeCom's default); negative turns it off
	// (an intake answering commands: two equal questions deserve two answers).
	DuplicateCheck time.Duration
}

// Recipients are the members a message goes to; at least one list is set.
type Recipients struct {
	Users   []string // UserIDs, or "@all"
	Parties []string // department ids
	Tags    []string // tag ids
}

// Empty reports whether r names nobody.
func (r Recipients) Empty() bool { return len(r.Users)+len(r.Parties)+len(r.Tags) == 0 }

// AppClient sends messages as one app, caching its access token. It is safe
// for concurrent use; share one per app between the sink and the intake.
type AppClient struct {
	cfg    AppConfig
	hc     *http.Client
	log    *slog.Logger
	tokens *tokenCache
}

// NewAppClient checks cfg. hc must carry a timeout (nil: 15s).
func NewAppClient(cfg AppConfig, hc *http.Client, log *slog.Logger) (*AppClient, error) {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if u, err := url.Parse(cfg.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("wecom app: api_url %s is not an http(s) URL", notify.RedactURL(cfg.APIURL))
	}
	switch {
	case cfg.CorpID == "":
		return nil, errors.New("wecom app: corp_id is empty")
	case cfg.Secret == "":
		return nil, errors.New("wecom app: secret is empty")
	case cfg.AgentID <= 0:
		return nil, errors.New("wecom app: agent_id must be a positive number")
	case cfg.DuplicateCheck > maxDuplicateCheck:
		cfg.DuplicateCheck = maxDuplicateCheck
	case cfg.DuplicateCheck == 0:
		cfg.DuplicateCheck = defaultDuplicateCheck
	}
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &AppClient{cfg: cfg, hc: hc, log: log,
		tokens: newTokenCache(cfg.APIURL, cfg.CorpID, cfg.Secret, hc, time.Now)}, nil
}

// SendMarkdown sends WeCom app markdown (no code fences; inline code is one
// line) of at most 2048 bytes; longer content is cut at a line boundary.
func (c *AppClient) SendMarkdown(ctx context.Context, to Recipients, content string) error {
	return c.send(ctx, to, "markdown", content)
}

// SendText sends plain text of at most 2048 bytes.
func (c *AppClient) SendText(ctx context.Context, to Recipients, content string) error {
	return c.send(ctx, to, "text", content)
}

type appContent struct {
	Content string `json:"content"`
}

type appPayload struct {
	ToUser                 string      `json:"touser,omitempty"`
	ToParty                string      `json:"toparty,omitempty"`
	ToTag                  string      `json:"totag,omitempty"`
	MsgType                string      `json:"msgtype"`
	AgentID                int         `json:"agentid"`
	Text                   *appContent `json:"text,omitempty"`
	Markdown               *appContent `json:"markdown,omitempty"`
	EnableDuplicateCheck   int         `json:"enable_duplicate_check"`
	DuplicateCheckInterval int         `json:"duplicate_check_interval,omitempty"`
}

type sendAnswer struct {
	ErrCode      *int   `json:"errcode"`
	ErrMsg       string `json:"errmsg"`
	InvalidUser  string `json:"invaliduser"`
	InvalidParty string `json:"invalidparty"`
	InvalidTag   string `json:"invalidtag"`
}

func (c *AppClient) payload(to Recipients, msgType, content string) (*appPayload, error) {
	if to.Empty() {
		return nil, errors.New("no recipients")
	}
	if len(to.Users) > maxToUsers || len(to.Parties) > maxToPartiesOrTags || len(to.Tags) > maxToPartiesOrTags {
		return nil, fmt.Errorf("too many recipients (at most %d users, %d parties, %d tags)", maxToUsers, maxToPartiesOrTags, maxToPartiesOrTags)
	}
	if strings.TrimSpace(content) == "" {
		return nil, errors.New("empty content")
	}
	body := &appPayload{
		ToUser: strings.Join(to.Users, "|"), ToParty: strings.Join(to.Parties, "|"), ToTag: strings.Join(to.Tags, "|"),
		MsgType: msgType, AgentID: c.cfg.AgentID,
	}
	if c.cfg.DuplicateCheck > 0 {
		body.EnableDuplicateCheck = 1
		body.DuplicateCheckInterval = int(c.cfg.DuplicateCheck / time.Second)
	}
	part := &appContent{Content: fitLines(content, MaxAppContentBytes)}
	if msgType == "text" {
		body.Text = part
	} else {
		body.Markdown = part
	}
	return body, nil
}

// fitLines is the safety net for content rendered without a limit: it
// keeps the start, cut at a line (else rune) boundary, marked with "…".
func fitLines(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	kept := notify.TruncateBytes(s, limit-len("\n…"), "")
	if i := strings.LastIndexByte(kept, '\n'); i > 0 {
		kept = kept[:i]
	}
	return kept + "\n…"
}

func (c *AppClient) send(ctx context.Context, to Recipients, msgType, content string) error {
	p, err := c.payload(to, msgType, content)
	if err != nil {
		return notify.Permanent(fmt.Errorf("wecom app: %w", err))
	}
	body, err := json.Marshal(p)
	if err != nil {
		return notify.Permanent(fmt.Errorf("wecom app: encoding the message: %w", err))
	}
	for attempt := 1; ; attempt++ {
		token, err := c.tokens.get(ctx)
		if err != nil {
			return err
		}
		err = c.post(ctx, token, body)
		if errors.Is(err, errTokenExpired) && attempt == 1 {
			// WeCom may end a token before expires_in: fetch a new one, once.
			c.log.InfoContext(ctx, "wecom app: access token refused, refreshing it", "agent_id", c.cfg.AgentID)
			c.tokens.invalidate(ctx, token)
			continue
		}
		return err
	}
}

// post makes one message/send call and classifies the answer.
func (c *AppClient) post(ctx context.Context, token string, body []byte) error {
	endpoint := c.cfg.APIURL + "/cgi-bin/message/send?access_token=" + url.QueryEscape(token)
	resp, err := notify.PostJSON(ctx, c.hc, endpoint, nil, body)
	if err != nil {
		return fmt.Errorf("wecom app: %w", err)
	}
	if err := notify.CheckHTTP(resp.Status, resp.Body); err != nil {
		return fmt.Errorf("wecom app: %w", err)
	}
	var a sendAnswer
	if err := json.Unmarshal(resp.Body, &a); err != nil || a.ErrCode == nil {
		return notify.Ambiguous(fmt.Errorf("wecom app: unexpected answer: %s", notify.Snippet(resp.Body, 120)))
	}
	if *a.ErrCode == 0 && (a.InvalidUser != "" || a.InvalidParty != "" || a.InvalidTag != "") {
		// Delivered to the others; resending would duplicate it for them.
		c.log.WarnContext(ctx, "wecom app: some recipients are unknown to WeCom",
			"invalid_user", a.InvalidUser, "invalid_party", a.InvalidParty, "invalid_tag", a.InvalidTag)
	}
	if err := classifyApp(*a.ErrCode, a.ErrMsg); err != nil {
		return fmt.Errorf("wecom app: %w", err)
	}
	return nil
}

// classifyApp maps a WeCom API errcode to a classified error.
func classifyApp(code int, msg string) error {
	msg = notify.Snippet([]byte(msg), 160)
	switch code {
	case 0:
		return nil
	case 40014, 42001:
		return fmt.Errorf("%w (errcode %d: %s)", errTokenExpired, code, msg)
	case 40001, 40091:
		// Repeating a wrong secret gets the server's IP banned for an hour.
		return notify.Permanent(fmt.Errorf("the app secret is wrong (errcode %d: %s); check chat.wecom.secret", code, msg))
	case 40013:
		return notify.Permanent(fmt.Errorf("the corp id is wrong (errcode 40013: %s); check chat.wecom.corp_id", msg))
	case 40056, 301002, 60011:
		return notify.Permanent(fmt.Errorf("the app may not send this message: wrong agent_id or recipients outside its visible range (errcode %d: %s)", code, msg))
	case 60020:
		return notify.Permanent(fmt.Errorf("WeCom refuses calls from this server's IP address (errcode 60020: %s): add the IP to the app's trusted IPs (企业可信IP) in the WeCom admin console; it takes effect about a minute later", msg))
	case 81013, 82001, 40003, 60111:
		return notify.Permanent(fmt.Errorf("no valid recipient: check the user, party and tag ids (errcode %d: %s)", code, msg))
	case 40058, 44004, 45002:
		return notify.Permanent(fmt.Errorf("WeCom refused the content (errcode %d: %s)", code, msg))
	case 45009, 45033:
		return notify.RetryAfter(fmt.Errorf("rate limited by WeCom (errcode %d: %s)", code, msg), rateBackoff)
	case -1:
		return notify.RetryAfter(fmt.Errorf("WeCom is busy (errcode -1: %s)", msg), 0)
	}
	return notify.Permanent(fmt.Errorf("WeCom refused the request (errcode %d: %s)", code, msg))
}
