package wxsim

import (
	"strconv"
	"strings"
)

// The XML is written by hand rather than with encoding/xml: the load
// generator builds one per request, and WeChat's exact shape (CDATA for
// strings, bare numbers, "\n" after each element) is easier to match
// byte-for-byte this way — the V2 vector checks that.

type fieldKind uint8

const (
	kindString fieldKind = iota // written as CDATA
	kindInt
	kindFloat
)

// xmlField describes one element: its tag, how to read it from a Message,
// and whether it is left out when zero.
type xmlField struct {
	tag      string
	kind     fieldKind
	optional bool
	str      func(*Message) string
	num      func(*Message) int64
	flt      func(*Message) float64
}

func strField(tag string, get func(*Message) string) xmlField {
	return xmlField{tag: tag, kind: kindString, str: get}
}

func intField(tag string, get func(*Message) int64) xmlField {
	return xmlField{tag: tag, kind: kindInt, num: get}
}

func floatField(tag string, get func(*Message) float64) xmlField {
	return xmlField{tag: tag, kind: kindFloat, flt: get}
}

func optional(f xmlField) xmlField {
	f.optional = true
	return f
}

// isZero reports whether an optional field should be skipped.
func (f xmlField) isZero(m *Message) bool {
	switch f.kind {
	case kindInt:
		return f.num(m) == 0
	case kindFloat:
		return f.flt(m) == 0
	default:
		return f.str(m) == ""
	}
}

// xmlLayouts maps a layout key (see layoutKey) to the fields that follow the
// common header. It is built per Client instead of being a package variable
// so there is no shared mutable state.
type xmlLayouts struct {
	byKey map[string][]xmlField
	// all is the fallback for types the table does not know: every body
	// field, each emitted only when set.
	all []xmlField
}

func layoutKey(m *Message) string {
	if m.MsgType == MsgTypeEvent {
		return "event/" + m.Event
	}
	return m.MsgType
}

func newXMLLayouts() *xmlLayouts {
	content := strField("Content", func(m *Message) string { return m.Content })
	msgID := intField("MsgId", func(m *Message) int64 { return m.MsgID })
	picURL := strField("PicUrl", func(m *Message) string { return m.PicURL })
	mediaID := strField("MediaId", func(m *Message) string { return m.MediaID })
	format := strField("Format", func(m *Message) string { return m.Format })
	recognition := strField("Recognition", func(m *Message) string { return m.Recognition })
	thumb := strField("ThumbMediaId", func(m *Message) string { return m.ThumbMediaID })
	locX := floatField("Location_X", func(m *Message) float64 { return m.LocationX })
	locY := floatField("Location_Y", func(m *Message) float64 { return m.LocationY })
	scale := intField("Scale", func(m *Message) int64 { return int64(m.Scale) })
	label := strField("Label", func(m *Message) string { return m.Label })
	title := strField("Title", func(m *Message) string { return m.Title })
	desc := strField("Description", func(m *Message) string { return m.Description })
	url := strField("Url", func(m *Message) string { return m.URL })
	eventKey := strField("EventKey", func(m *Message) string { return m.EventKey })
	ticket := strField("Ticket", func(m *Message) string { return m.Ticket })
	lat := floatField("Latitude", func(m *Message) float64 { return m.Latitude })
	lng := floatField("Longitude", func(m *Message) float64 { return m.Longitude })
	prec := floatField("Precision", func(m *Message) float64 { return m.Precision })
	menuID := strField("MenuId", func(m *Message) string { return m.MenuID })
	massID := intField("MsgID", func(m *Message) int64 { return m.MassMsgID })
	status := strField("Status", func(m *Message) string { return m.Status })
	total := intField("TotalCount", func(m *Message) int64 { return int64(m.TotalCount) })
	filter := intField("FilterCount", func(m *Message) int64 { return int64(m.FilterCount) })
	sent := intField("SentCount", func(m *Message) int64 { return int64(m.SentCount) })
	errs := intField("ErrorCount", func(m *Message) int64 { return int64(m.ErrorCount) })

	l := &xmlLayouts{byKey: map[string][]xmlField{
		MsgTypeText:       {content, msgID},
		MsgTypeImage:      {picURL, mediaID, msgID},
		MsgTypeVoice:      {mediaID, format, optional(recognition), msgID},
		MsgTypeVideo:      {mediaID, thumb, msgID},
		MsgTypeShortVideo: {mediaID, thumb, msgID},
		MsgTypeLocation:   {locX, locY, scale, label, msgID},
		MsgTypeLink:       {title, desc, url, msgID},
		// A plain follow carries an empty EventKey; a QR follow adds Ticket.
		"event/" + EventSubscribe:          {eventKey, optional(ticket)},
		"event/" + EventUnsubscribe:        {},
		"event/" + EventScan:               {eventKey, ticket},
		"event/" + EventLocation:           {lat, lng, prec},
		"event/" + EventClick:              {eventKey},
		"event/" + EventView:               {eventKey, optional(menuID)},
		"event/" + EventMassSendFinish:     {massID, status, total, filter, sent, errs},
		"event/" + EventTemplateSendFinish: {massID, status},
	}}
	for _, f := range []xmlField{content, picURL, mediaID, format, recognition, thumb,
		locX, locY, scale, label, title, desc, url, eventKey, ticket, lat, lng, prec,
		menuID, massID, status, total, filter, sent, errs, msgID} {
		l.all = append(l.all, optional(f))
	}
	return l
}

// appendXML writes m as WeChat's plaintext XML. m must already have
// ToUserName and CreateTime filled in.
func (l *xmlLayouts) appendXML(dst []byte, m *Message) []byte {
	dst = append(dst, "<xml>"...)
	dst = appendCDATA(dst, "ToUserName", m.ToUserName)
	dst = appendCDATA(dst, "FromUserName", m.FromUserName)
	dst = appendInt(dst, "CreateTime", m.CreateTime)
	dst = appendCDATA(dst, "MsgType", m.MsgType)
	if m.MsgType == MsgTypeEvent {
		dst = appendCDATA(dst, "Event", m.Event)
	}
	fields, ok := l.byKey[layoutKey(m)]
	if !ok {
		fields = l.all
	}
	for _, f := range fields {
		if f.optional && f.isZero(m) {
			continue
		}
		switch f.kind {
		case kindInt:
			dst = appendInt(dst, f.tag, f.num(m))
		case kindFloat:
			dst = appendFloat(dst, f.tag, f.flt(m))
		default:
			dst = appendCDATA(dst, f.tag, f.str(m))
		}
	}
	return append(dst, "</xml>"...)
}

// appendCDATA writes <tag><![CDATA[v]]></tag>\n. A "]]>" inside v would end
// the section early, so it is split across two sections: "]]" closes the
// first and ">" opens the next.
func appendCDATA(dst []byte, tag, v string) []byte {
	dst = openTag(dst, tag)
	dst = append(dst, "<![CDATA["...)
	for {
		i := strings.Index(v, "]]>")
		if i < 0 {
			break
		}
		dst = append(dst, v[:i+2]...)
		dst = append(dst, "]]><![CDATA["...)
		v = v[i+2:]
	}
	dst = append(dst, v...)
	dst = append(dst, "]]>"...)
	return closeTag(dst, tag)
}

func appendInt(dst []byte, tag string, v int64) []byte {
	return closeTag(strconv.AppendInt(openTag(dst, tag), v, 10), tag)
}

// appendFloat uses six decimals, the precision WeChat's coordinates carry
// (e.g. <Precision>119.385040</Precision>).
func appendFloat(dst []byte, tag string, v float64) []byte {
	return closeTag(strconv.AppendFloat(openTag(dst, tag), v, 'f', 6, 64), tag)
}

func openTag(dst []byte, tag string) []byte {
	dst = append(dst, '<')
	dst = append(dst, tag...)
	return append(dst, '>')
}

func closeTag(dst []byte, tag string) []byte {
	dst = append(dst, "</"...)
	dst = append(dst, tag...)
	return append(dst, ">\n"...)
}
