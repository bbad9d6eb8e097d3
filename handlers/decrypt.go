package handlers

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/silenceper/wechat/v2/util"
)

var (
	errDecrypt = errors.New("cannot decrypt with any configured EncodingAESKey")
	errAppID   = errors.New("decrypted message is for another AppID")
)

// keyring holds the decoded AES keys: the current one first, then the one
// being rotated out. WeChat may keep using the old key for a while after
// the console change, so decryption falls back to it and the reply is
// encrypted with whichever key worked.
type keyring struct {
	appID string
	keys  [][]byte
}

func newKeyring(appID string, encoded []string) (keyring, error) {
	kr := keyring{appID: appID}
	for i, e := range encoded {
		if e == "" {
			continue
		}
		k, err := base64.StdEncoding.DecodeString(e + "=")
		if err != nil || len(e) != 43 || len(k) != 32 {
			return keyring{}, fmt.Errorf("handlers: AES key %d is not a 43-character EncodingAESKey", i)
		}
		kr.keys = append(kr.keys, k)
	}
	return kr, nil
}

func (kr keyring) enabled() bool { return len(kr.keys) > 0 }

// decrypt returns the plaintext message and the index of the key that
// opened it. Crypto is the SDK's; this only adds the key fallback and the
// AppID check.
func (kr keyring) decrypt(encrypted string) ([]byte, int, error) {
	raw, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: base64: %v", errDecrypt, err)
	}
	foreign := false
	for i, k := range kr.keys {
		_, msg, appID, err := util.AESDecryptMsg(raw, k)
		if err != nil {
			continue
		}
		if string(appID) == kr.appID {
			return msg, i, nil
		}
		// A wrong key yields garbage; a readable AppID that is not ours
		// means the message was meant for another account.
		foreign = foreign || printable(appID)
	}
	if foreign {
		return nil, 0, errAppID
	}
	return nil, 0, errDecrypt
}

// encrypt seals a reply with key i, in the SDK's format.
func (kr keyring) encrypt(i int, msg []byte) string {
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	return base64.StdEncoding.EncodeToString(util.AESEncryptMsg(random, msg, kr.appID, kr.keys[i]))
}

func printable(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	for _, c := range b {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// envelope is the outer XML of an encrypted callback.
type envelope struct {
	ToUserName string `xml:"ToUserName"`
	Encrypt    string `xml:"Encrypt"`
}

// encryptedText returns the Encrypt element of an encrypted callback body.
// Safe-mode bodies all have the one shape WeChat sends; scanning that shape
// directly costs a tenth of encoding/xml, which matters at thousands of
// callbacks a second. Any other body (compatible mode, other spacing or
// order, anything odd) goes through encoding/xml, so what is accepted
// never depends on the shortcut.
func encryptedText(body []byte) (string, bool) {
	if enc, ok := scanSafeEnvelope(body); ok {
		return enc, true
	}
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return "", false
	}
	return env.Encrypt, true
}

// scanSafeEnvelope matches exactly
//
//	<xml><ToUserName><![CDATA[gh_id]]></ToUserName><Encrypt><![CDATA[base64]]></Encrypt></xml>
//
// with optional whitespace between elements, where gh_id is [A-Za-z0-9_-]
// and base64 is [A-Za-z0-9+/=]. Such a body is well-formed XML with
// nothing else in it, so accepting it here is the same as parsing it.
func scanSafeEnvelope(b []byte) (string, bool) {
	s := scanner{b: b}
	s.space()
	if !s.lit("<xml>") {
		return "", false
	}
	if _, ok := s.element("ToUserName", idChars); !ok {
		return "", false
	}
	enc, ok := s.element("Encrypt", base64Chars)
	if !ok || len(enc) == 0 || !s.lit("</xml>") {
		return "", false
	}
	s.space()
	if s.i != len(b) {
		return "", false
	}
	return string(enc), true
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\r' || s.b[s.i] == '\n') {
		s.i++
	}
}

func (s *scanner) lit(l string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(l)) {
		return false
	}
	s.i += len(l)
	return true
}

// element matches optional space, <name><![CDATA[text]]></name> and
// optional space, with every byte of text allowed by ok, and returns text.
func (s *scanner) element(name string, class charClass) ([]byte, bool) {
	s.space()
	if !s.lit("<" + name + "><![CDATA[") {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) && class.has(s.b[s.i]) {
		s.i++
	}
	text := s.b[start:s.i]
	if !s.lit("]]></" + name + ">") {
		return nil, false
	}
	s.space()
	return text, true
}

// charClass is a set of ASCII bytes as a bitmap, so the scan loop tests a
// byte with a shift and a mask (it runs over every byte of the 600-byte
// Encrypt text).
type charClass [4]uint64

func (c *charClass) has(b byte) bool { return c[b>>6]&(1<<(b&63)) != 0 }

// The characters of a gh_ id ([A-Za-z0-9_-]) and of standard Base64
// ([A-Za-z0-9+/=]), as constant tables; TestCharClasses checks them.
var (
	idChars     = charClass{0x3ff200000000000, 0x7fffffe87fffffe, 0x0, 0x0}
	base64Chars = charClass{0x23ff880000000000, 0x7fffffe07fffffe, 0x0, 0x0}
)

// open returns the plaintext XML of a callback body, or the refusal reason.
func (s *Server) open(body []byte, encryptType, msgSig, ts, nonce string) (plain []byte, key int, encrypted bool, reason string) {
	switch encryptType {
	case "", "raw":
		if s.keys.enabled() && !s.cfg.AllowPlaintext {
			return nil, 0, false, reasonPlaintext
		}
		return body, 0, false, ""
	case "aes":
	default:
		return nil, 0, false, reasonEncryptType
	}
	enc, ok := encryptedText(body)
	if !ok {
		return nil, 0, false, reasonXML
	}
	if !signatureOK(msgSig, s.cfg.Token, ts, nonce, enc) {
		return nil, 0, false, reasonMsgSignature
	}
	if !s.keys.enabled() {
		return nil, 0, false, reasonDecrypt
	}
	plain, key, err := s.keys.decrypt(enc)
	switch {
	case errors.Is(err, errAppID):
		return nil, 0, false, reasonAppID
	case err != nil:
		return nil, 0, false, reasonDecrypt
	}
	return plain, key, true, ""
}
