package bot_test

import (
	"strings"
	"testing"

	"github.com/wxcast/wxcast/bot"
)

// TestDeviceOf reads the device from User-Agents WeChat's in-app browser
// sends on each platform.
func TestDeviceOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ua, os, model string
	}{
		{"iPhone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2d) NetType/WIFI Language/zh_CN", "ios", "iPhone"},
		{"iPad", "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x1800282a) NetType/4G Language/zh_CN", "ios", "iPad"},
		{"OPPO", "Mozilla/5.0 (Linux; Android 14; PJZ110 Build/UKQ1.230924.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2308 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64", "android", "PJZ110"},
		{"Samsung", "Mozilla/5.0 (Linux; Android 13; SM-G9910 Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/5317 MMWEBSDK/20230805 MMWEBID/9531 MicroMessenger/8.0.42.2460(0x28002A35) WeChat/arm64 Weixin NetType/5G Language/zh_CN ABI/arm64", "android", "SM-G9910"},
		{"Xiaomi", "Mozilla/5.0 (Linux; Android 12; M2012K11AC Build/SKQ1.211006.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5235 MMWEBSDK/20230701 MMWEBID/6230 MicroMessenger/8.0.40.2420(0x28002837) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64", "android", "M2012K11AC"},
		{"vivo, old form", "Mozilla/5.0 (Linux; U; Android 11; zh-cn; V2055A Build/RP1A.200720.012) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 Mobile Safari/537.36 MicroMessenger/8.0.30.2260(0x28001E3B) NetType/WIFI Language/zh_CN", "android", "V2055A"},
		{"Huawei HarmonyOS 4", "Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/99.0.4844.88 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) NetType/WIFI Language/zh_CN", "android", "NOH-AN00"},
		{"Redmi, model with spaces", "Mozilla/5.0 (Linux; Android 10; Redmi Note 8 Pro Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.62 XWEB/2693 MMWEBSDK/201201 Mobile Safari/537.36 MMWEBID/1234 MicroMessenger/8.0.1.1841(0x2800015D) Process/toolsmp WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64", "android", "Redmi Note 8 Pro"},
		{"Android, reduced UA", "Mozilla/5.0 (Linux; Android 10; K; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.49.2600(0x28003133)", "android", "K"},
		{"HarmonyOS NEXT", "Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile MicroMessenger/8.0.1.52(0x20010134) NetType/WIFI Language/zh_CN", "other", ""},
		{"Windows WeChat", "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x63090a13) XWEB/9129 Flue", "other", ""},
		{"Mac WeChat", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) MicroMessenger/6.8.0(0x16080000) MacWechat/3.8.7(0x13080710) Safari/605.1.15 NetType/WIFI", "other", ""},
		{"no parentheses", "curl/8.4.0", "other", ""},
		{"model named in Chinese", "Mozilla/5.0 (Linux; Android 14; 小米 14 Pro Build/UKQ1.230804.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35)", "android", "小米 14 Pro"},
		{"bounded on a rune", "Mozilla/5.0 (Linux; Android 14; " + strings.Repeat("米", 20) + " Build/1)", "android", strings.Repeat("米", 16)},
		{"odd bytes bounded", "Mozilla/5.0 (Linux; Android 14; <script>" + strings.Repeat("X", 200) + " Build/1)", "android", "script" + strings.Repeat("X", 42)},
	}
	for _, tt := range tests {
		d := bot.DeviceOf(tt.ua)
		if d == nil || d.OS != tt.os || d.Model != tt.model {
			t.Errorf("%s: %+v, want %s %q", tt.name, d, tt.os, tt.model)
		}
	}
	if d := bot.DeviceOf("  "); d != nil {
		t.Errorf("empty User-Agent: %+v, want nil", d)
	}
}
