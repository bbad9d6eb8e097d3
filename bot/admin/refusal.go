package admin

import (
	"github.com/wxcast/wxcast/bot/broadcast"
)

// refusal words r for the admin who ran c: one line that names what is
// wrong and what to do.
func (b *Bot) refusal(r *broadcast.Refusal, c *command, x args) string {
	id := r.ID
	if id == 0 {
		id = x.id
	}
	k := kRefuse + key(r.Code)
	switch r.Code {
	case broadcast.CodeNotFound, broadcast.CodeNotYours, broadcast.CodeSelfApproval,
		broadcast.CodeAlreadyApproved, broadcast.CodeNoPlan:
		return b.t(k, id)
	case broadcast.CodeWrongState:
		return b.t(k, id, b.word(kState, string(r.State)), b.label(c))
	case broadcast.CodePlanVoided:
		return b.t(k, id, orDash(r.Detail))
	case broadcast.CodeNotApproved:
		return b.t(k, id, max(r.Need-r.N, 1), r.N, r.Need)
	case broadcast.CodeUnknownSegment:
		return b.unknownSegment(r)
	case broadcast.CodeSmallAudience:
		if r.Need > 0 { // Need: followers the frequency cap left out
			return b.t(kRefuse+"small_audience_capped", r.N, thousands(r.Need))
		}
		return b.t(k, r.N)
	case broadcast.CodePastTime:
		at := r.At
		if at.IsZero() {
			at = x.at
		}
		return b.t(k, b.long(at))
	case broadcast.CodePlanChanged:
		return b.t(k, id, r.Detail, thousands(r.N))
	case broadcast.CodeTooFar:
		return b.t(k, id, b.long(r.At))
	case broadcast.CodeBadContent:
		return b.t(k, b.badContent(r))
	case broadcast.CodeWeChat:
		return b.wechatRefusal(r)
	case broadcast.CodeNoRules, broadcast.CodeNoAPI, broadcast.CodeCannotRetract,
		broadcast.CodeOwnerOverride, broadcast.CodeNoBestWindow:
		return b.t(k)
	case broadcast.CodeContentHits:
		return b.t(k, id, r.N, b.word(kCategory, r.Detail))
	case broadcast.CodeQuietHours:
		return b.t(k, r.Detail, b.long(r.At))
	case broadcast.CodeSeriesTimes, broadcast.CodeNotPaused:
		return b.t(k, id)
	case broadcast.CodeSeriesPast:
		return b.t(k, id, b.long(r.At))
	case broadcast.CodeUnchecked, broadcast.CodeNoDraft:
		return b.t(k, id, orDash(r.Detail))
	case broadcast.CodeDraftChanged:
		if r.Detail == "draft" {
			return b.t(k+".gone", id)
		}
		return b.t(k, id, b.fields(r.Detail))
	case broadcast.CodeBadSeries:
		if r.Detail == "no_offsets" || r.Detail == "not_before" {
			return b.t(k + "." + key(r.Detail))
		}
		return b.t(k+"."+key(r.Detail), r.N, r.Need)
	case broadcast.CodeUnknownTag:
		return b.t(k, orDash(r.Detail))
	case broadcast.CodeTooManyVariants, broadcast.CodeBadHoldout:
		return b.t(k, r.N)
	}
	return b.t(kRefuse+"other", b.word(kOutcome, string(r.Code)))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// wechatRefusal words WeChat's refusal by its errcode (r.N): what the
// code means when admins meet it, never WeChat's English message, which
// the audit entry keeps.
func (b *Bot) wechatRefusal(r *broadcast.Refusal) string {
	return b.t(kRefuse+"wechat", broadcast.WeChatRefusalText(r.N, b.lang))
}

// badContent says what is wrong with a content (r.Detail, one of
// broadcast.Bad*).
func (b *Bot) badContent(r *broadcast.Refusal) string {
	if r.Detail == broadcast.BadLongText || r.Detail == broadcast.BadLongTracked {
		return b.t(kBadContent+key(r.Detail), r.N, r.Need)
	}
	if s, ok := b.cat[kBadContent+key(r.Detail)]; ok {
		return s
	}
	return b.t(kBadContent + "type")
}
