package handlers

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/wxcast/wxcast/bot"
)

// decodeMessage parses callback XML and converts it to the bot's Message:
// the flat common case directly (decodeFlat), anything else with the SDK's
// MixMessage.
func decodeMessage(raw []byte) (bot.Message, error) {
	if m, ok := decodeFlat(raw); ok {
		return m, nil
	}
	return decodeMixMessage(raw)
}

// decodeMixMessage parses callback XML with the SDK's MixMessage.
func decodeMixMessage(raw []byte) (bot.Message, error) {
	var mm message.MixMessage
	if err := xml.Unmarshal(raw, &mm); err != nil {
		return bot.Message{}, err
	}
	return bot.Message{
		ToUser:      string(mm.ToUserName),
		OpenID:      string(mm.FromUserName),
		CreateTime:  mm.CreateTime,
		MsgType:     string(mm.MsgType),
		MsgID:       mm.MsgID,
		Event:       string(mm.Event),
		EventKey:    mm.EventKey,
		Ticket:      mm.Ticket,
		Content:     firstNonEmpty(mm.Content, mm.Recognition),
		MediaID:     mm.MediaID,
		PicURL:      mm.PicURL,
		Title:       mm.Title,
		Description: mm.Description,
		URL:         mm.URL,
		Label:       mm.Label,
		LocationX:   mm.LocationX,
		LocationY:   mm.LocationY,
		Scale:       mm.Scale,
		Latitude:    parseFloat(mm.Latitude),
		Longitude:   parseFloat(mm.Longitude),
		Precision:   parseFloat(mm.Precision),
		JobMsgID:    mm.TemplateMsgID, // the SDK maps MsgID (capital D) here
		Status:      mm.Status,
		TotalCount:  mm.TotalCount,
		FilterCount: mm.FilterCount,
		SentCount:   mm.SentCount,
		Errors:      mm.ErrorCount,
	}, nil
}

func parseFloat(s string) float64 {
	f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// decodeFlat decodes the common callbacks without encoding/xml, which
// costs a tenth of a callback's CPU through the SDK's large MixMessage
// struct. WeChat's messages and events are flat:
//
//	<xml><ToUserName><![CDATA[gh_…]]></ToUserName><CreateTime>1714037059</CreateTime>…</xml>
//
// decodeFlat accepts exactly that: under <xml>, elements with either one
// CDATA section or plain text (no "&", "<" or "\r", valid UTF-8, no control
// characters), each name once and known below. Anything else (nested
// elements, entities, attributes, comments, unknown names) returns
// ok false and the caller falls back to encoding/xml, so what is accepted,
// and how it reads, never depends on this shortcut (FuzzDecodeFlat checks
// it against encoding/xml).
func decodeFlat(b []byte) (m bot.Message, ok bool) {
	s := scanner{b: b}
	s.space()
	if !s.lit("<xml>") {
		return m, false
	}
	var (
		seen        [len(flatFields)]bool
		recognition string
	)
	for {
		s.space()
		if s.lit("</xml>") {
			s.space()
			if m.Content == "" { // as decodeMessage: voice recognition text
				m.Content = recognition
			}
			return m, s.i == len(b)
		}
		name, value, good := s.flatElement()
		if !good {
			return m, false
		}
		if name == "Recognition" {
			if recognition != "" {
				return m, false // twice: let encoding/xml decide
			}
			recognition = value
			continue
		}
		i := flatIndex(name)
		if i < 0 || seen[i] || !flatFields[i].set(&m, value) {
			return m, false
		}
		seen[i] = true
	}
}

// flatElement reads <name>value</name>, value being one CDATA section or
// plain text.
func (s *scanner) flatElement() (name string, value string, ok bool) {
	if !s.lit("<") {
		return "", "", false
	}
	end := bytes.IndexByte(s.b[s.i:], '>')
	if end <= 0 {
		return "", "", false
	}
	n := s.b[s.i : s.i+end]
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "", "", false
		}
	}
	s.i += end + 1
	var v []byte
	if s.lit("<![CDATA[") {
		j := bytes.Index(s.b[s.i:], []byte("]]>"))
		if j < 0 {
			return "", "", false
		}
		v = s.b[s.i : s.i+j]
		s.i += j + 3
	} else {
		j := bytes.IndexByte(s.b[s.i:], '<')
		if j < 0 {
			return "", "", false
		}
		v = s.b[s.i : s.i+j]
		if bytes.IndexByte(v, '&') >= 0 || bytes.Contains(v, []byte("]]>")) {
			return "", "", false
		}
		s.i += j
	}
	if !s.lit("</") || !s.lit(string(n)) || !s.lit(">") || !plainText(v) {
		return "", "", false
	}
	return string(n), string(v), true
}

// plainText reports whether v reads the same in encoding/xml: valid
// UTF-8, no control characters but tab and newline, no carriage return
// (which XML rewrites).
func plainText(v []byte) bool {
	for _, c := range v {
		if c < 0x20 && c != '\t' && c != '\n' {
			return false
		}
	}
	return utf8.Valid(v)
}

// flatField is one element decodeFlat knows, and where it goes.
type flatField struct {
	name string
	set  func(m *bot.Message, v string) bool
}

func str(f func(*bot.Message) *string) func(*bot.Message, string) bool {
	return func(m *bot.Message, v string) bool { *f(m) = v; return true }
}

// num parses as encoding/xml does for an int64 field: empty is 0, spaces
// around are allowed, anything else fails (and so does encoding/xml).
func num(f func(*bot.Message) *int64) func(*bot.Message, string) bool {
	return func(m *bot.Message, v string) bool {
		if v == "" {
			*f(m) = 0
			return true
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		*f(m) = n
		return err == nil
	}
}

// float parses as encoding/xml does for a float64 field of MixMessage.
func float(f func(*bot.Message) *float64) func(*bot.Message, string) bool {
	return func(m *bot.Message, v string) bool {
		if v == "" {
			*f(m) = 0
			return true
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		*f(m) = x
		return err == nil
	}
}

// lenient is for MixMessage's string-typed numbers (the LOCATION event's
// Latitude…), which decodeMessage parses leniently.
func lenient(f func(*bot.Message) *float64) func(*bot.Message, string) bool {
	return func(m *bot.Message, v string) bool { *f(m) = parseFloat(v); return true }
}

func ignore(*bot.Message, string) bool { return true }

// flatFields lists every element decodeFlat accepts, with what
// decodeMessage makes of it; Recognition, which only stands in for an
// empty Content, is handled by decodeFlat itself.
var flatFields = [...]flatField{
	{"ToUserName", str(func(m *bot.Message) *string { return &m.ToUser })},
	{"FromUserName", str(func(m *bot.Message) *string { return &m.OpenID })},
	{"CreateTime", num(func(m *bot.Message) *int64 { return &m.CreateTime })},
	{"MsgType", str(func(m *bot.Message) *string { return &m.MsgType })},
	{"MsgId", num(func(m *bot.Message) *int64 { return &m.MsgID })},
	{"MsgID", num(func(m *bot.Message) *int64 { return &m.JobMsgID })},
	{"Event", str(func(m *bot.Message) *string { return &m.Event })},
	{"EventKey", str(func(m *bot.Message) *string { return &m.EventKey })},
	{"Ticket", str(func(m *bot.Message) *string { return &m.Ticket })},
	{"Content", str(func(m *bot.Message) *string { return &m.Content })},
	{"MediaId", str(func(m *bot.Message) *string { return &m.MediaID })},
	{"PicUrl", str(func(m *bot.Message) *string { return &m.PicURL })},
	{"Title", str(func(m *bot.Message) *string { return &m.Title })},
	{"Description", str(func(m *bot.Message) *string { return &m.Description })},
	{"Url", str(func(m *bot.Message) *string { return &m.URL })},
	{"Label", str(func(m *bot.Message) *string { return &m.Label })},
	{"Location_X", float(func(m *bot.Message) *float64 { return &m.LocationX })},
	{"Location_Y", float(func(m *bot.Message) *float64 { return &m.LocationY })},
	{"Scale", float(func(m *bot.Message) *float64 { return &m.Scale })},
	{"Latitude", lenient(func(m *bot.Message) *float64 { return &m.Latitude })},
	{"Longitude", lenient(func(m *bot.Message) *float64 { return &m.Longitude })},
	{"Precision", lenient(func(m *bot.Message) *float64 { return &m.Precision })},
	{"Status", str(func(m *bot.Message) *string { return &m.Status })},
	{"TotalCount", num(func(m *bot.Message) *int64 { return &m.TotalCount })},
	{"FilterCount", num(func(m *bot.Message) *int64 { return &m.FilterCount })},
	{"SentCount", num(func(m *bot.Message) *int64 { return &m.SentCount })},
	{"ErrorCount", num(func(m *bot.Message) *int64 { return &m.Errors })},
	// Strings MixMessage keeps but wxcast does not read.
	{"Format", ignore}, {"ThumbMediaId", ignore}, {"MenuId", ignore}, {"SessionFrom", ignore},
}

func flatIndex(name string) int {
	for i := range flatFields {
		if flatFields[i].name == name {
			return i
		}
	}
	return -1
}
