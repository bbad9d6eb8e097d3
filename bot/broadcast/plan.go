package broadcast

import "time"

// Plan is what preview froze: the content, the segment, the rules version
// and the audience. Approvals bind to its Hash.
type Plan struct {
	Hash         string    `json:"hash"` // 8 hex digits
	RulesVersion string    `json:"rules"`
	Audience     int       `json:"size"`
	Chunks       int       `json:"chunks"` // audience snapshot lists
	Key          string    `json:"key"`    // names the lists
	At           time.Time `json:"at"`
	By           string    `json:"by"`
	// Replaced is the hash of the plan this one replaced ("" for the
	// first), Voided how many approvals of it this freeze voided.
	Replaced string `json:"replaced,omitempty"`
	Voided   int    `json:"voided,omitempty"`
	// Capped counts followers the segment selected but the frequency cap
	// left out.
	Capped int `json:"capped,omitempty"`
	// Hits are the content check's findings; WordsVersion the word lists
	// checked against ("" when there were none). Unchecked names content
	// the check could not read (a news item WeChat did not return).
	Hits         []Hit    `json:"hits,omitempty"`
	WordsVersion string   `json:"words,omitempty"`
	Unchecked    []string `json:"unchecked,omitempty"`
	// Channel is how the plan reaches its audience: "" by openid batches
	// (mass/send), ChannelTag by one WeChat tag per version (mass/sendall).
	Channel string `json:"channel,omitempty"`
	// News are the articles of every news content as preview read them
	// from the draft box: what the approvers approved and what is sent.
	News []News `json:"news,omitempty"`
	// Calls is what the plan needs of today's WeChat quotas, what
	// remained of them at the preview, and when it would finish.
	Calls *Calls `json:"calls,omitempty"`
	// Links are the links of text contents this plan rewrote into tracked
	// links (links.base_url set), and Texts those contents' texts as
	// rewritten: what the previews show and followers receive. Each
	// preview gives new codes; the contents keep the links as written.
	Links []FrozenLink `json:"links,omitempty"`
	Texts []PlanText   `json:"texts,omitempty"`

	// audience is the audience's digest, for seal; not stored.
	audience [24]byte
}

// ChannelTag is Plan.Channel for a plan that sends by WeChat tag.
const ChannelTag = "tag"

// Hit is one listed word found in a broadcast's content.
type Hit struct {
	// Where names the part checked: "" for the text, "B" for variant B's
	// text, "1.title" / "1.digest" for a news item's first article.
	Where    string `json:"where,omitempty"`
	Category string `json:"cat"`
	Word     string `json:"word"`
	Start    int    `json:"start"` // in characters, 0-based
	Text     string `json:"text"`  // as written
}

// Override is an owner's approval of a plan the content check flagged.
type Override struct {
	By       string    `json:"by"`
	Name     string    `json:"name"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
	PlanHash string    `json:"plan"`
	// Words is the word lists' version the override saw: a preview
	// against other lists may find other hits, which need a new override.
	Words string `json:"words,omitempty"`
}

// Approval is one approver's yes to one plan.
type Approval struct {
	By       string    `json:"by"`
	Name     string    `json:"name"`
	At       time.Time `json:"at"`
	PlanHash string    `json:"plan"`
}

// CurrentApprovals are the approvals of b's current plan.
func (b *Broadcast) CurrentApprovals() []Approval {
	var out []Approval
	for _, a := range b.Approvals {
		if b.Plan != nil && a.PlanHash == b.Plan.Hash {
			out = append(out, a)
		}
	}
	return out
}

// Approvers are the openids that approved b's current plan, in order.
func (b *Broadcast) Approvers() []string {
	var out []string
	for _, a := range b.CurrentApprovals() {
		out = append(out, a.By)
	}
	return out
}

// VoidIfStale voids b's plan and approvals when the rules are no longer
// those of its preview (live is the version now): the segment the
// approvers saw may now select other followers.
func (b *Broadcast) VoidIfStale(live string) *Refusal {
	if b.Plan == nil || b.Plan.RulesVersion == live {
		return nil
	}
	b.Plan, b.Approvals, b.State = nil, nil, StateDraft
	return &Refusal{Code: CodePlanVoided, ID: b.ID, Detail: live}
}

// UnapprovedContent refuses to send a plan with content-check hits that
// no owner overrode. A news item the check could not read needs an
// override too: unchecked is not clean.
func (b *Broadcast) UnapprovedContent() *Refusal {
	if b.Plan == nil || len(b.Plan.Hits) == 0 && len(b.Plan.Unchecked) == 0 {
		return nil
	}
	if o := b.Override; o != nil && o.PlanHash == b.Plan.Hash && o.Words == b.Plan.WordsVersion {
		return nil
	}
	if len(b.Plan.Hits) == 0 {
		return &Refusal{Code: CodeUnchecked, ID: b.ID, Detail: b.Plan.Unchecked[0]}
	}
	return &Refusal{Code: CodeContentHits, ID: b.ID, N: len(b.Plan.Hits), Detail: b.Plan.Hits[0].Category}
}
