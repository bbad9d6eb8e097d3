package broadcast

import (
	"fmt"
	"time"
)

// Code names why a command was refused; the admin bot words it for people.
type Code string

// The refusals.
const (
	CodeNotFound        Code = "not_found"         // no broadcast ID
	CodeWrongState      Code = "wrong_state"       // not allowed in State
	CodeNotYours        Code = "not_yours"         // an editor acting on someone else's broadcast
	CodeSelfApproval    Code = "self_approval"     // the creator may not approve
	CodeAlreadyApproved Code = "already_approved"  // this approver approved this plan already
	CodeNoPlan          Code = "no_plan"           // preview first
	CodePlanVoided      Code = "plan_voided"       // the rules changed since preview: Detail is the new version
	CodeNotApproved     Code = "not_approved"      // N valid approvals of Need
	CodePlanChanged     Code = "plan_changed"      // the plan is now Detail (N followers), not the one approved
	CodeUnknownSegment  Code = "unknown_segment"   // Detail is the name
	CodeNoRules         Code = "no_rules"          // the server runs without rules
	CodeSmallAudience   Code = "small_audience"    // N followers (Need more capped): a mass send needs 2
	CodeNoAPI           Code = "no_api"            // the WeChat API is off (no app_secret)
	CodePastTime        Code = "past_time"         // At is not in the future
	CodeTooFar          Code = "too_far"           // later than At, the snapshot is gone: preview again then
	CodeCannotRetract   Code = "cannot_retract"    // WeChat deletes only news; Detail is the type
	CodeBadContent      Code = "bad_content"       // Detail says what
	CodeWeChat          Code = "wechat"            // WeChat refused: Detail is errcode and message
	CodeContentHits     Code = "content_hits"      // the content check found N hits: an owner must override
	CodeOwnerOverride   Code = "owner_override"    // only an owner may override
	CodeQuietHours      Code = "quiet_hours"       // would start in the quiet hours (Detail); At is the next allowed time
	CodeNoBestWindow    Code = "no_best_window"    // "send best" without best windows
	CodeSeriesTimes     Code = "series_times"      // a reminder series is sent at its own times
	CodeBadSeries       Code = "bad_series"        // Detail: no_offsets, not_before, too_many / monthly_cap / daily_cap (N sends, Need the most), gap (N minutes, Need needed)
	CodeUnknownTag      Code = "unknown_tag"       // Detail is the tag
	CodeTooManyVariants Code = "too_many_variants" // N is the most
	CodeNotPaused       Code = "not_paused"        // resume of a broadcast that is not paused
	CodeBadHoldout      Code = "bad_holdout"       // N per cent is not 0 to 50
	CodeSeriesPast      Code = "series_past"       // the first reminder, at At, is not in the future
	CodeUnchecked       Code = "unchecked"         // Detail names content the check could not read: an owner must override
	CodeNoDraft         Code = "no_draft"          // Detail is a media_id neither the draft box nor the permanent material holds
	CodeDraftChanged    Code = "draft_changed"     // the draft changed since preview: Detail lists the fields ("1.title,2.content"), or is "draft" when it left the box
)

// Refusal is an error a person caused and can fix; anything else is a
// fault of wxcast or its Redis.
type Refusal struct {
	Code   Code
	ID     int64
	State  State
	Detail string
	N      int
	Need   int
	At     time.Time
	// Suggest are the names closest to an unknown one, for a
	// did-you-mean.
	Suggest []string
}

func (r *Refusal) Error() string {
	s := fmt.Sprintf("broadcast: refused: %s", r.Code)
	if r.ID != 0 {
		s += fmt.Sprintf(" #%d", r.ID)
	}
	if r.State != "" {
		s += " in state " + string(r.State)
	}
	if r.Detail != "" {
		s += ": " + r.Detail
	}
	return s
}

func refuse(code Code, id int64) *Refusal { return &Refusal{Code: code, ID: id} }

func wrongState(b *Broadcast) *Refusal {
	return &Refusal{Code: CodeWrongState, ID: b.ID, State: b.State}
}
