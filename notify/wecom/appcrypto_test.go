package wecom_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/dronebot/dronebot/notify/wecom"
)

// The published vectors (WeCom's documentation): A is the official
// WXBizMsgCrypt sample, B the go-workwx tests.
const (
	aToken = "QDG6eK"
	aKey   = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	aCorp  = "wx5823bf96d3bd56c7"

	a1Sig   = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
	a1TS    = "1409659589"
	a1Nonce = "263014780"
	a1Echo  = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="

	a2Sig     = "477715d11cdb4164915debcba66cb864d751f3e6"
	a2TS      = "1409659813"
	a2Nonce   = "1372623149"
	a2Encrypt = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	a2Plain   = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"

	a3Plain   = "<xml><ToUserName><![CDATA[mycreate]]></ToUserName><FromUserName><![CDATA[wx5823bf96d3bd56c7]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId><AgentID>128</AgentID></xml>"
	a3Encrypt = "2JaQ0H0H/TuqGM/rDRTva9p888tnPalUxtl86bgFepC7c3hGnvf8Si2yBCRZ6AlfI3L+1JjsPPDBMNHBE/0mdtFbMN869VTSqAIubVtni2Xq/ryi2P5/xVHBS90y7vCQc97OKgGpJRgmdzzUZHddzSrgA72z9JhN1Q6WiPfyv34p/1Tn4jHwg+O75LHmRjQcOhKZTdMnpYdstqjfADyS1JigJuV6lGwWQsZTK98MwYQ7k4DnPae/lKZBQqQ9bSUOpzXMSF/4H+xlCavLgpGEjESaoPhV8dWKx3/kGpTYoRo50hy9Gy7AYBjmgIPZFRiNBuiWnDFN2H8cNLtkJ4uS8e+qUgzocN+3FJ23eZu9Dyrxajv4bpGznxY7QMuD4iPB8/uUCiZVIVrTvmQgk/7Oryv0IbJwA2tMMcJlAjY29ytR0Jf+0zBjXNAeZiSq7cEbTjt1PpPFQL1qn+nNXYPYqw=="
	a3Sig     = "5e9cddcea7bda2620a3c1daeac8cecdc8c53b892"

	bSigToken = "kjr2TKI8umCBfVF3wAHk8JiPwma5VBme"
	bEcho     = "6KmUQuPVu7UhjyVqRdbo5SfcRqaHvbUlKSHFvBV2ZuR6TIlKsygcfeSd1GDplg1C5KSKr6UPHCaC/nIX3ZNt9w=="
	bKey      = "4Ma3YBrSBbX2aez8MJpXGBne5LSDwgGqHbhM9WPYIws"
	bCorp     = "ww6a112864f8022910"

	bEnvToken = "kz7Yx62CH8SaLN"
	bEnvKey   = "cD0d7jx4tYvVtzqrmh3Dm3QFCXe6f8SlHoMtMh3qQEP"
	bEnvBody  = "<xml><ToUserName><![CDATA[ww6a112864f8022910]]></ToUserName><Encrypt><![CDATA[EUCt7xMcNiyASzZj0Hjc5yDjFQrCum6AfQ3ntHiUzjGQ51xieKmbvtrZ40/EcB2W/W8yH0n4Lqx48gJl/T9HD/R309I0P/r5pIZucK3lyEn48FYMr4YdE0QdL2jIJ3xkcXUr6uzefzCxG6lMvwpAJaOyVCzN7sRRw47njfxy5EIqU6R9ZBhlTzfdnhhOhK/nTwzrZX3SoGlXFA9OBeZ6ru1NWpXFk76x9DUMe0lcxPPiUqK8ctnQcYXSGUHVqC6DfG7E7mab0OmruNN8cBZY5d3dYOBA4OgaH55Q0AJmUpdT8vNiXpXx+6TxT3TIjySXpDrHVyrsb772aYywgg/Nu4kUmGkALwFZlzhjNegR7wDwb9lr4ERXsSSS8JZ8lbBmaQ3F2Tq584xoPj5rIhXAF734ynm4no1g+SdHiNqR328=]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>"
)

func mustCrypto(t testing.TB, token, key, corp string) *wecom.Crypto {
	t.Helper()
	c, err := wecom.NewCrypto(token, key, corp)
	if err != nil {
		t.Fatalf("NewCrypto: %v", err)
	}
	return c
}

func TestVectorSignatures(t *testing.T) {
	tests := []struct {
		name, token, ts, nonce, encrypt, want string
	}{
		{"A1 url verify", aToken, a1TS, a1Nonce, a1Echo, a1Sig},
		{"A2 post", aToken, a2TS, a2Nonce, a2Encrypt, a2Sig},
		{"A3 reply", aToken, a2TS, a2Nonce, a3Encrypt, a3Sig},
		{"B signature", bSigToken, "1583940690", "VHh7ymSeb0jc4lSb", bEcho, "1ba3cb09c0d2c2b3ed6900d37f91a6efae6cb011"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustCrypto(t, tt.token, aKey, aCorp)
			if got := c.Signature(tt.ts, tt.nonce, tt.encrypt); got != tt.want {
				t.Errorf("Signature = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestVectorDecrypt(t *testing.T) {
	tests := []struct {
		name, key, corp, encrypt, want string
	}{
		{"A1 echostr", aKey, aCorp, a1Echo, "1616140317555161061"},
		{"A2 message", aKey, aCorp, a2Encrypt, a2Plain},
		{"A3 reply", aKey, aCorp, a3Encrypt, a3Plain},
		{"B echostr", bKey, bCorp, bEcho, "94966531020182955848408"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mustCrypto(t, "t", tt.key, tt.corp).Decrypt(tt.encrypt)
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Decrypt = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVectorVerifyURL(t *testing.T) {
	c := mustCrypto(t, aToken, aKey, aCorp)
	got, err := c.VerifyURL(a1Sig, a1TS, a1Nonce, a1Echo)
	if err != nil || string(got) != "1616140317555161061" {
		t.Fatalf("VerifyURL = %q, %v", got, err)
	}
	if _, err := c.VerifyURL(strings.Repeat("0", 40), a1TS, a1Nonce, a1Echo); !errors.Is(err, wecom.ErrBadSignature) {
		t.Errorf("wrong signature: err = %v, want ErrBadSignature", err)
	}
}

func TestVectorEncryptA3(t *testing.T) {
	c := mustCrypto(t, aToken, aKey, aCorp)
	got, err := c.Encrypt([]byte(a3Plain), strings.NewReader("aaaaaaaaaaaaaaaa"))
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	if got != a3Encrypt {
		t.Errorf("Encrypt = %s\nwant %s", got, a3Encrypt)
	}
}

func TestVectorOpen(t *testing.T) {
	tests := []struct {
		name, token, key, corp, sig, ts, nonce, body string
		from, content, msgID                         string
		agent                                        int64
	}{
		{"A2", aToken, aKey, aCorp, a2Sig, a2TS, a2Nonce,
			"<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[" + a2Encrypt + "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>",
			"mycreate", "hello", "4561255354251345929", 218},
		{"B envelope", bEnvToken, bEnvKey, bCorp, "f265ae551b1932727204c3d707628d01376a6940", "1583995625", "1584392382",
			bEnvBody, "foobar", "x123", "2018405441", 1000002},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := mustCrypto(t, tt.token, tt.key, tt.corp).Open(tt.sig, tt.ts, tt.nonce, []byte(tt.body))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if in.FromUserName != tt.from || in.Content != tt.content || in.MsgID != tt.msgID ||
				in.AgentID != tt.agent || in.MsgType != "text" || in.ToUserName != tt.corp {
				t.Errorf("Open = %+v", in)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	c := mustCrypto(t, aToken, aKey, aCorp)
	for _, n := range []int{0, 1, 11, 12, 13, 43, 44, 45, 284, 5000} {
		msg := bytes.Repeat([]byte("é"), n)
		enc, err := c.Encrypt(msg, rand.Reader)
		if err != nil {
			t.Fatalf("Encrypt(%d): %v", n, err)
		}
		raw, _ := base64.StdEncoding.DecodeString(enc)
		if len(raw)%32 != 0 {
			t.Errorf("ciphertext of %d bytes is not padded to 32", len(raw))
		}
		got, err := c.Decrypt(enc)
		if err != nil || !bytes.Equal(got, msg) {
			t.Errorf("round trip of %d bytes: %v", len(msg), err)
		}
	}
}

func TestNewCryptoRejectsBadKeys(t *testing.T) {
	for _, key := range []string{
		aKey[:42], aKey + "A", aKey[:42] + "=", aKey[:42] + "$", "", strings.Repeat("!", 43),
	} {
		if _, err := wecom.NewCrypto(aToken, key, aCorp); err == nil {
			t.Errorf("NewCrypto(key %q) accepted", key)
		} else if strings.Contains(err.Error(), key) && key != "" {
			t.Errorf("error repeats the key: %v", err)
		}
	}
	if _, err := wecom.NewCrypto("", aKey, aCorp); err == nil {
		t.Error("empty token accepted")
	}
}

// encryptRaw builds a ciphertext from an arbitrary plaintext, to forge the
// malformed inputs Encrypt never produces.
func encryptRaw(t testing.TB, key string, plain []byte) string {
	t.Helper()
	k, _ := base64.StdEncoding.DecodeString(key + "=")
	block, _ := aes.NewCipher(k)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, k[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

func frame(msg, id string, length uint32, pad int) []byte {
	p := append(bytes.Repeat([]byte{'r'}, 16), binary.BigEndian.AppendUint32(nil, length)...)
	p = append(append(p, msg...), id...)
	if pad == 0 {
		pad = 32 - len(p)%32
	}
	return append(p, bytes.Repeat([]byte{byte(pad)}, pad)...)
}

func TestDecryptRejectsMalformed(t *testing.T) {
	c := mustCrypto(t, aToken, aKey, aCorp)
	badPad := frame("hi", aCorp, 2, 0)
	badPad[len(badPad)-2] ^= 1 // one pad byte differs
	zeroPad := frame("hi", aCorp, 2, 0)
	zeroPad[len(zeroPad)-1] = 0
	bigPad := append(bytes.Repeat([]byte{'x'}, 32), bytes.Repeat([]byte{33}, 32)...)
	tests := []struct {
		name    string
		encrypt string
		want    error
	}{
		{"not base64", "%%%not base64%%%", wecom.ErrMalformed},
		{"empty", "", wecom.ErrMalformed},
		{"16-byte blocks only", base64.StdEncoding.EncodeToString(make([]byte, 48)), wecom.ErrMalformed},
		{"bad padding", encryptRaw(t, aKey, badPad), wecom.ErrMalformed},
		{"zero padding", encryptRaw(t, aKey, zeroPad), wecom.ErrMalformed},
		{"padding over 32", encryptRaw(t, aKey, bigPad), wecom.ErrMalformed},
		{"length field too big", encryptRaw(t, aKey, frame("hi", aCorp, 1000, 0)), wecom.ErrMalformed},
		{"length field max", encryptRaw(t, aKey, frame("hi", aCorp, 0xffffffff, 0)), wecom.ErrMalformed},
		{"wrong receive id", encryptRaw(t, aKey, frame("hi", "ww-other-corp", 2, 0)), wecom.ErrBadReceiveID},
		{"no receive id", encryptRaw(t, aKey, frame("hi", "", 2, 0)), wecom.ErrBadReceiveID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Decrypt(tt.encrypt)
			if !errors.Is(err, tt.want) {
				t.Errorf("Decrypt = %q, %v; want %v", got, err, tt.want)
			}
		})
	}
	// The forged frame itself is well formed when its fields agree.
	if got, err := c.Decrypt(encryptRaw(t, aKey, frame("hi", aCorp, 2, 0))); err != nil || string(got) != "hi" {
		t.Errorf("well-formed frame: %q, %v", got, err)
	}
}

func TestOpenRejects(t *testing.T) {
	c := mustCrypto(t, aToken, aKey, aCorp)
	wrap := func(enc string) []byte {
		return []byte("<xml><ToUserName><![CDATA[" + aCorp + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
	}
	notXML, _ := c.Encrypt([]byte("<xml><Content>unclosed"), rand.Reader)
	tests := []struct {
		name string
		sig  string
		body []byte
		want error
	}{
		{"not xml", a2Sig, []byte("{\"json\":true}"), wecom.ErrMalformed},
		{"no encrypt", a2Sig, []byte("<xml><ToUserName>x</ToUserName></xml>"), wecom.ErrMalformed},
		{"wrong signature", a1Sig, wrap(a2Encrypt), wecom.ErrBadSignature},
		{"empty signature", "", wrap(a2Encrypt), wecom.ErrBadSignature},
		{"inner not xml", c.Signature(a2TS, a2Nonce, notXML), wrap(notXML), wecom.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Open(tt.sig, a2TS, a2Nonce, tt.body); !errors.Is(err, tt.want) {
				t.Errorf("Open err = %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzOpen(f *testing.F) {
	c := mustCrypto(f, aToken, aKey, aCorp)
	f.Add(a2Sig, []byte("<xml><Encrypt><![CDATA["+a2Encrypt+"]]></Encrypt></xml>"))
	f.Add(a1Sig, []byte("<xml><Encrypt>"+a1Echo+"</Encrypt></xml>"))
	f.Add("", []byte("<xml><Encrypt>AAAA</Encrypt></xml>"))
	f.Add("x", []byte("<xml>"))
	inner := "<xml><MsgType>text</MsgType><Content>/help</Content></xml>"
	f.Add("", frame(inner, aCorp, uint32(len(inner)), 0))
	f.Fuzz(func(t *testing.T, sig string, body []byte) {
		// Signed with the right signature half the time, so the fuzzer
		// reaches decrypt and the inner parse, not only the check.
		var env struct {
			Encrypt string `xml:"Encrypt"`
		}
		if len(sig)%2 == 0 && xml.Unmarshal(body, &env) == nil {
			sig = c.Signature(a2TS, a2Nonce, env.Encrypt)
		}
		in, err := c.Open(sig, a2TS, a2Nonce, body)
		if err == nil && in == nil {
			t.Fatal("nil message without error")
		}
		// body as a forged plaintext frame: reaches the padding, length
		// and receive id checks and the inner parse with any content.
		if len(body) > 0 && len(body)%32 == 0 {
			enc := encryptRaw(t, aKey, body)
			wrapped := []byte("<xml><Encrypt>" + enc + "</Encrypt></xml>")
			if in, err := c.Open(c.Signature(a2TS, a2Nonce, enc), a2TS, a2Nonce, wrapped); err == nil && in == nil {
				t.Fatal("nil message without error")
			}
		}
	})
}

func BenchmarkOpen(b *testing.B) {
	c := mustCrypto(b, aToken, aKey, aCorp)
	body := []byte("<xml><ToUserName><![CDATA[" + aCorp + "]]></ToUserName><Encrypt><![CDATA[" + a2Encrypt + "]]></Encrypt></xml>")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Open(a2Sig, a2TS, a2Nonce, body); err != nil {
			b.Fatal(err)
		}
	}
}
