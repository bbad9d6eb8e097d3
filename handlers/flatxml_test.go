package handlers

import (
	"reflect"
	"testing"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// flatSamples are callbacks as WeChat sends them (wxsim's renderings),
// plus shapes decodeFlat must leave to encoding/xml.
func flatSamples() (fast [][]byte, slow [][]byte) {
	c, _ := wxsim.NewClient(wxsim.ClientConfig{URL: "http://x/wechat", Token: "t0k", OriginalID: "gh_1"})
	for _, m := range []wxsim.Message{
		wxsim.Text("oA", "你好 <b> & 价格", 42),
		wxsim.Subscribe("oA", "store_sh_0012"),
		wxsim.Click("oA", "MENU_PROMO"),
		wxsim.LocationReport("oA", 31.2, 121.5, 65),
	} {
		fast = append(fast, c.XML(m))
	}
	fast = append(fast,
		[]byte("<xml><ToUserName>gh_1</ToUserName><FromUserName>oB</FromUserName><CreateTime> 17 </CreateTime><MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[语音]]></Recognition><Content></Content><MsgId>9</MsgId></xml>"),
		[]byte("<xml><ToUserName>gh_1</ToUserName><FromUserName>oB</FromUserName><CreateTime>17</CreateTime><MsgType>location</MsgType><Location_X>39.9</Location_X><Location_Y>116.4</Location_Y><Scale>15</Scale><Label><![CDATA[北京]]></Label><MsgId>10</MsgId></xml>"),
	)
	slow = [][]byte{
		[]byte("<xml><ToUserName>gh_1</ToUserName><Content>a &amp; b</Content></xml>"),
		[]byte("<xml><ToUserName>gh_1</ToUserName><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>"),
		[]byte("<xml><Content>a</Content><Content>b</Content></xml>"),
		[]byte("<xml><MsgDataId>1</MsgDataId></xml>"),
		[]byte("<xml><Content>line\r\nbreak</Content></xml>"),
		[]byte("<xml a=\"1\"><Content>x</Content></xml>"),
		[]byte("<xml><CreateTime>soon</CreateTime></xml>"),
	}
	return fast, slow
}

func TestDecodeFlatMatchesEncodingXML(t *testing.T) {
	t.Parallel()
	fast, slow := flatSamples()
	for _, b := range fast {
		got, ok := decodeFlat(b)
		if !ok {
			t.Errorf("decodeFlat refused a common callback:\n%s", b)
			continue
		}
		want, err := decodeMixMessage(b)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("decodeFlat = %+v\nencoding/xml = %+v (%v)\nfor %s", got, want, err, b)
		}
	}
	for _, b := range slow {
		if _, ok := decodeFlat(b); ok {
			t.Errorf("decodeFlat took a body it must leave to encoding/xml:\n%s", b)
		}
	}
}

// FuzzDecodeFlat checks that whatever decodeFlat accepts, encoding/xml
// accepts and reads the same way.
func FuzzDecodeFlat(f *testing.F) {
	fast, slow := flatSamples()
	for _, b := range append(fast, slow...) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := decodeFlat(b)
		if !ok {
			return
		}
		want, err := decodeMixMessage(b)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeFlat = %+v\nencoding/xml = %+v (%v)\nfor %q", got, want, err, b)
		}
	})
}
