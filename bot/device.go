package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wxcast/wxcast/store"
)

// deviceModelMax bounds the model kept from a User-Agent.
const deviceModelMax = 48

// DeviceOf reads the follower's device from a browser's User-Agent, nil
// for an empty one. WeChat's in-app browser sends the system's own
// string with its own parts appended, so the first parenthesised part
// says it all:
//
//	(iPhone; CPU iPhone OS 17_0 like Mac OS X)      → ios, "iPhone"
//	(Linux; Android 14; PJZ110 Build/UKQ1.230924…)  → android, "PJZ110"
//	(Linux; U; Android 11; zh-cn; V2055A Build/…)   → android, "V2055A"
//	(Windows NT 10.0; WOW64), (Macintosh; …)        → other, ""
//	(Phone; OpenHarmony 5.0)                        → other, "" (HarmonyOS NEXT)
//
// HarmonyOS before NEXT runs Android apps and says Android. The model is
// kept as sent (Android's Build.MODEL), reduced to letters, digits and
// " _-.+()" and bounded; Chrome's reduced User-Agent sends "K" for it.
func DeviceOf(ua string) *store.Device {
	if strings.TrimSpace(ua) == "" {
		return nil
	}
	inner := ua
	if i := strings.IndexByte(ua, '('); i >= 0 {
		inner = ua[i+1:]
		if j := strings.IndexByte(inner, ')'); j >= 0 {
			inner = inner[:j]
		}
	}
	parts := strings.Split(inner, ";")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	switch first := parts[0]; {
	case first == "iPhone" || first == "iPad" || strings.HasPrefix(first, "iPod"):
		return &store.Device{OS: store.DeviceIOS, Model: cleanModel(first)}
	}
	for i, p := range parts {
		if p != "Android" && !strings.HasPrefix(p, "Android ") {
			continue
		}
		model := ""
		for _, q := range parts[i+1:] {
			if skipAndroidPart(q) {
				continue
			}
			if j := strings.Index(q, " Build/"); j >= 0 {
				q = q[:j]
			} else if strings.HasPrefix(q, "Build/") {
				continue
			}
			model = cleanModel(q)
			break
		}
		return &store.Device{OS: store.DeviceAndroid, Model: model}
	}
	return &store.Device{OS: store.DeviceOther}
}

// skipAndroidPart tells the parts after "Android n" that are not the
// model: the old "U" security flag, a locale (zh-cn), the WebView flag,
// HarmonyOS's marker.
func skipAndroidPart(q string) bool {
	switch q {
	case "", "U", "N", "I", "wv", "HarmonyOS":
		return true
	}
	if len(q) == 5 && q[2] == '-' || len(q) == 2 {
		return isLower(q[:2]) // zh-cn, en-us, zh
	}
	return false
}

func isLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// cleanModel keeps what a model name is made of and bounds it, so a
// made-up User-Agent cannot put anything odd into a profile or a rule.
func cleanModel(s string) string {
	// Letters and digits of any script are kept (a phone may name itself
	// 小米 14 Pro); a rune that would pass the bound ends the name rather
	// than being cut in half.
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" _-.+()", r) {
			continue
		}
		if b.Len()+utf8.RuneLen(r) > deviceModelMax {
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}
