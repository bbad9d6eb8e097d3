package handlers

import (
	"bytes"
	"encoding/xml"
)

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
