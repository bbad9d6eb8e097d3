package demo

import (
	"context"
	"sort"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// segmentView is a segment and its live count.
type segmentView struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Count       int    `json:"count"`
}

// segmentsEvery is how long a count is reused.
const segmentsEvery = 2 * time.Second

// segments counts every segment of the live rules, as the admin bot's
// 分群 command does, at most once per segmentsEvery.
func (d *Demo) segments(ctx context.Context) ([]segmentView, time.Time, error) {
	d.segMu.Lock()
	defer d.segMu.Unlock()
	if time.Since(d.segAt) < segmentsEvery {
		return d.segLast, d.segAt, nil
	}
	counts, err := d.o.Broadcasts.Segments(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	out := make([]segmentView, len(counts))
	for i, c := range counts {
		out[i] = segmentView{Name: c.Name, Description: c.Description, Count: c.Count}
	}
	d.segLast, d.segAt = out, time.Now()
	return out, d.segAt, nil
}

// broadcastView is a broadcast as the page shows it.
type broadcastView struct {
	ID        int64       `json:"id"`
	State     string      `json:"state"`
	Segment   string      `json:"segment"`
	Type      string      `json:"type"`
	Text      string      `json:"text"`
	Creator   string      `json:"creator"`
	Plan      string      `json:"plan,omitempty"`
	Audience  int         `json:"audience,omitempty"`
	Approvals []string    `json:"approvals,omitempty"`
	SendAt    time.Time   `json:"send_at,omitzero"`
	NextBatch time.Time   `json:"next_batch,omitzero"`
	Finished  time.Time   `json:"finished,omitzero"`
	Failure   string      `json:"failure,omitempty"`
	Dropped   int         `json:"dropped,omitempty"`
	Batches   []batchView `json:"batches"`
	Done      int         `json:"done"`
	Sent      int         `json:"sent"`
	Errors    int         `json:"errors"`
	Reached   int         `json:"recipients"`
	// Send safety, for the card's last line.
	Hits       int    `json:"hits,omitempty"`
	Overridden bool   `json:"overridden,omitempty"`
	Capped     int    `json:"capped,omitempty"`
	Holdout    int    `json:"holdout,omitempty"`
	Versions   int    `json:"versions,omitempty"`
	Reminders  int    `json:"reminders,omitempty"`
	Paused     string `json:"paused,omitempty"`
	// Outcome is its clicks, conversions and reads, once sending began.
	Outcome *Outcome `json:"outcome,omitempty"`
}

// batchView is one mass-send call of a broadcast.
type batchView struct {
	Size     int    `json:"size"`
	State    string `json:"state"`
	MsgID    int64  `json:"msg_id,omitempty"`
	Reported bool   `json:"reported"`
	Status   string `json:"status,omitempty"`
	Sent     int    `json:"sent"`
	Filtered int    `json:"filtered"`
	Errors   int    `json:"errors"`
	Error    string `json:"error,omitempty"`
}

func viewBroadcast(b *broadcast.Broadcast) broadcastView {
	v := broadcastView{
		ID: b.ID, State: string(b.State), Segment: b.Segment, Type: b.Content.Type,
		Text: b.Content.Text, Creator: b.CreatorName, SendAt: b.SendAt, NextBatch: b.NextBatch,
		Finished: b.Finished, Failure: b.Failure, Dropped: b.Dropped, Batches: []batchView{},
	}
	if v.Text == "" {
		v.Text = b.Content.MediaID
	}
	if b.Plan != nil {
		v.Plan, v.Audience = b.Plan.Hash, b.Plan.Audience
		v.Hits, v.Capped = len(b.Plan.Hits), b.Plan.Capped
		v.Overridden = b.Override != nil && b.Override.PlanHash == b.Plan.Hash
	}
	v.Capped += b.Capped
	v.Holdout = b.Holdout
	if len(b.Variants) > 0 {
		v.Versions = len(b.Variants) + 1
	}
	if b.Series != nil {
		v.Reminders = len(b.Series.Offsets)
	}
	if b.Paused != nil && b.State == broadcast.StatePaused {
		v.Paused = b.Paused.Reason
	}
	for _, a := range b.Approvals {
		if b.Plan != nil && a.PlanHash == b.Plan.Hash {
			v.Approvals = append(v.Approvals, a.Name)
		}
	}
	p := b.Progress()
	v.Done, v.Sent, v.Errors, v.Reached = p.Done, p.Sent, p.Errors, p.Recipients
	for _, x := range b.Batches {
		v.Batches = append(v.Batches, batchView{Size: x.Size, State: x.State, MsgID: x.MsgID, Reported: x.Reported,
			Status: x.Status, Sent: x.Sent, Filtered: x.Filtered, Errors: x.Errors, Error: x.Error})
	}
	return v
}

// profileView is a follower as the rules see them, for the chat's header.
type profileView struct {
	OpenID     string            `json:"openid"`
	Label      string            `json:"label"`
	Admin      bool              `json:"admin"`
	Known      bool              `json:"known"`
	Subscribed bool              `json:"subscribed"`
	Scene      string            `json:"scene,omitempty"`
	Tags       []string          `json:"tags"`
	WeChatTags []string          `json:"wechat_tags,omitempty"`
	Attrs      map[string]string `json:"attrs,omitempty"`
	Place      string            `json:"place,omitempty"`
}

func (d *Demo) profile(ctx context.Context, p *person) (profileView, error) {
	v := profileView{OpenID: p.openid, Label: p.label, Admin: p.admin, Tags: []string{}, Place: p.place}
	if p.admin {
		return v, nil
	}
	pr, err := d.o.Profiles.Profile(ctx, p.openid)
	if err != nil {
		return v, err
	}
	v.Known, v.Subscribed, v.Scene = pr.Known, pr.Subscribed, pr.Scene
	v.Tags = pr.AppendActiveTags(v.Tags, time.Now())
	sort.Strings(v.Tags)
	for _, t := range pr.WeChatTags() {
		v.WeChatTags = append(v.WeChatTags, t.Name)
	}
	if a := pr.Attrs(); len(a) > 0 {
		for k, s := range a {
			a[k] = clockText(s, d.o.Location)
		}
		v.Attrs = a
	}
	return v, nil
}

var _ Profiles = (*store.Followers)(nil)
