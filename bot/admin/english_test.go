package admin

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/audit"
	"github.com/wxcast/wxcast/bot/broadcast"
)

// englishWord finds runs of ASCII letters; englishIn tells the words of
// English among them from identifiers.
var englishWord = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_./\-]*`)

// identifiers are ASCII words a Chinese reply may carry: WeChat's and
// wxcast's own names, and the placeholders of a time.
var identifiers = map[string]bool{
	"openid": true, "uploadnews": true, "clientmsgid": true, "HH": true, "MM": true, "YYYY": true,
	"DD": true, "VIP": true, "A/B": true, "id": true,
}

// englishIn returns the words of English in s: runs of three or more ASCII
// letters that are not identifiers (with a digit, '_', '.' or '/', or in
// identifiers, or in allow).
func englishIn(s string, allow ...string) []string {
	var out []string
	for _, w := range englishWord.FindAllString(s, -1) {
		switch {
		case len(w) < 3, identifiers[w], strings.ContainsAny(w, "0123456789_./"):
		case strings.Contains(strings.Join(allow, " "), w):
		default:
			out = append(out, w)
		}
	}
	return out
}

func TestEnglishFinder(t *testing.T) {
	if got := englishIn("内容有误：text of 10000 characters, at most 2000"); strings.Join(got, " ") != "text characters most" {
		t.Errorf("english = %q", got)
	}
	if got := englishIn("分群 vip_active，media_id MEDIA_1 计划 3f2a9c1d #12 HH:MM broadcast.best_windows A/B"); len(got) != 0 {
		t.Errorf("identifiers taken for English: %q", got)
	}
}

// TestChineseCatalogSpeaksChinese: every Chinese reply format, and every
// word the Chinese catalogue fills in (states, outcomes, refusals…), is
// free of English.
func TestChineseCatalogSpeaksChinese(t *testing.T) {
	for k, f := range catalogZH() {
		if w := englishIn(f); len(w) > 0 {
			t.Errorf("%s: %q has English %q", k, f, w)
		}
	}
}

// refusalCodes reads every Code constant of package broadcast, so a code
// added there is checked here without this test changing.
func refusalCodes(t *testing.T) []broadcast.Code {
	t.Helper()
	fs := token.NewFileSet()
	file, err := parser.ParseFile(fs, "../broadcast/refusal.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []broadcast.Code
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			if id, ok := v.Type.(*ast.Ident); ok && id.Name == "Code" {
				lit := v.Values[0].(*ast.BasicLit)
				c, _ := strconv.Unquote(lit.Value)
				codes = append(codes, broadcast.Code(c))
			}
		}
	}
	if len(codes) < 30 {
		t.Fatalf("read %d codes from refusal.go", len(codes))
	}
	return codes
}

// TestChineseRepliesSpeakChinese runs the replies and the audit lines
// admins read in Chinese and finds no English in them: every refusal,
// with the details the services put in, every audit outcome, and every
// reason a broadcast stopped for.
func TestChineseRepliesSpeakChinese(t *testing.T) {
	f := newFixture(t)
	at := f.now.Add(time.Hour)
	// details are what the services put in each refusal.
	details := map[broadcast.Code]broadcast.Refusal{
		broadcast.CodeWrongState:      {State: broadcast.StateSending},
		broadcast.CodePlanVoided:      {Detail: "0123456789ab"},
		broadcast.CodeNotApproved:     {N: 0, Need: 2},
		broadcast.CodePlanChanged:     {Detail: "3f2a9c1d", N: 1234},
		broadcast.CodeUnknownSegment:  {Detail: "promo_clicker", Suggest: []string{"promo_clickers"}},
		broadcast.CodeSmallAudience:   {N: 1, Need: 3},
		broadcast.CodePastTime:        {At: at},
		broadcast.CodeTooFar:          {At: at},
		broadcast.CodeCannotRetract:   {Detail: "text"},
		broadcast.CodeBadContent:      {Detail: broadcast.BadLongText, N: 10000, Need: 2000},
		broadcast.CodeWeChat:          {N: 45028, Detail: "45028 has no masssend quota"},
		broadcast.CodeContentHits:     {N: 2, Detail: "absolute"},
		broadcast.CodeQuietHours:      {Detail: "22:00-08:00", At: at},
		broadcast.CodeSeriesPast:      {At: at},
		broadcast.CodeBadSeries:       {Detail: "gap", N: 3, Need: 5},
		broadcast.CodeUnknownTag:      {Detail: "clicked_promo"},
		broadcast.CodeTooManyVariants: {N: 4},
		broadcast.CodeBadHoldout:      {N: 60},
		broadcast.CodeUnchecked:       {Detail: "MEDIA_1"},
		broadcast.CodeNoDraft:         {Detail: "MEDIA_1"},
		broadcast.CodeDraftChanged:    {Detail: "1.title,2.content"},
	}
	var entries []audit.Entry
	for _, code := range refusalCodes(t) {
		r := details[code]
		r.Code, r.ID = code, 12
		reply := f.bot.refusal(&r, f.bot.byName["send"], args{id: 12})
		if w := englishIn(reply, "promo_clicker"); len(w) > 0 || strings.Contains(reply, string(code)) {
			t.Errorf("refusal %s: %q has English %q", code, reply, w)
		}
		entries = append(entries, audit.Entry{At: f.now, Name: "老王", Command: "发送 12", Outcome: string(code)})
	}
	for _, o := range []string{outcomeOK, outcomeDenied, outcomeUsage, outcomeError} {
		entries = append(entries, audit.Entry{At: f.now, Name: "老王", Command: "发送 12", Outcome: o})
	}
	f.audit.NewestFn = func(context.Context, int) ([]audit.Entry, error) { return entries, nil }
	audited := lines(f.bot.Handle(t.Context(), owner, "审计 50"))
	if len(audited) != len(entries) {
		t.Fatalf("%d audit lines for %d entries", len(audited), len(entries))
	}
	for i, line := range audited {
		if w := englishIn(line); len(w) > 0 || strings.HasSuffix(line, entries[i].Outcome) {
			t.Errorf("audit line %q has English %q", line, w)
		}
	}
	for _, why := range []string{
		"45028 has no masssend quota",
		"draft/get: wxapi: 40007 invalid media_id",
		"media/uploadnews: 45009 reach max api daily quota limit",
		"news cannot be uploaded: the WeChat API is off",
		"the audience snapshot has expired (kept 30 days); preview again",
		"the batch's openid list has expired",
		"WeChat refused to create the broadcast's tag: the account holds 100 tags",
		"the plan sends by WeChat tag and needs 3 free tags; the account has 1 of its 100 tags free",
		"the broadcast's WeChat tag wxcast_12 (id 105) is gone before its sendall",
		"mass/get: SEND_FAIL",
		"every reminder's time passed",
		"something nobody foresaw",
	} {
		if got := f.bot.failure(&broadcast.Broadcast{Failure: why}); len(englishIn(got)) > 0 {
			t.Errorf("failure %q reads %q", why, got)
		}
	}
	if got := f.bot.failure(&broadcast.Broadcast{Failure: "draft/get: wxapi: 40007 invalid media_id"}); got != "读取草稿失败（微信错误码 40007）" {
		t.Errorf("draft failure %q", got)
	}
	if got := f.bot.failure(&broadcast.Broadcast{Failure: "45028 has no masssend quota"}); got != "微信拒绝了请求（错误码 45028）：本月群发次数已用完" {
		t.Errorf("errcode failure %q", got)
	}
}
