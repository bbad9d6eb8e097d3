package notify

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// guardOnce is how long a guardrail's alert is remembered across replicas.
const guardOnce = 48 * time.Hour

// Voided tells b's creator that it was not sent: the rules changed since
// its preview.
func (n *Notifier) Voided(ctx context.Context, b *broadcast.Broadcast) {
	n.tell(ctx, b, msgVoided(n.lang, b))
}

// DraftChanged tells b's creator that it was not sent: the draft it was
// approved from changed (fields) or left the box before sending began.
func (n *Notifier) DraftChanged(ctx context.Context, b *broadcast.Broadcast, draft string, fields []string) {
	n.tell(ctx, b, msgDraftChanged(n.lang, b, draft, fields))
}

// Late tells b's creator that it was not sent: every replica was down at
// its time.
func (n *Notifier) Late(ctx context.Context, b *broadcast.Broadcast) {
	n.tell(ctx, b, msgLate(n.lang, b, n.o.Location))
}

// StepsSkipped tells b's creator that count reminders of its series were
// skipped, their time long past.
func (n *Notifier) StepsSkipped(ctx context.Context, b *broadcast.Broadcast, count int) {
	n.tell(ctx, b, msgStepsSkipped(n.lang, b, count))
}

// Failed alerts the owners that b stopped sending (b.Failure says why).
func (n *Notifier) Failed(ctx context.Context, b *broadcast.Broadcast) {
	n.alertOwners(ctx, b, msgFailed(n.lang, b))
}

// Unknown alerts the owners that WeChat never answered about batch i of b
// within its 24 h clientmsgid window: it is neither sent again nor counted
// as reached. The sender calls it once per broadcast.
func (n *Notifier) Unknown(ctx context.Context, b *broadcast.Broadcast, i int) {
	n.alertOwners(ctx, b, msgUnknown(n.lang, b, i))
}

// QuotaWait tells b's creator and the owners, each once, that WeChat's
// daily mass-send quota is spent and when b goes on by itself.
func (n *Notifier) QuotaWait(ctx context.Context, b *broadcast.Broadcast, until time.Time) {
	text := msgQuotaWait(n.lang, b, until, n.o.Location)
	told := map[string]bool{b.Creator: true}
	n.tell(ctx, b, text)
	for _, a := range n.o.Admins {
		if a.Has(broadcast.RoleOwner) && !told[a.OpenID] {
			told[a.OpenID] = true
			n.Notify(ctx, a, b.ID, text)
		}
	}
}

// Done tells b's creator and approvers, each once, that it finished.
func (n *Notifier) Done(ctx context.Context, b *broadcast.Broadcast) {
	text := msgDone(n.lang, b)
	told := map[string]bool{}
	for _, who := range append([]string{b.Creator}, b.Approvers()...) {
		if told[who] {
			continue
		}
		told[who] = true
		n.Notify(ctx, n.admin(who), b.ID, text)
	}
}

// HighFailure alerts the owners that b finished with a failure rate above
// limit.
func (n *Notifier) HighFailure(ctx context.Context, b *broadcast.Broadcast, limit float64) {
	n.alertOwners(ctx, b, msgHighFailure(n.lang, b, limit))
}

// GuardFailure alerts the owners, once per broadcast across replicas and
// outside the caller's goroutine, that b's failure rate passed limit
// (and that b is paused, which the failure guardrail always does).
func (n *Notifier) GuardFailure(ctx context.Context, b *broadcast.Broadcast, rate, limit float64) {
	n.alertOwnersOnce(ctx, "guard-failure:"+strconv.FormatInt(b.ID, 10), guardOnce, b, msgGuardFailure(n.lang, b, rate, limit))
}

// GuardUnsubscribe alerts the owners, once per broadcast across replicas
// and outside the caller's goroutine, that count recipients of b (rate of
// them) unsubscribed within 24 h, above limit; paused says whether what
// was left of b is paused.
func (n *Notifier) GuardUnsubscribe(ctx context.Context, b *broadcast.Broadcast, count int, rate, limit float64, paused bool) {
	n.alertOwnersOnce(ctx, "guard-unsubscribe:"+strconv.FormatInt(b.ID, 10), guardOnce, b,
		msgGuardUnsub(n.lang, b, count, rate, limit, paused))
}

// tell notifies b's creator.
func (n *Notifier) tell(ctx context.Context, b *broadcast.Broadcast, text string) {
	n.Notify(ctx, n.admin(b.Creator), b.ID, text)
}

// alertOwners notifies every owner about b (nil for none).
func (n *Notifier) alertOwners(ctx context.Context, b *broadcast.Broadcast, text string) {
	var id int64
	if b != nil {
		id = b.ID
	}
	for _, a := range n.o.Admins {
		if a.Has(broadcast.RoleOwner) {
			n.Notify(ctx, a, id, text)
		}
	}
}

// admin finds the admin with openid; someone no longer configured is
// still reached by openid.
func (n *Notifier) admin(openid string) broadcast.Admin {
	for _, a := range n.o.Admins {
		if a.OpenID == openid {
			return a
		}
	}
	return broadcast.Admin{OpenID: openid}
}

// The notices wxcast sends admins on its own, in zh or en. Replies to
// commands are worded by the admin bot.

func msgVoided(lang string, b *broadcast.Broadcast) string {
	if lang == "en" {
		return fmt.Sprintf("#%d was not sent: the rules changed since its preview, so its plan and approvals are void. Preview it again: preview %d", b.ID, b.ID)
	}
	return fmt.Sprintf("#%d 未发送：预览后规则已更新，计划与批准已作废。请重新预览：预览 %d", b.ID, b.ID)
}

func msgDraftChanged(lang string, b *broadcast.Broadcast, draft string, fields []string) string {
	gone := len(fields) == 1 && fields[0] == "draft"
	if lang == "en" {
		if gone {
			return fmt.Sprintf("#%d was not sent: its draft %s is no longer in the draft box, so its plan and approvals are void. Create it again from a draft: new <segment> drafts", b.ID, draft)
		}
		return fmt.Sprintf("#%d was not sent: its draft %s was edited after the approval (%s), so its plan and approvals are void. Preview it again: preview %d", b.ID, draft, strings.Join(fields, ", "), b.ID)
	}
	if gone {
		return fmt.Sprintf("#%d 未发送：草稿 %s 已不在草稿箱中，计划与批准已作废。请从草稿重新新建：新建 <分群> 草稿", b.ID, draft)
	}
	return fmt.Sprintf("#%d 未发送：批准后草稿 %s 被修改（%s），计划与批准已作废。请重新预览：预览 %d", b.ID, draft, fieldsZH(fields), b.ID)
}

// fieldsZH names changed article fields in Chinese: "第1篇标题、第2篇正文".
func fieldsZH(fields []string) string {
	names := map[string]string{"article_type": "类型", "title": "标题", "author": "作者", "digest": "摘要",
		"content": "正文", "content_source_url": "原文链接", "thumb_media_id": "封面", "need_open_comment": "留言开关",
		"only_fans_can_comment": "留言权限", "image_info": "图片", "articles": "篇数", "draft": "草稿"}
	out := make([]string, len(fields))
	for i, f := range fields {
		n, field, ok := strings.Cut(f, ".")
		if !ok {
			out[i] = names[f]
			continue
		}
		out[i] = "第" + n + "篇" + names[field]
	}
	return strings.Join(out, "、")
}

func msgLate(lang string, b *broadcast.Broadcast, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	at := b.SendAt.In(loc).Format("2006-01-02 15:04")
	if lang == "en" {
		return fmt.Sprintf("#%d was not sent: it was due at %s and wxcast was down for more than an hour then. It is approved again; send it with: send %d", b.ID, at, b.ID)
	}
	return fmt.Sprintf("#%d 未发送：原定 %s 发送时服务中断超过 1 小时。现为已批准状态，如仍需发送请「发送 %d」", b.ID, at, b.ID)
}

func msgStepsSkipped(lang string, b *broadcast.Broadcast, n int) string {
	if lang == "en" {
		return fmt.Sprintf("#%d: %d reminder(s) of the series were skipped, their time having passed more than an hour ago (wxcast was down or the series was paused).", b.ID, n)
	}
	return fmt.Sprintf("#%d：提醒系列中有 %d 次已过原定时间超过 1 小时（服务中断或已暂停），已跳过不发。", b.ID, n)
}

func msgFailed(lang string, b *broadcast.Broadcast) string {
	p := b.Progress()
	if lang == "en" {
		return fmt.Sprintf("#%d stopped: %s. %d of %d batches sent.", b.ID, b.Failure, p.Done, p.Batches)
	}
	return fmt.Sprintf("#%d 已停止发送：%s。已发送 %d/%d 批。", b.ID, broadcast.FailureText(b.FailureKind, b.Failure, lang), p.Done, p.Batches)
}

func msgUnknown(lang string, b *broadcast.Broadcast, i int) string {
	x := b.Batches[i]
	if lang == "en" {
		return fmt.Sprintf("Alert: #%d batch %d (%s followers): WeChat never confirmed whether it went out, and after 23 h asking again could send it twice. It is counted as not reached and will not be sent again; the other batches go on. See: status %d",
			b.ID, i+1, group(x.Size), b.ID)
	}
	return fmt.Sprintf("警告：#%d 第 %d 批（%s 人）发出后始终未得到微信确认，已超过 23 小时，再问可能重复发送。该批按未送达计、不再重发，其余批次照常。查看：状态 %d",
		b.ID, i+1, group(x.Size), b.ID)
}

func msgQuotaWait(lang string, b *broadcast.Broadcast, until time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	at := until.In(loc).Format("2006-01-02 15:04")
	if lang == "en" {
		return fmt.Sprintf("#%d is waiting: WeChat's daily mass-send quota is spent (45009). It goes on by itself at %s. Meanwhile: pause %d or cancel %d", b.ID, at, b.ID, b.ID)
	}
	return fmt.Sprintf("#%d 等待中：今日微信群发接口额度已用完（45009），将于 %s 自动继续。期间可「暂停 %d」或「取消 %d」", b.ID, at, b.ID, b.ID)
}

func msgDone(lang string, b *broadcast.Broadcast) string {
	p := b.Progress()
	rate := pct(p.FailureRate())
	if lang == "en" {
		s := fmt.Sprintf("#%d finished: %d batches, %s recipients", b.ID, p.Done, group(p.Recipients))
		if p.Reported > 0 {
			s += fmt.Sprintf(", WeChat delivered %s, %s errors", group(p.Sent), group(p.Errors))
		}
		if p.Unknown > 0 {
			s += fmt.Sprintf(", %d batch(es) unconfirmed", p.Unknown)
		}
		return s + fmt.Sprintf(", failure rate %s.", rate)
	}
	s := fmt.Sprintf("#%d 发送完成：%d 批，%s 人", b.ID, p.Done, group(p.Recipients))
	if p.Reported > 0 {
		s += fmt.Sprintf("，微信送达 %s，失败 %s", group(p.Sent), group(p.Errors))
	}
	if p.Unknown > 0 {
		s += fmt.Sprintf("，%d 批结果未知", p.Unknown)
	}
	return s + fmt.Sprintf("，失败率 %s。", rate)
}

func msgHighFailure(lang string, b *broadcast.Broadcast, limit float64) string {
	rate := pct(b.Progress().FailureRate())
	if lang == "en" {
		return fmt.Sprintf("Alert: #%d failure rate %s is above %s. See: status %d", b.ID, rate, pct(limit), b.ID)
	}
	return fmt.Sprintf("警告：#%d 失败率 %s，超过 %s。查看：状态 %d", b.ID, rate, pct(limit), b.ID)
}

// pct writes a share as a percentage with one decimal.
func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

// group writes n with thousands separators: 1,234,567.
func group(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + group(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func msgGuardFailure(lang string, b *broadcast.Broadcast, rate, limit float64) string {
	if lang == "en" {
		return fmt.Sprintf("Alert: #%d paused: %s of its recipients so far were not reached, above %s. Check, then: resume %d or cancel %d", b.ID, pct(rate), pct(limit), b.ID, b.ID)
	}
	return fmt.Sprintf("警告：#%d 已暂停：目前失败率 %s，超过 %s。请检查后「恢复 %d」或「取消 %d」", b.ID, pct(rate), pct(limit), b.ID, b.ID)
}

func msgGuardUnsub(lang string, b *broadcast.Broadcast, n int, rate, limit float64, paused bool) string {
	if lang == "en" {
		s := fmt.Sprintf("Alert: %d recipients of #%d (%s) unsubscribed within 24 h of receiving it, above %s.", n, b.ID, pct(rate), pct(limit))
		if paused {
			s += fmt.Sprintf(" What is left of it is paused; check, then: resume %d or cancel %d", b.ID, b.ID)
		}
		return s
	}
	s := fmt.Sprintf("警告：#%d 的收件人中 %d 人（%s）在收到后 24 小时内取关，超过 %s。", b.ID, n, pct(rate), pct(limit))
	if paused {
		s += fmt.Sprintf("剩余发送已暂停，请检查后「恢复 %d」或「取消 %d」", b.ID, b.ID)
	}
	return s
}
