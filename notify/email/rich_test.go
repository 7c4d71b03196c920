package email

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
)

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// part is one leaf of a parsed MIME tree, with the path of media types
// that leads to it.
type part struct {
	path   string
	header map[string][]string
	body   []byte
}

// walk flattens a MIME entity into its leaves.
func walk(t *testing.T, prefix string, header map[string][]string, body io.Reader, out *[]part) {
	t.Helper()
	ct := ""
	if v := header["Content-Type"]; len(v) > 0 {
		ct = v[0]
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatalf("%s: Content-Type %q: %v", prefix, ct, err)
	}
	path := strings.TrimPrefix(prefix+">"+mediaType, ">")
	if !strings.HasPrefix(mediaType, "multipart/") {
		data, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		*out = append(*out, part{path: path, header: header, body: data})
		return
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		walk(t, path, p.Header, p, out)
	}
}

func TestSendMailRelatedAlternative(t *testing.T) {
	be := &backend{}
	port := startSMTP(t, be, nil, false)
	s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityNone}})
	img := tinyPNG(t)
	m := Mail{
		Subject: "构建日报: 3 failed",
		Text:    "plain body",
		HTML:    `<html><body><p>html body</p><img src="cid:chart.png" alt="chart"></body></html>`,
		Inline:  []Inline{{Name: "chart.png", ContentType: "image/png", Data: img}},
	}
	if err := s.SendMail(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	mails := be.Mails()
	if len(mails) != 1 || strings.Join(mails[0].To, ",") != "dev@example.com" {
		t.Fatalf("mails %+v", mails)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(mails[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != m.Subject {
		t.Errorf("Subject = %q", subject)
	}
	var parts []part
	walk(t, "", msg.Header, msg.Body, &parts)
	var paths []string
	for _, p := range parts {
		paths = append(paths, p.path)
	}
	want := "multipart/related>multipart/alternative>text/plain," +
		"multipart/related>multipart/alternative>text/html," +
		"multipart/related>image/png"
	if got := strings.Join(paths, ","); got != want {
		t.Fatalf("MIME tree\n got %s\nwant %s", got, want)
	}
	if string(parts[0].body) != "plain body" || !strings.Contains(string(parts[1].body), `src="cid:chart.png"`) {
		t.Errorf("bodies: %q / %q", parts[0].body, parts[1].body)
	}
	imgPart := parts[2]
	if cid := imgPart.header["Content-Id"]; len(cid) != 1 || cid[0] != "<chart.png>" {
		t.Errorf("Content-ID = %q", cid)
	}
	if disp := strings.Join(imgPart.header["Content-Disposition"], ""); !strings.HasPrefix(disp, "inline") {
		t.Errorf("Content-Disposition = %q", disp)
	}
	// multipart.Reader does not undo base64: the test does, as a client would.
	raw, err := io.ReadAll(base64Reader(imgPart.body))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, img) {
		t.Fatalf("image part differs: %d bytes, want %d", len(raw), len(img))
	}
	if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
		t.Fatalf("image part is no PNG: %v", err)
	}
}

func TestSendMailPlainOnly(t *testing.T) {
	be := &backend{}
	port := startSMTP(t, be, nil, false)
	s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityNone}})
	if err := s.SendMail(context.Background(), Mail{Subject: "s", Text: "only text"}); err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(be.Mails()[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	mediaType, _, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	body, _ := io.ReadAll(msg.Body)
	if mediaType != "text/plain" || strings.TrimSpace(string(body)) != "only text" {
		t.Fatalf("%s: %q", mediaType, body)
	}
}

func TestSendMailRefusesBadInput(t *testing.T) {
	be := &backend{}
	port := startSMTP(t, be, nil, false)
	s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityNone}})
	png := []byte("x")
	cases := []struct {
		name string
		mail Mail
		want string
	}{
		{"no body", Mail{Subject: "s"}, "no body"},
		{"subject injection", Mail{Subject: "s\r\nBcc: x@example.com", Text: "t"}, "line break"},
		{"bad name", Mail{Text: "t", Inline: []Inline{{Name: "a b>", ContentType: "image/png", Data: png}}}, "names are"},
		{"no name", Mail{Text: "t", Inline: []Inline{{ContentType: "image/png", Data: png}}}, "without a name"},
		{"bad type", Mail{Text: "t", Inline: []Inline{{Name: "a.png", ContentType: "", Data: png}}}, "content type"},
		{"empty", Mail{Text: "t", Inline: []Inline{{Name: "a.png", ContentType: "image/png"}}}, "empty"},
		{"twice", Mail{Text: "t", Inline: []Inline{
			{Name: "a.png", ContentType: "image/png", Data: png}, {Name: "a.png", ContentType: "image/png", Data: png}}}, "twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := s.SendMail(context.Background(), c.mail)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to say %q", err, c.want)
			}
		})
	}
	if n := len(be.Mails()); n != 0 {
		t.Fatalf("%d mails went out", n)
	}
}

func TestSendMailHonoursContext(t *testing.T) {
	port, _ := scriptedServer(t)
	s := newSink(t, Config{SMTP: SMTP{Port: port, Security: SecurityNone}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.SendMail(ctx, Mail{Subject: "s", Text: "t"}); err == nil {
		t.Fatal("a cancelled context still sent")
	}
}

// base64Reader decodes a base64 body; the decoder skips the line breaks.
func base64Reader(b []byte) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, bytes.NewReader(b))
}
