package digest

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/email"
	"github.com/dronebot/dronebot/notify/email/emailtest"
)

// mimeLeaf is one non-multipart part and the media types leading to it.
type mimeLeaf struct {
	path   string
	header map[string][]string
	body   []byte
}

func mimeLeaves(t *testing.T, prefix string, header map[string][]string, body io.Reader) []mimeLeaf {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(strings.Join(header["Content-Type"], ""))
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(prefix+">"+mediaType, ">")
	if !strings.HasPrefix(mediaType, "multipart/") {
		data, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		return []mimeLeaf{{path, header, data}}
	}
	var out []mimeLeaf
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, mimeLeaves(t, path, p.Header, p)...)
	}
}

// TestDigestEmailArrives sends the scenario's digest by hand to an email
// sink and a chat sink, and reads what the SMTP server received.
func TestDigestEmailArrives(t *testing.T) {
	sc := newScenario(t)
	smtpd := emailtest.NewServer(t, emailtest.Options{})
	sink, err := email.New(email.Config{SMTP: email.SMTP{Host: "127.0.0.1", Port: smtpd.Port,
		Security: email.SecurityNone}, From: "Drone Bot <bot@example.com>", To: []string{"dev@example.com"}}, notify.Env{Name: "oncall-mail"})
	if err != nil {
		t.Fatal(err)
	}
	var chat []string
	sinks := Sinks{
		Mail: map[string]MailSender{"oncall-mail": sink},
		Chat: func(_ context.Context, name string, n *notify.Notice, lang string) error {
			chat = append(chat, name+"|"+lang+"|"+n.Title+"|"+n.Text)
			return nil
		},
	}
	st := sc.store()
	st.sent = map[string]time.Time{"daily": sc.since}
	s := &Scheduler{Digests: []Spec{sc.spec}, Store: st, History: st, WatchRepos: sc.watch, Send: sinks.Send,
		DroneURL: sc.droneURL, Now: func() time.Time { return sc.until }}
	if err := s.SendNow(context.Background(), "daily"); err != nil {
		t.Fatal(err)
	}

	if len(chat) != 1 || !strings.HasPrefix(chat[0], "team-wecom||Build digest: daily|") ||
		chat[0] != "team-wecom||Build digest: daily|"+RenderMarkdown(sc.report(), "", MarkdownLimit) ||
		!strings.Contains(chat[0], "- [**octo/api**](https://drone.example.com/octo/api): 7 runs, 4 failed, success rate 33.3%, red now: main") {
		t.Fatalf("chat: %q", chat)
	}
	var mails [][]byte
	for _, m := range smtpd.Mails() {
		mails = append(mails, m.Data)
	}
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(mails[0]))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "Build digest daily: 12 runs, 5 failed, 54.5% success, 2 red now" {
		t.Errorf("Subject %q", subject)
	}
	leaves := mimeLeaves(t, "", msg.Header, msg.Body)
	var paths []string
	for _, l := range leaves {
		paths = append(paths, l.path)
	}
	want := "multipart/related>multipart/alternative>text/plain," +
		"multipart/related>multipart/alternative>text/html," +
		"multipart/related>image/png,multipart/related>image/png"
	if got := strings.Join(paths, ","); got != want {
		t.Fatalf("MIME tree\n got %s\nwant %s", got, want)
	}
	// SMTP carries CRLF line ends.
	if strings.ReplaceAll(string(leaves[0].body), "\r\n", "\n") != wantTextEN {
		t.Errorf("text part:\n%s", leaves[0].body)
	}

	// Each img of the HTML points at an image part's Content-ID: the
	// outcome chart, then the duration chart, each a PNG of its size.
	doc := parseHTML(t, string(leaves[1].body))
	imgs := findAll(doc, "img")
	if len(imgs) != 2 {
		t.Fatalf("%d img elements", len(imgs))
	}
	for i, height := range []int{ChartHeightPx, DurationHeightPx} {
		part := leaves[2+i]
		cid := strings.Trim(strings.Join(part.header["Content-Id"], ""), "<>")
		if src := attr(imgs[i], "src"); cid == "" || src != "cid:"+cid {
			t.Fatalf("img %d src %q, image Content-ID %q", i, src, cid)
		}
		raw, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(part.body)))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("image part %d is no PNG: %v", i, err)
		}
		if img.Bounds().Dx() != 2*ChartWidthPx || img.Bounds().Dy() != 2*height {
			t.Errorf("image %d: %v", i, img.Bounds())
		}
	}
	if tables := findAll(doc, "table"); len(tables) < 3 {
		t.Fatalf("%d tables", len(tables))
	}
	if a := findAll(doc, "a"); len(a) < 20 || attr(a[0], "href") != "https://drone.example.com" {
		t.Fatalf("%d links in the mail", len(a))
	}
	if got := st.sent["daily"]; !got.Equal(sc.since) {
		t.Errorf("a manual send moved the schedule to %s", got)
	}
}

func TestSinksSendJoinsFailures(t *testing.T) {
	r := newScenario(t).report()
	spec := Spec{Name: "d", To: []string{"mail-down", "chat-a", "chat-b"}, Lang: "zh"}
	var got []string
	s := Sinks{
		Mail: map[string]MailSender{"mail-down": mailFunc(func(context.Context, email.Mail) error { return errBoom })},
		Chat: func(_ context.Context, name string, n *notify.Notice, lang string) error {
			got = append(got, name+":"+lang)
			if name == "chat-b" {
				return errBoom
			}
			return nil
		},
	}
	err := s.Send(context.Background(), spec, r)
	if err == nil || !strings.Contains(err.Error(), "to mail-down: boom") || !strings.Contains(err.Error(), "to chat-b: boom") {
		t.Fatalf("err = %v", err)
	}
	if strings.Join(got, ",") != "chat-a:zh,chat-b:zh" {
		t.Fatalf("chat sends %q", got)
	}
	if err := (Sinks{}).Send(context.Background(), spec, r); err == nil || !strings.Contains(err.Error(), "no chat delivery") {
		t.Fatalf("err = %v", err)
	}
}

type mailFunc func(context.Context, email.Mail) error

func (f mailFunc) SendMail(ctx context.Context, m email.Mail) error { return f(ctx, m) }

func TestPreviewWritesTextAndHTML(t *testing.T) {
	sc := newScenario(t)
	st := sc.store()
	st.sent = map[string]time.Time{"daily": sc.since}
	s := &Scheduler{Digests: []Spec{sc.spec}, Store: st, History: st, WatchRepos: sc.watch, DroneURL: sc.droneURL,
		Now: func() time.Time { return sc.until }}
	var text, page bytes.Buffer
	if err := s.Preview(context.Background(), "", &text, &page); err != nil {
		t.Fatal(err)
	}
	if text.String() != wantTextEN {
		t.Errorf("text:\n%s", text.String())
	}
	img := findAll(parseHTML(t, page.String()), "img")
	if len(img) != 2 || !strings.HasPrefix(attr(img[0], "src"), "data:image/png;base64,") ||
		!strings.HasPrefix(attr(img[1], "src"), "data:image/png;base64,") {
		t.Fatal("the preview does not embed the charts")
	}
}
