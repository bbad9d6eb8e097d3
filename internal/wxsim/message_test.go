package wxsim

import (
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"testing"
	"time"
)

func newXMLClient(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(ClientConfig{
		URL: "http://127.0.0.1/wechat", Token: "t", OriginalID: "gh_test",
		Clock: func() time.Time { return time.Unix(1714000000, 0) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// elementNames lists the child elements of <xml> in order.
func elementNames(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var names []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatalf("invalid XML %q: %v", doc, err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 1 {
				names = append(names, el.Name.Local)
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

func TestMessageElements(t *testing.T) {
	head := []string{"ToUserName", "FromUserName", "CreateTime", "MsgType"}
	ev := append(slices.Clone(head), "Event")
	tests := []struct {
		name string
		m    Message
		want []string
	}{
		{"text", Text("o", "c", 1), append(slices.Clone(head), "Content", "MsgId")},
		{"image", Image("o", "m", 1), append(slices.Clone(head), "PicUrl", "MediaId", "MsgId")},
		{"location", Location("o", 1, 2, "l", 1), append(slices.Clone(head), "Location_X", "Location_Y", "Scale", "Label", "MsgId")},
		{"subscribe", Subscribe("o", ""), append(slices.Clone(ev), "EventKey")},
		{"subscribe qr", Subscribe("o", "s"), append(slices.Clone(ev), "EventKey", "Ticket")},
		{"unsubscribe", Unsubscribe("o"), ev},
		{"scan", Scan("o", "s"), append(slices.Clone(ev), "EventKey", "Ticket")},
		{"click", Click("o", "k"), append(slices.Clone(ev), "EventKey")},
		{"view", View("o", "u"), append(slices.Clone(ev), "EventKey")},
		{"location report", LocationReport("o", 1, 2, 3), append(slices.Clone(ev), "Latitude", "Longitude", "Precision")},
		{"mass finish", MassSendJobFinish("o", 9, "send success", 4, 3, 2, 1),
			append(slices.Clone(ev), "MsgID", "Status", "TotalCount", "FilterCount", "SentCount", "ErrorCount")},
		{"voice no recognition", Message{MsgType: MsgTypeVoice, MediaID: "m", Format: "amr", MsgID: 1},
			append(slices.Clone(head), "MediaId", "Format", "MsgId")},
		{"unknown type keeps set fields", Message{MsgType: "miniprogrampage", Title: "t", MsgID: 5},
			append(slices.Clone(head), "Title", "MsgId")},
	}
	c := newXMLClient(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := c.XML(tc.m)
			if got := elementNames(t, doc); !slices.Equal(got, tc.want) {
				t.Fatalf("elements %v, want %v\n%s", got, tc.want, doc)
			}
		})
	}
}

func TestMessageGoldenXML(t *testing.T) {
	c := newXMLClient(t)
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{"qr subscribe", Subscribe("o1", "42"), "<xml><ToUserName><![CDATA[gh_test]]></ToUserName>\n" +
			"<FromUserName><![CDATA[o1]]></FromUserName>\n<CreateTime>1714000000</CreateTime>\n" +
			"<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[subscribe]]></Event>\n" +
			"<EventKey><![CDATA[qrscene_42]]></EventKey>\n<Ticket><![CDATA[" + qrTicket("42") + "]]></Ticket>\n</xml>"},
		{"location report", LocationReport("o1", 23.137466, 113.352425, 119.38504), "<xml><ToUserName><![CDATA[gh_test]]></ToUserName>\n" +
			"<FromUserName><![CDATA[o1]]></FromUserName>\n<CreateTime>1714000000</CreateTime>\n" +
			"<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[LOCATION]]></Event>\n" +
			"<Latitude>23.137466</Latitude>\n<Longitude>113.352425</Longitude>\n<Precision>119.385040</Precision>\n</xml>"},
		{"mass finish", MassSendJobFinish("o1", 1000001625, "send success", 100, 80, 75, 5), "<xml><ToUserName><![CDATA[gh_test]]></ToUserName>\n" +
			"<FromUserName><![CDATA[o1]]></FromUserName>\n<CreateTime>1714000000</CreateTime>\n" +
			"<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[MASSSENDJOBFINISH]]></Event>\n" +
			"<MsgID>1000001625</MsgID>\n<Status><![CDATA[send success]]></Status>\n<TotalCount>100</TotalCount>\n" +
			"<FilterCount>80</FilterCount>\n<SentCount>75</SentCount>\n<ErrorCount>5</ErrorCount>\n</xml>"},
	}
	for _, tc := range tests {
		if got := string(c.XML(tc.m)); got != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}

func TestCDATAEscaping(t *testing.T) {
	c := newXMLClient(t)
	for _, s := range []string{"]]>", "a]]>b]]>c", "]]]>>", "<b>&amp;</b>", "]]", "末尾]]>"} {
		var m Message
		if err := xml.Unmarshal(c.XML(Text("o", s, 1)), &m); err != nil || m.Content != s {
			t.Errorf("content %q came back as %q (%v)", s, m.Content, err)
		}
	}
}

func TestMessageDefaults(t *testing.T) {
	c := newXMLClient(t)
	m := Text("o", "c", 1)
	m.ToUserName, m.CreateTime = "gh_other", 5
	var got Message
	if err := xml.Unmarshal(c.XML(m), &got); err != nil || got != m {
		t.Fatalf("explicit fields not kept: %+v (%v)", got, err)
	}
	if err := xml.Unmarshal(c.XML(Text("o", "c", 1)), &got); err != nil ||
		got.ToUserName != "gh_test" || got.CreateTime != 1714000000 {
		t.Fatalf("defaults not applied: %+v (%v)", got, err)
	}
	if s := Subscribe("o", "7"); s.EventKey != "qrscene_7" || s.Ticket == "" {
		t.Fatalf("Subscribe with scene = %+v", s)
	}
	if s := Scan("o", "7"); s.EventKey != "7" || s.Ticket != Subscribe("o", "7").Ticket {
		t.Fatalf("Scan = %+v", s)
	}
}
