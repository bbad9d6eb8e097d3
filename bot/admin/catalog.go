package admin

import (
	"fmt"

	"go.uber.org/zap"
)

// key names one reply in the catalogues. Keys that end in a dot are
// prefixes completed by a state, content type, role, notice route or
// refusal code.
type key string

// catalog maps keys to fmt formats in one language.
type catalog map[key]string

// The reply catalogue keys.
const (
	kUsage   key = "usage"
	kUnknown key = "unknown"
	kDenied  key = "denied"
	kError   key = "error"
	kWorking key = "working"
	kOr      key = "or"
	kListSep key = "list_sep"

	kHelpCommon      key = "help.common"
	kHelpGroup       key = "help.group"
	kHelpSep         key = "help.sep"
	kHelpTail        key = "help.tail"
	kHelpNone        key = "help.none"
	kHelpExample     key = "help.example"
	kHelpNeeds       key = "help.needs"
	kHelpOf          key = "help.of"
	kHelpUnknown     key = "help.unknown"
	kHelpUnknownNear key = "help.unknown_near"

	kSegmentLine key = "segments.line"
	// kSegmentTitled names a segment with its display name; kQuoted
	// quotes a suggested name.
	kSegmentTitled key = "segments.titled"
	kQuoted        key = "quoted"
	kSegmentsNone  key = "segments.none"
	kCount         key = "count"

	kNew key = "new"

	kDraftsHead     key = "drafts.head"
	kDraftsLine     key = "drafts.line"
	kDraftsMore     key = "drafts.more"
	kDraftsUntitled key = "drafts.untitled"
	kDraftsTail     key = "drafts.tail"
	kDraftsNone     key = "drafts.none"
	kArticleLine    key = "article.line"
	kArticleAuthor  key = "article.author"
	kArticleDigest  key = "article.digest"

	kPreview      key = "preview"
	kPreviewNoPln key = "preview.no_plan"
	kPreviewView  key = "preview.view"
	// kPreviewVoided: a new plan replaced another; kPreviewSame: asked
	// again, the plan came out the same; kPreviewAgainHint: how to freeze
	// a new one after a look.
	kPreviewVoided    key = "preview.voided"
	kPreviewSame      key = "preview.same"
	kPreviewAgainHint key = "preview.again_hint"
	kPreviewLinks     key = "preview.links" // how many links the plan made tracked links
	kApproveReady     key = "approve.ready"
	kApproveMore      key = "approve.more"
	kReject           key = "reject"
	kRejectReason     key = "reject.reason"
	kSendNow          key = "send.now"
	kSendAt           key = "send.at"
	kCancel           key = "cancel"
	kRetract          key = "retract"
	kPause            key = "pause"
	kResume           key = "resume"

	kPauseOne        key = "pause.one"
	kResumeOne       key = "resume.one"
	kApproveOverride key = "approve.override"
	kSendBest        key = "send.best"
	kSendSeries      key = "send.series"
	kQuietOverride   key = "send.quiet_override"
	kAbout           key = "send.about"
	kVariant         key = "variant"
	kHoldout         key = "holdout"
	kRemind          key = "remind"
	kSeriesText      key = "series.text"
	kSeriesExcept    key = "series.except"
	kSeriesClicked   key = "series.clicked"

	kSafeVariants     key = "safe.variants"
	kSafeHoldout      key = "safe.holdout"
	kSafeSeries       key = "safe.series"
	kSafeCapped       key = "safe.capped"
	kSafeUnchecked    key = "safe.unchecked"
	kSafeClean        key = "safe.clean"
	kSafeHits         key = "safe.hits"
	kSafeHit          key = "safe.hit"
	kSafeMore         key = "safe.more"
	kSafeOverridden   key = "safe.overridden"
	kSafeNeedOverride key = "safe.need_override"
	kWhereVariant     key = "where.variant"
	kWhereArticle     key = "where.article"
	kWhereText        key = "where.text"

	kPolicy         key = "policy"
	kPolicySep      key = "policy.sep"
	kPolicyQuietNow key = "policy.quiet_now"
	kPolicyQuiet    key = "policy.quiet"
	kPolicyBest     key = "policy.best"
	kPolicyMonthly  key = "policy.monthly"
	kPolicyDaily    key = "policy.daily"
	kPolicyGuard    key = "policy.guard"

	kDetailCapped        key = "detail.capped"
	kDetailAccount       key = "detail.account"
	kDetailAccountEnded  key = "detail.account_ended"
	kDetailUnknown       key = "detail.unknown"
	kDetailQuotaWait     key = "detail.quota_wait"
	kDetailTagging       key = "detail.tagging"
	kDetailTagWait       key = "detail.tag_wait"
	kDetailTagCleanup    key = "detail.tag_cleanup"
	kDetailActed         key = "detail.acted"
	kDetailActedClicked  key = "detail.acted_clicked"
	kDetailActedTag      key = "detail.acted_tag"
	kDetailActedClick    key = "detail.acted_click"
	kDetailStep          key = "detail.step"
	kDetailQuietOverride key = "detail.quiet_override"
	kDetailPausedBy      key = "detail.paused_by"
	kDetailUnsub         key = "detail.unsub"

	kResultsHead    key = "results.head"
	kResultsHeadTag key = "results.head_tag"
	kResultsHoldout key = "results.holdout"
	kResultsArm     key = "results.arm"
	kResultsLift    key = "results.lift"
	kResultsOpen    key = "results.open"
	kResultsNote    key = "results.note"
	kResultsNoteTag key = "results.note_tag"

	kResultsHeadClick      key = "results.head_click"
	kResultsHeadConversion key = "results.head_conversion"
	kResultsVersusFirst    key = "results.versus_first"
	kResultsNoteClick      key = "results.note_click"
	kResultsNoteClickOther key = "results.note_click_other"
	kResultsNoteConversion key = "results.note_conversion"
	kResultsNoteHoldout    key = "results.note_holdout"
	kResultsNone           key = "results.none"
	kMetric                key = "metric."

	kAuditLine     key = "audit.line"
	kAuditOverride key = "audit.override"
	kAuditNone     key = "audit.none"

	kListLine    key = "list.line"
	kListNone    key = "list.none"
	kListPaused  key = "list.paused"
	kListNotices key = "list.notices"
	kNoticeLine  key = "notice.line"

	kDetailHead       key = "detail.head"
	kDetailContent    key = "detail.content"
	kDetailCreator    key = "detail.creator"
	kDetailPlan       key = "detail.plan"
	kDetailNoPlan     key = "detail.no_plan"
	kDetailApprovals  key = "detail.approvals"
	kDetailApprovedBy key = "detail.approved_by"
	kDetailSendAt     key = "detail.send_at"
	kDetailProgress   key = "detail.progress"
	kDetailWeChat     key = "detail.wechat"
	kDetailRate       key = "detail.rate"
	kDetailPaused     key = "detail.paused"
	kDetailFailure    key = "detail.failure"
	kDetailDropped    key = "detail.dropped"
	kDetailLone       key = "detail.lone"
	kDetailRejected   key = "detail.rejected"
	kDetailRetracted  key = "detail.retracted"
	kDetailNotice     key = "detail.notice"

	// Prefixes.
	kState  key = "state."  // + broadcast.State
	kType   key = "type."   // + content type
	kRole   key = "role."   // + broadcast.Role
	kVia    key = "via."    // + Notice.Via
	kRefuse key = "refuse." // + broadcast.Code, or "other"
	// kCategory + a word list's category; kWhere + a news field;
	// kPauseReason + Pause.Reason.
	kCategory    key = "category."
	kWhere       key = "where."
	kPauseReason key = "pause_reason."
	kGroup       key = "group." // + a command group
	// kOutcome + an audit outcome: "ok", "denied", "usage", "error" or a
	// refusal code.
	kOutcome key = "outcome."
	// kBadContent + what is wrong (broadcast.Bad*).
	kBadContent key = "bad_content."
)

// catalogFor returns the catalogue of lang ("zh" or "en").
func catalogFor(lang string) catalog {
	if lang == "en" {
		return catalogEN()
	}
	return catalogZH()
}

// t formats the reply k. A key missing from the catalogue is a bug: it is
// logged and the key itself shown, so a test spots it.
func (b *Bot) t(k key, a ...any) string {
	f, ok := b.cat[k]
	if !ok {
		b.log.Error("admin: reply missing from catalogue", zap.String("key", string(k)), zap.String("lang", b.lang))
		return string(k)
	}
	if len(a) == 0 {
		return f
	}
	return fmt.Sprintf(f, a...)
}

// word returns the catalogue word for prefix+name, or name itself when the
// catalogue has none (a state or code added after this package).
func (b *Bot) word(prefix key, name string) string {
	if s, ok := b.cat[prefix+key(name)]; ok {
		return s
	}
	return name
}
