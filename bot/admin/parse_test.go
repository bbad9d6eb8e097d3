package admin

import (
	"reflect"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/results"
)

func TestParse(t *testing.T) {
	f := newFixture(t)
	text := func(s string) broadcast.Content { return broadcast.Content{Type: typeText, Text: s} }
	media := func(typ, id string) broadcast.Content { return broadcast.Content{Type: typ, MediaID: id} }
	tomorrow9 := time.Date(2026, 11, 28, 9, 0, 0, 0, f.now.Location())
	tests := []struct {
		text string
		cmd  string
		want args
	}{
		{"help", "help", args{}},
		{"帮助", "help", args{}},
		{"HELP", "help", args{}},
		{"  Help  ", "help", args{}},
		{"segments", "segments", args{}},
		{"分群", "segments", args{}},
		{"count vip", "count", args{segment: "vip"}},
		{"人数  vip_active ", "count", args{segment: "vip_active"}},
		{"COUNT VIP", "count", args{segment: "VIP"}}, // segment names keep their case
		{"new vip text hello", "new", args{segment: "vip", content: text("hello")}},
		{"新建 vip 文本 你好  世界", "new", args{segment: "vip", content: text("你好  世界")}},
		{"NEW vip TEXT line one\n  line two\n\nline four", "new", args{segment: "vip", content: text("line one\n  line two\n\nline four")}},
		{"新建 vip 文本\n第一行\n第二行", "new", args{segment: "vip", content: text("第一行\n第二行")}},
		{"new vip news MEDIA_1", "new", args{segment: "vip", content: media(typeNews, "MEDIA_1")}},
		{"新建 vip 图文 MEDIA_1", "new", args{segment: "vip", content: media(typeNews, "MEDIA_1")}},
		{"new vip image IMG_9", "new", args{segment: "vip", content: media(typeImage, "IMG_9")}},
		{"新建　vip　图片　IMG_9", "new", args{segment: "vip", content: media(typeImage, "IMG_9")}}, // full-width spaces
		{"show 12", "show", args{id: 12}},
		{"详情 #12", "show", args{id: 12}},
		{"preview #12", "preview", args{id: 12}},
		{"预览 12", "preview", args{id: 12}},
		{"预览12", "preview", args{id: 12}},
		{"预览#12", "preview", args{id: 12}},
		{"预览 12 重新", "preview", args{id: 12, again: true}},
		{"preview 12 AGAIN", "preview", args{id: 12, again: true}},
		{"Preview ＃12", "preview", args{id: 12}},
		{"approve 7", "approve", args{id: 7}},
		{"批准   7", "approve", args{id: 7}},
		{"reject 7", "reject", args{id: 7}},
		{"驳回 #7 文案有错别字，  请改", "reject", args{id: 7, reason: "文案有错别字，  请改"}},
		{"send 12", "send", args{id: 12}},
		{"发送 12 现在", "send", args{id: 12}},
		{"SEND #12 NOW", "send", args{id: 12}},
		{"发送 12 09:00", "send", args{id: 12, at: tomorrow9}},
		{"发送 12 9：00", "send", args{id: 12, at: tomorrow9}},
		{"send 12 2026-11-28 09:00", "send", args{id: 12, at: tomorrow9}},
		{"cancel 3", "cancel", args{id: 3}},
		{"取消 #3", "cancel", args{id: 3}},
		{"status 3", "status", args{id: 3}},
		{"状态 3", "status", args{id: 3}},
		{"状态 3 12h clicked_promo", "status", args{id: 3, window: 12 * time.Hour, tag: "clicked_promo"}},
		{"状态 3 clicked_promo 2天", "status", args{id: 3, window: 48 * time.Hour, tag: "clicked_promo"}},
		{"状态 3 24h 点击", "status", args{id: 3, window: 24 * time.Hour, metric: results.MetricClick}},
		{"提醒 3 2026-11-28 20:00 3h,1h 点击", "remind", args{id: 3, at: time.Date(2026, 11, 28, 20, 0, 0, 0, f.now.Location()), offsets: []time.Duration{3 * time.Hour, time.Hour}, clicked: true}},
		{"remind 3 2026-11-28 20:00 3h,1h Click", "remind", args{id: 3, at: time.Date(2026, 11, 28, 20, 0, 0, 0, f.now.Location()), offsets: []time.Duration{3 * time.Hour, time.Hour}, clicked: true}},
		{"提醒 3 2026-11-28 20:00 3h clicked", "remind", args{id: 3, at: time.Date(2026, 11, 28, 20, 0, 0, 0, f.now.Location()), offsets: []time.Duration{3 * time.Hour}, tag: "clicked"}},
		{"状态 3 转化 48小时", "status", args{id: 3, window: 48 * time.Hour, metric: results.MetricConversion}},
		{"status 3 12h Conversion", "status", args{id: 3, window: 12 * time.Hour, metric: results.MetricConversion}},
		{"状态 3 12h clicked_promo 回调", "status", args{id: 3, window: 12 * time.Hour, tag: "clicked_promo", metric: results.MetricCallback}},
		{"批准 7 强制 商标名 含最佳", "approve", args{id: 7, override: "商标名 含最佳"}},
		{"发送 12 最佳", "send", args{id: 12, best: true}},
		{"恢复 12 强制 停电通知", "resume", args{id: 12, override: "停电通知"}},
		{"list", "list", args{}},
		{"列表", "list", args{}},
		{"retract 5", "retract", args{id: 5}},
		{"撤回 #5", "retract", args{id: 5}},
		{"pause", "pause", args{}},
		{"暂停", "pause", args{}},
		{"resume", "resume", args{}},
		{"恢复", "resume", args{}},
		{"audit", "audit", args{n: 10}},
		{"审计 20", "audit", args{n: 20}},
		{"audit 500", "audit", args{n: 50}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			in := invocation{admin: owner, text: tt.text}
			if o, done := f.bot.prepare(&in); done {
				t.Fatalf("prepare settled %q: %q", tt.text, o.reply)
			}
			if in.cmd.name != tt.cmd {
				t.Errorf("command %q, want %q", in.cmd.name, tt.cmd)
			}
			got := in.args
			got.shown = ""
			if !got.at.Equal(tt.want.at) {
				t.Errorf("at %v, want %v", got.at, tt.want.at)
			}
			got.at, tt.want.at = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("args %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestHandleTrims checks Handle itself trims the message: WeChat keeps
// the spaces and newlines a phone keyboard adds.
func TestHandleTrims(t *testing.T) {
	f := newFixture(t)
	m := f.inMemory()
	got := f.bot.Handle(t.Context(), editor, "\n 新建 vip 文本 你好\n世界 \n")
	if got != "已创建 #1（分群 vip，文本）。下一步：预览 1" {
		t.Fatalf("reply %q", got)
	}
	b, _ := m.Get(t.Context(), 1)
	if b.Content.Text != "你好\n世界" {
		t.Errorf("text %q, want %q", b.Content.Text, "你好\n世界")
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct{ text, want string }{
		{"help me please", "用法：帮助 [命令]"},
		{"分群 vip", "用法：分群"},
		{"人数", "用法：人数 <分群>"},
		{"count a b", "用法：人数 <分群>"},
		{"新建", "用法：新建 <分群> 文本 <内容> | 新建 <分群> 图文|图片 <media_id> | 新建 <分群> 草稿"},
		{"新建 vip", "用法：新建 <分群> 文本 <内容> | 新建 <分群> 图文|图片 <media_id> | 新建 <分群> 草稿"},
		{"新建 vip 文本", "用法：新建 <分群> 文本 <内容> | 新建 <分群> 图文|图片 <media_id> | 新建 <分群> 草稿"},
		{"新建 vip 视频 X", "用法：新建 <分群> 文本 <内容> | 新建 <分群> 图文|图片 <media_id> | 新建 <分群> 草稿"},
		{"新建 vip 图文 A B", "用法：新建 <分群> 文本 <内容> | 新建 <分群> 图文|图片 <media_id> | 新建 <分群> 草稿"},
		{"详情", "用法：详情 <编号>"},
		{"show x", "用法：详情 <编号>"},
		{"预览", "用法：预览 <编号> [重新]"},
		{"预览 0", "用法：预览 <编号> [重新]"},
		{"预览 -3", "用法：预览 <编号> [重新]"},
		{"预览 #", "用法：预览 <编号> [重新]"},
		{"预览 12 13", "用法：预览 <编号> [重新]"},
		{"预览 12 重新 重新", "用法：预览 <编号> [重新]"},
		{"批准 +1", "用法：批准 <编号> [计划号] [强制 <理由>]"},
		{"批准 99999999999999999999", "用法：批准 <编号> [计划号] [强制 <理由>]"},
		{"驳回", "用法：驳回 <编号> [理由]"},
		{"驳回 理由", "用法：驳回 <编号> [理由]"},
		{"发送", "用法：发送 <编号> [现在 | 最佳 | HH:MM | YYYY-MM-DD HH:MM] [强制 <理由>]"},
		{"发送 12 明天", "用法：发送 <编号> [现在 | 最佳 | HH:MM | YYYY-MM-DD HH:MM] [强制 <理由>]"},
		{"发送 12 24:00", "用法：发送 <编号> [现在 | 最佳 | HH:MM | YYYY-MM-DD HH:MM] [强制 <理由>]"},
		{"发送 12 9:60", "用法：发送 <编号> [现在 | 最佳 | HH:MM | YYYY-MM-DD HH:MM] [强制 <理由>]"},
		{"发送 12 900", "用法：发送 <编号> [现在 | 最佳 | HH:MM | YYYY-MM-DD HH:MM] [强制 <理由>]"},
		{"发送 12 2026-13-01 09:00", "用法：发送 <编号> [现在 | 最佳 | HH:MM | YYYY-MM-DD HH:MM] [强制 <理由>]"},
		{"发送 12 2026-11-28", "用法：发送 <编号> [现在 | 最佳 | HH:MM | YYYY-MM-DD HH:MM] [强制 <理由>]"},
		{"发送 12 2026-11-28 09:00 extra", "用法：发送 <编号> [现在 | 最佳 | HH:MM | YYYY-MM-DD HH:MM] [强制 <理由>]"},
		{"取消", "用法：取消 <编号>"},
		{"状态 a1", "用法：状态 <编号> [统计时长 1h–168h，如 12h] [标签] [指标：点击 | 转化 | 回调]"},
		{"列表 2", "用法：列表"},
		{"撤回", "用法：撤回 <编号>"},
		{"暂停 x", "用法：暂停 [编号]"},
		{"批准 12 强制", "用法：批准 <编号> [计划号] [强制 <理由>]"},
		{"对照组 12 abc", "用法：对照组 <编号> <百分比，如 10%>"},
		{"提醒 12 20:00", "用法：提醒 <编号> <截止：HH:MM | YYYY-MM-DD HH:MM> <提前量，如 3h,1h,10m> [已行动标签 | 点击]"},
		{"提醒 12 20:00 3x", "用法：提醒 <编号> <截止：HH:MM | YYYY-MM-DD HH:MM> <提前量，如 3h,1h,10m> [已行动标签 | 点击]"},
		{"恢复 all", "用法：恢复 [编号 [强制 <理由>]]"},
		{"状态 12 0h", "用法：状态 <编号> [统计时长 1h–168h，如 12h] [标签] [指标：点击 | 转化 | 回调]"},
		{"状态 12 200h", "用法：状态 <编号> [统计时长 1h–168h，如 12h] [标签] [指标：点击 | 转化 | 回调]"},
		{"状态 12 12h 6h", "用法：状态 <编号> [统计时长 1h–168h，如 12h] [标签] [指标：点击 | 转化 | 回调]"},
		{"状态 12 clicked extra", "用法：状态 <编号> [统计时长 1h–168h，如 12h] [标签] [指标：点击 | 转化 | 回调]"},
		{"状态 12 点击 转化", "用法：状态 <编号> [统计时长 1h–168h，如 12h] [标签] [指标：点击 | 转化 | 回调]"},
		{"状态 12 clicked_promo 点击", "用法：状态 <编号> [统计时长 1h–168h，如 12h] [标签] [指标：点击 | 转化 | 回调]"},
		{"恢复 强制 赶时间", "用法：恢复 [编号 [强制 <理由>]]"},
		{"审计 0", "用法：审计 [条数，最多 50]"},
		{"审计 ten", "用法：审计 [条数，最多 50]"},
		{"审计 1 2", "用法：审计 [条数，最多 50]"},
	}
	f := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := f.bot.Handle(t.Context(), owner, tt.text); got != tt.want {
				t.Errorf("reply %q, want %q", got, tt.want)
			}
		})
	}
	en := newFixture(t, english)
	if got, want := en.bot.Handle(t.Context(), owner, "send 12 tomorrow"), "Usage: send <id> [now | best | HH:MM | YYYY-MM-DD HH:MM] [override <reason>]"; got != want {
		t.Errorf("en reply %q, want %q", got, want)
	}
}

func TestUnknown(t *testing.T) {
	f := newFixture(t)
	for _, text := range []string{"", "   ", "hello", "发个群发", "previewx 12", "预览x12", "#12"} {
		if got, want := f.bot.Handle(t.Context(), owner, text), "未知命令，发送「帮助」查看命令"; got != want {
			t.Errorf("%q: reply %q, want %q", text, got, want)
		}
	}
	en := newFixture(t, english)
	if got, want := en.bot.Handle(t.Context(), owner, "hello"), `Unknown command; send "help" for the list`; got != want {
		t.Errorf("en reply %q, want %q", got, want)
	}
}

func TestRecognizes(t *testing.T) {
	b := New(Options{})
	for text, want := range map[string]bool{
		"帮助": true, "HELP": true, "预览12": true, " status 3": true,
		"你好": false, "": false, "价格多少": false,
	} {
		if got := b.Recognizes(text); got != want {
			t.Errorf("Recognizes(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestApproveArgs(t *testing.T) {
	for in, want := range map[string]args{
		"12":           {id: 12, shown: "12"},
		"#12 3F2A9C1D": {id: 12, plan: "3f2a9c1d", shown: "12 3f2a9c1d"},
	} {
		got, err := approveArgs(nil, in)
		if err != nil || got.id != want.id || got.plan != want.plan || got.shown != want.shown {
			t.Errorf("approveArgs(%q) = %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "12 3f2a", "12 3f2a9c1g", "12 3f2a9c1d x"} {
		if _, err := approveArgs(nil, bad); err == nil {
			t.Errorf("approveArgs(%q) accepted", bad)
		}
	}
}
