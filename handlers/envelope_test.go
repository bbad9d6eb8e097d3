package handlers

import (
	"encoding/xml"
	"testing"
)

func TestEncryptedText(t *testing.T) {
	t.Parallel()
	const enc = "hyzAe4Ozm+/OMbd6Tv=="
	cases := []struct {
		name, body string
		want       string
		ok, fast   bool
	}{
		{"safe mode", "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>", enc, true, true},
		{"spaced", "\n<xml>\n  <ToUserName><![CDATA[gh_1]]></ToUserName>\n  <Encrypt><![CDATA[" + enc + "]]></Encrypt>\n</xml>\n", enc, true, true},
		{"compat body falls back", "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>", enc, true, false},
		{"order swapped falls back", "<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt><ToUserName><![CDATA[gh_1]]></ToUserName></xml>", enc, true, false},
		{"plain text Encrypt falls back", "<xml><ToUserName>gh_1</ToUserName><Encrypt>" + enc + "</Encrypt></xml>", enc, true, false},
		{"trailing junk falls back (encoding/xml stops at the root)", "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml><x>", enc, true, false},
		{"unterminated", "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[" + enc, "", false, false},
		{"empty Encrypt", "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[]]></Encrypt></xml>", "", false, false},
		{"no Encrypt", "<xml><ToUserName><![CDATA[gh_1]]></ToUserName></xml>", "", false, false},
		{"not xml", "success", "", false, false},
		{"control byte in CDATA", "<xml><ToUserName><![CDATA[gh\x01]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>", "", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := encryptedText([]byte(c.body))
			if got != c.want || ok != c.ok {
				t.Fatalf("encryptedText = %q, %v; want %q, %v", got, ok, c.want, c.ok)
			}
			_, fast := scanSafeEnvelope([]byte(c.body))
			if fast != c.fast {
				t.Fatalf("fast path taken = %v, want %v", fast, c.fast)
			}
			// Whatever the shortcut accepts, encoding/xml accepts the same way.
			if fast {
				var env envelope
				if err := xml.Unmarshal([]byte(c.body), &env); err != nil || env.Encrypt != got {
					t.Fatalf("encoding/xml disagrees: %q, %v", env.Encrypt, err)
				}
			}
		})
	}
}

// FuzzScanSafeEnvelope checks that the shortcut never accepts a body that
// encoding/xml would read differently.
func FuzzScanSafeEnvelope(f *testing.F) {
	f.Add([]byte("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc=]]></Encrypt></xml>"))
	f.Add([]byte(" <xml> <ToUserName><![CDATA[]]></ToUserName> <Encrypt><![CDATA[a]]></Encrypt> </xml> "))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := scanSafeEnvelope(body)
		if !ok {
			return
		}
		var env envelope
		if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt != got {
			t.Fatalf("shortcut took %q as %q; encoding/xml: %q, %v", body, got, env.Encrypt, err)
		}
	})
}

func TestCharClasses(t *testing.T) {
	t.Parallel()
	for c := 0; c < 256; c++ {
		b := byte(c)
		alnum := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
		if got, want := idChars.has(b), alnum || b == '_' || b == '-'; got != want {
			t.Errorf("idChars.has(%q) = %v", b, got)
		}
		if got, want := base64Chars.has(b), alnum || b == '+' || b == '/' || b == '='; got != want {
			t.Errorf("base64Chars.has(%q) = %v", b, got)
		}
	}
}
