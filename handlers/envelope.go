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
	if _, ok := s.element("ToUserName", isIDByte); !ok {
		return "", false
	}
	enc, ok := s.element("Encrypt", isBase64Byte)
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
func (s *scanner) element(name string, ok func(byte) bool) ([]byte, bool) {
	s.space()
	if !s.lit("<" + name + "><![CDATA[") {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) && ok(s.b[s.i]) {
		s.i++
	}
	text := s.b[start:s.i]
	if !s.lit("]]></" + name + ">") {
		return nil, false
	}
	s.space()
	return text, true
}

func isIDByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func isBase64Byte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
}
