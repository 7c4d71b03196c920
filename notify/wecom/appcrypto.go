package wecom

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// WeCom callback crypto (the WXBizMsgCrypt scheme):
//
//	key       = base64(EncodingAESKey + "="), 32 bytes, AES-256; IV = key[:16]
//	plaintext = 16 random bytes | uint32 big-endian len(msg) | msg | receive id
//	encrypt   = base64(AES-256-CBC(PKCS#7 padded to 32-byte blocks))
//	signature = hex(sha1(sort(token, timestamp, nonce, encrypt) joined))
//
// The receive id is the CorpID for a self-built app.

// Errors of the callback crypto. A caller answers ErrBadSignature with 401
// and the others with 400.
var (
	ErrBadSignature = errors.New("wecom callback: signature does not match")
	ErrBadReceiveID = errors.New("wecom callback: receive id does not match")
	ErrMalformed    = errors.New("wecom callback: malformed message")
)

const (
	padBlock    = 32 // PKCS#7 block of the scheme, not AES's 16
	randomBytes = 16
	lengthBytes = 4
)

// Crypto signs, verifies, encrypts and decrypts WeCom callback messages of
// one app. It holds no mutable state and is safe for concurrent use.
type Crypto struct {
	token     string
	key       []byte
	block     cipher.Block
	receiveID string
}

// NewCrypto checks the callback settings of an app. encodingAESKey is the
// 43-character key from the WeCom console; receiveID is the CorpID.
func NewCrypto(token, encodingAESKey, receiveID string) (*Crypto, error) {
	if token == "" {
		return nil, errors.New("wecom callback: token is empty")
	}
	if len(encodingAESKey) != 43 {
		return nil, fmt.Errorf("wecom callback: encoding_aes_key must be 43 characters, got %d", len(encodingAESKey))
	}
	// Not Strict: the console's keys may leave non-zero bits in the last
	// character, and WeCom's own samples decode them leniently.
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("wecom callback: encoding_aes_key is not base64 of 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("wecom callback: %w", err)
	}
	return &Crypto{token: token, key: key, block: block, receiveID: receiveID}, nil
}

// Signature is the msg_signature of encrypt sent at timestamp with nonce.
func (c *Crypto) Signature(timestamp, nonce, encrypt string) string {
	parts := []string{c.token, timestamp, nonce, encrypt}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// verify checks msgSignature in constant time.
func (c *Crypto) verify(msgSignature, timestamp, nonce, encrypt string) error {
	want := c.Signature(timestamp, nonce, encrypt)
	got := strings.ToLower(strings.TrimSpace(msgSignature))
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return ErrBadSignature
	}
	return nil
}

// Decrypt returns the message inside encrypt after checking its padding,
// its length field and its receive id. It never panics on bad input.
func (c *Crypto) Decrypt(encrypt string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encrypt))
	if err != nil {
		return nil, fmt.Errorf("%w: encrypt is not base64", ErrMalformed)
	}
	if len(raw) == 0 || len(raw)%padBlock != 0 {
		return nil, fmt.Errorf("%w: ciphertext of %d bytes is not whole %d-byte blocks", ErrMalformed, len(raw), padBlock)
	}
	plain := make([]byte, len(raw))
	cipher.NewCBCDecrypter(c.block, c.key[:aes.BlockSize]).CryptBlocks(plain, raw)
	plain, err = unpad(plain)
	if err != nil {
		return nil, err
	}
	if len(plain) < randomBytes+lengthBytes {
		return nil, fmt.Errorf("%w: plaintext too short", ErrMalformed)
	}
	n := binary.BigEndian.Uint32(plain[randomBytes : randomBytes+lengthBytes])
	rest := plain[randomBytes+lengthBytes:]
	if uint64(n) > uint64(len(rest)) {
		return nil, fmt.Errorf("%w: length field %d exceeds the %d bytes left", ErrMalformed, n, len(rest))
	}
	msg, id := rest[:n], rest[n:]
	if subtle.ConstantTimeCompare(id, []byte(c.receiveID)) != 1 {
		return nil, ErrBadReceiveID
	}
	return msg, nil
}

// unpad strips PKCS#7 padding of 1 to 32 bytes, every pad byte checked.
func unpad(p []byte) ([]byte, error) {
	pad := int(p[len(p)-1])
	if pad < 1 || pad > padBlock || pad > len(p) {
		return nil, fmt.Errorf("%w: bad padding", ErrMalformed)
	}
	for _, b := range p[len(p)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: bad padding", ErrMalformed)
		}
	}
	return p[:len(p)-pad], nil
}

// Encrypt wraps msg for this app, taking the 16 leading bytes from random
// (crypto/rand.Reader in production).
func (c *Crypto) Encrypt(msg []byte, random io.Reader) (string, error) {
	if uint64(len(msg)) > math.MaxUint32 {
		return "", errors.New("wecom callback: message too long to encrypt")
	}
	var buf bytes.Buffer
	buf.Grow(randomBytes + lengthBytes + len(msg) + len(c.receiveID) + padBlock)
	if _, err := io.CopyN(&buf, random, randomBytes); err != nil {
		return "", fmt.Errorf("wecom callback: reading random bytes: %w", err)
	}
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(msg)))
	buf.Write(msg)
	buf.WriteString(c.receiveID)
	pad := padBlock - buf.Len()%padBlock
	buf.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	out := buf.Bytes()
	cipher.NewCBCEncrypter(c.block, c.key[:aes.BlockSize]).CryptBlocks(out, out)
	return base64.StdEncoding.EncodeToString(out), nil
}

// VerifyURL answers the console's URL check: it verifies the signature over
// echostr and returns the plaintext to send back as the response body.
func (c *Crypto) VerifyURL(msgSignature, timestamp, nonce, echostr string) ([]byte, error) {
	if err := c.verify(msgSignature, timestamp, nonce, echostr); err != nil {
		return nil, err
	}
	return c.Decrypt(echostr)
}

// envelope is the outer XML of a callback POST.
type envelope struct {
	ToUserName string `xml:"ToUserName"`
	AgentID    string `xml:"AgentID"`
	Encrypt    string `xml:"Encrypt"`
}

// Incoming is a decrypted callback message or event.
type Incoming struct {
	ToUserName   string `xml:"ToUserName"`   // the CorpID
	FromUserName string `xml:"FromUserName"` // the member's UserID
	CreateTime   int64  `xml:"CreateTime"`   // unix seconds
	MsgType      string `xml:"MsgType"`      // text, image, event, ...
	Content      string `xml:"Content"`      // text messages
	MsgID        string `xml:"MsgId"`        // a 64-bit number, kept as text
	AgentID      int64  `xml:"AgentID"`
	Event        string `xml:"Event"` // events: enter_agent, subscribe, ...
}

// DedupKey identifies a delivery across WeCom's retries: the MsgId, or for
// events (which have none) the sender and creation time.
func (m *Incoming) DedupKey() string {
	if m.MsgID != "" {
		return "msg:" + m.MsgID
	}
	return fmt.Sprintf("event:%s:%d:%s", m.FromUserName, m.CreateTime, m.Event)
}

// Open verifies and decrypts the body of a callback POST and parses the
// message inside. The signature covers the Encrypt element only.
func (c *Crypto) Open(msgSignature, timestamp, nonce string, body []byte) (*Incoming, error) {
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: body is not the callback XML", ErrMalformed)
	}
	if env.Encrypt == "" {
		return nil, fmt.Errorf("%w: no Encrypt element", ErrMalformed)
	}
	if err := c.verify(msgSignature, timestamp, nonce, env.Encrypt); err != nil {
		return nil, err
	}
	plain, err := c.Decrypt(env.Encrypt)
	if err != nil {
		return nil, err
	}
	var in Incoming
	if err := xml.Unmarshal(plain, &in); err != nil {
		return nil, fmt.Errorf("%w: decrypted message is not XML", ErrMalformed)
	}
	return &in, nil
}
