package admin

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/results"
)

// maxHitsShown bounds the hits one reply lists.
const maxHitsShown = 5

// safetyLines are the send-safety facts of a plan, for preview and show:
// caps, content-check hits and override, variants, holdout, series.
func (b *Bot) safetyLines(bc *broadcast.Broadcast) []string {
	var lines []string
	if n := len(bc.Variants); n > 0 {
		lines = append(lines, b.t(kSafeVariants, n+1))
	}
	if bc.Holdout > 0 {
		lines = append(lines, b.t(kSafeHoldout, bc.Holdout))
	}
	if bc.Series != nil {
		lines = append(lines, b.t(kSafeSeries, b.seriesText(bc.Series)))
	}
	p := bc.Plan
	if p == nil {
		return lines
	}
	if p.Capped > 0 {
		lines = append(lines, b.t(kSafeCapped, thousands(p.Capped)))
	}
	for _, u := range p.Unchecked {
		lines = append(lines, b.t(kSafeUnchecked, u))
	}
	if len(p.Hits) == 0 {
		if p.WordsVersion != "" {
			lines = append(lines, b.t(kSafeClean))
		}
		return lines
	}
	lines = append(lines, b.t(kSafeHits, len(p.Hits)))
	for i, h := range p.Hits {
		if i == maxHitsShown {
			lines = append(lines, b.t(kSafeMore, len(p.Hits)-maxHitsShown))
			break
		}
		lines = append(lines, b.t(kSafeHit, b.where(h.Where), h.Start+1, h.Text, b.word(kCategory, h.Category)))
	}
	if o := bc.Override; o != nil && o.PlanHash == p.Hash && o.Words == p.WordsVersion {
		lines = append(lines, b.t(kSafeOverridden, o.Name, clip(o.Reason, 60)))
	} else {
		lines = append(lines, b.t(kSafeNeedOverride, bc.ID))
	}
	return lines
}

// where names the part of a broadcast a hit is in: "" the text, "B" a
// variant's text, "1.title" a news article's title, "B:1.digest"…
func (b *Bot) where(w string) string {
	variant, part, ok := strings.Cut(w, ":")
	if !ok {
		variant, part = "", w
		if len(w) == 1 {
			variant, part = w, ""
		}
	}
	out := ""
	if variant != "" {
		out = b.t(kWhereVariant, variant)
	}
	if n, field, ok := strings.Cut(part, "."); ok {
		out += b.t(kWhereArticle, n, b.word(kWhere, field))
	} else {
		out += b.t(kWhereText)
	}
	return out
}

// seriesText words a reminder series: deadline, offsets, skipped tag.
func (b *Bot) seriesText(sr *broadcast.Series) string {
	offs := make([]string, len(sr.Offsets))
	for i, o := range sr.Offsets {
		offs[i] = b.dur(o)
	}
	s := b.t(kSeriesText, b.long(sr.Deadline), strings.Join(offs, b.t(kListSep)), len(sr.Offsets))
	if sr.ExceptTag != "" {
		s += b.t(kSeriesExcept, sr.ExceptTag)
	}
	if sr.ExceptClicked {
		s += b.t(kSeriesClicked)
	}
	return s
}

// dur writes a duration of whole minutes as 3小时, 1小时30分钟, 10分钟
// (3h, 1h30m, 10m in English).
func (b *Bot) dur(d time.Duration) string {
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	hu, mu, su := "小时", "分钟", "秒"
	if b.lang == "en" {
		hu, mu, su = "h", "m", "s"
	}
	s := ""
	if h > 0 {
		s = strconv.Itoa(h) + hu
	}
	if m > 0 || h == 0 && sec == 0 {
		s += strconv.Itoa(m) + mu
	}
	if sec > 0 {
		s += strconv.Itoa(sec) + su
	}
	return s
}

// sendingLines are what status adds once sending began: caps and tags
// that left followers out, the series' step, a pause.
func (b *Bot) sendingLines(bc *broadcast.Broadcast) []string {
	var lines []string
	if a, ok := bc.Accounting(); ok {
		// The whole frozen audience, each follower counted once.
		n := thousands
		k, waiting := kDetailAccount, a.Waiting
		if a.Stopped > 0 {
			k, waiting = kDetailAccountEnded, a.Stopped
		}
		acted := b.t(kDetailActedTag)
		if bc.Series != nil && bc.Series.ExceptClicked {
			acted = b.t(kDetailActedClick)
		}
		lines = append(lines, b.t(k, n(a.Audience), n(a.Sent), n(a.Failed), n(a.Unknown), n(waiting),
			n(a.LeftOut()), n(a.Unsubscribed), n(a.Capped), n(a.Lone), acted, n(a.Acted), n(a.Holdout)))
		if a.Unknown > 0 {
			lines = append(lines, b.t(kDetailUnknown, n(a.Unknown)))
		}
	} else {
		if bc.Capped > 0 {
			lines = append(lines, b.t(kDetailCapped, thousands(bc.Capped)))
		}
		switch {
		case bc.Acted == 0 || bc.Series == nil:
		case bc.Series.ExceptClicked:
			lines = append(lines, b.t(kDetailActedClicked, thousands(bc.Acted)))
		default:
			lines = append(lines, b.t(kDetailActed, thousands(bc.Acted), bc.Series.ExceptTag))
		}
	}
	if q := bc.QuotaUntil; !q.IsZero() && q.After(b.now()) && (bc.State == broadcast.StateSending || bc.State == broadcast.StatePaused) {
		lines = append(lines, b.t(kDetailQuotaWait, b.short(q)))
	}
	lines = append(lines, b.tagLines(bc)...)
	if sr := bc.Series; sr != nil && len(bc.Batches) > 0 {
		lines = append(lines, b.t(kDetailStep, bc.Step+1, len(sr.Offsets)))
	}
	if o := bc.QuietOverride; o != nil {
		lines = append(lines, b.t(kDetailQuietOverride, o.Name, clip(o.Reason, 60)))
	}
	if p := bc.Paused; p != nil && bc.State == broadcast.StatePaused {
		lines = append(lines, b.t(kDetailPausedBy, b.short(p.At), b.word(kPauseReason, p.Reason), bc.ID))
	}
	return lines
}

// unsubLine counts the recipients who unsubscribed within 24 h.
func (b *Bot) unsubLine(bc *broadcast.Broadcast, n int) string {
	reached := bc.Reached()
	share := "0.0"
	if reached > 0 {
		share = strconv.FormatFloat(float64(n)*100/float64(reached), 'f', 1, 64)
	}
	return b.t(kDetailUnsub, thousands(n), share)
}

// results words a comparison of a broadcast's arms: the metric and its
// window first, then each arm, then what the metric counts (callbacks are
// not opens; clicks and conversions are counted per follower).
func (b *Bot) results(r *results.Results) string {
	var head, note string
	switch r.Metric {
	case results.MetricClick:
		head, note = b.t(kResultsHeadClick, b.dur(r.Window)), b.t(kResultsNoteClick)
		if r.Other > 0 {
			note = b.t(kResultsNoteClickOther, thousands(int(r.Other)))
		}
	case results.MetricConversion:
		head, note = b.t(kResultsHeadConversion, b.dur(r.Window)), b.t(kResultsNoteConversion)
		if slices.ContainsFunc(r.Arms, func(a results.ArmResult) bool { return a.Holdout }) {
			note = b.t(kResultsNoteHoldout)
		}
	default:
		head, note = b.t(kResultsHead, b.dur(r.Window)), b.t(kResultsNote)
		if r.Tag != "" {
			head, note = b.t(kResultsHeadTag, b.dur(r.Window), r.Tag), b.t(kResultsNoteTag)
		}
	}
	lift := kResultsLift
	if r.Versus == results.VersusFirst {
		lift = kResultsVersusFirst
	}
	lines := []string{head}
	for _, a := range r.Arms {
		name := a.Name
		if a.Holdout {
			name = b.t(kResultsHoldout)
		}
		line := b.t(kResultsArm, name, pct1(a.Share), pct1(a.Lo), pct1(a.Hi), thousands(a.Interacted), thousands(a.Measured), thousands(a.Size))
		if a.HasLift {
			line += b.t(lift, points(a.Lift), points(a.LiftLo), points(a.LiftHi))
		}
		lines = append(lines, line)
	}
	if b.now().Before(r.Until) {
		lines = append(lines, b.t(kResultsOpen, b.short(r.Until)))
	}
	lines = append(lines, note)
	return strings.Join(lines, "\n")
}

func pct1(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

// points writes a difference of shares in percentage points, signed.
func points(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 1, 64)
	if f >= 0 {
		s = "+" + s
	}
	return s
}

// policyLine says, at preview, when broadcast id may start and what
// stops it: the quiet hours and best window, the caps, the guardrails.
func (b *Bot) policyLine(id int64, p broadcast.Policy) string {
	var parts []string
	switch {
	case p.QuietNow:
		parts = append(parts, b.t(kPolicyQuietNow, p.QuietHours, b.long(p.NextAllowed)))
	case p.QuietHours != "":
		parts = append(parts, b.t(kPolicyQuiet, p.QuietHours))
	}
	if !p.NextBest.IsZero() {
		parts = append(parts, b.t(kPolicyBest, id, b.long(p.NextBest)))
	}
	if p.MonthlyCap > 0 {
		parts = append(parts, b.t(kPolicyMonthly, p.MonthlyCap))
	}
	if p.DailyCap > 0 {
		parts = append(parts, b.t(kPolicyDaily, p.DailyCap))
	}
	if p.AlertFailureRate > 0 || p.AlertUnsubscribeRate > 0 {
		parts = append(parts, b.t(kPolicyGuard, pct1(p.AlertFailureRate), pct1(p.AlertUnsubscribeRate)))
	}
	if len(parts) == 0 {
		return ""
	}
	return b.t(kPolicy, strings.Join(parts, b.t(kPolicySep)))
}

// tagLines show a tag send's progress: the day it waits for, the
// tagging, the cleanup.
func (b *Bot) tagLines(bc *broadcast.Broadcast) []string {
	t := bc.TagSend
	if t == nil || t.Cleaned() {
		return nil
	}
	switch {
	case t.Tagging() && t.NotBefore.After(b.now()):
		return []string{b.t(kDetailTagWait, b.short(t.NotBefore))}
	case t.Tagging():
		done, runs, tagged := t.Progress()
		return []string{b.t(kDetailTagging, thousands(tagged), done, runs, t.Versions[0].Name)}
	case bc.NextBatchIndex() < 0 || bc.State != broadcast.StateSending:
		return []string{b.t(kDetailTagCleanup)}
	}
	return nil
}
