package rules

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestCheckJSONText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, json string
		attr       string // "" when accepted
	}{
		{"plain", `{"city": "北京", "vip_level": 3, "tags": ["a", {"b": "c"}]}`, ""},
		{"escapes", `{"city": "\u5317\u4eac \"q\" \\ \ud83d\ude00 \ufffd"}`, ""},
		{"literal U+FFFD", "{\"city\": \"\uFFFD\"}", ""},
		{"byte that is not UTF-8", "{\"vip_level\": 3, \"city\": \"Bei\xffjing\"}", "city"},
		{"truncated sequence", "{\"city\": \"\xe5\x8c\"}", "city"},
		{"lone high surrogate", `{"city": "\ud800"}`, "city"},
		{"lone low surrogate", `{"city": "x\udc00y"}`, "city"},
		{"high surrogate then not low", `{"city": "\ud800\u0041"}`, "city"},
		{"in a nested value", "{\"note\": [\"ok\", {\"k\": \"\xff\"}], \"city\": \"x\"}", "note"},
		{"in a name", "{\"ci\xffty\": \"x\"}", `"ci\xffty"`},
		{"after a member with a comma in its value", "{\"a\": \"x,\\\"y\", \"b\": \"\xc0\"}", "b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !json.Valid([]byte(tc.json)) {
				t.Fatalf("not JSON: %q", tc.json)
			}
			err := CheckJSONText([]byte(tc.json))
			if tc.attr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ae *AttrError
			if !errors.As(err, &ae) || ae.Attr != tc.attr {
				t.Fatalf("error %v, want an AttrError naming %s", err, tc.attr)
			}
		})
	}
}
