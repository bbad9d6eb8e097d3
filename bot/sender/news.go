package sender

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// NewsAPI checks a news broadcast's draft and uploads its approved
// articles (wxapi.Client).
type NewsAPI interface {
	GetDraft(ctx context.Context, mediaID string) (wxapi.Draft, error)
	UploadNews(ctx context.Context, articles []wxapi.DraftArticle) (string, error)
}

// needsUpload is the first news variant of b whose approved articles have
// no mass-send id yet: none was made, or WeChat refused the last one.
func needsUpload(b *broadcast.Broadcast) (*broadcast.News, bool) {
	if b.Plan == nil {
		return nil, false
	}
	for i := range b.Plan.News {
		n := &b.Plan.News[i]
		if u := b.UploadOf(n.Variant); u == nil || u.MediaID == "" {
			return n, true
		}
	}
	return nil, false
}

// freezeNews gives news variant n of b the id every batch, tag send and
// reminder sends. The first time, when sending begins, the draft must
// still hold exactly the approved words: if an editor changed it since
// the preview, or it left the box, nothing is sent, the plan and its
// approvals are void, and the creator is told which fields changed. Then
// the approved articles are uploaded once with media/uploadnews; the
// draft is not read again. After WeChat refused an uploaded id (40007),
// the approved articles are uploaded again, without a new draft check
// (the draft may have left the box with the first batch).
//
// When uploadnews's daily quota is spent, the draft's own id is sent
// instead only if one call covers the whole audience (WeChat may remove
// the draft, or refuse its id, after the first send); otherwise the send
// waits for the quota to come back.
func (s *Sender) freezeNews(ctx context.Context, b *broadcast.Broadcast, n *broadcast.News) (time.Duration, bool, error) {
	now := s.now()
	if w := b.QuotaUntil.Sub(now); w > 0 {
		return w, true, nil
	}
	u := b.UploadOf(n.Variant)
	if n.Permanent && u == nil {
		// Old permanent material cannot change: its id is sent as is.
		return 0, true, s.setUpload(ctx, b, broadcast.Upload{Variant: n.Variant, MediaID: n.Draft, At: now})
	}
	if u == nil {
		changed, err := n.Changes(ctx, s.o.News)
		if err != nil {
			if wxapi.ErrCode(err) == 0 || retryable(err) {
				return backoff(1), true, err
			}
			return 0, false, s.fail(ctx, b, broadcast.FailDraftGet, "draft/get: "+err.Error())
		}
		if len(changed) > 0 {
			return 0, false, s.voidChanged(ctx, b, n.Draft, changed)
		}
	}
	arts := make([]wxapi.DraftArticle, len(n.Articles))
	for i, a := range n.Articles {
		arts[i] = a.WeChat()
	}
	id, err := s.o.News.UploadNews(ctx, arts)
	switch {
	case err == nil:
		return 0, true, s.setUpload(ctx, b, broadcast.Upload{Variant: n.Variant, MediaID: id, At: now})
	case wxapi.ErrCode(err) == codeDailyQuota && u == nil && s.oneCall(b):
		s.o.Log.Warn("uploadnews quota spent; the draft's own id goes in the one call", zap.Int64("id", b.ID))
		return 0, true, s.setUpload(ctx, b, broadcast.Upload{Variant: n.Variant, MediaID: n.Draft, At: now, Draft: true})
	case wxapi.ErrCode(err) == codeDailyQuota:
		return 0, true, s.uploadWait(ctx, b, err)
	case wxapi.ErrCode(err) == 0 || retryable(err):
		return backoff(1), true, err
	}
	return 0, false, s.fail(ctx, b, broadcast.FailUpload, "media/uploadnews: "+err.Error())
}

// retryable reports a WeChat answer that refuses a call for now only.
func retryable(err error) bool {
	kind, _ := classify(err)
	return kind == outcomeRetry
}

// oneCall reports whether b reaches its whole audience in one mass-send
// call: one content, no reminders, openid batches, and an audience that
// fits one batch.
func (s *Sender) oneCall(b *broadcast.Broadcast) bool {
	return b.Series == nil && len(b.Variants) == 0 && b.Plan.Channel == "" && b.Plan.Audience <= s.o.BatchSize
}

// setUpload records u as the id variant u.Variant sends.
func (s *Sender) setUpload(ctx context.Context, b *broadcast.Broadcast, u broadcast.Upload) error {
	_, err := s.o.Records.Update(ctx, b.ID, func(b *broadcast.Broadcast) (store.Change, error) {
		if b.State != broadcast.StateSending {
			return store.Change{}, broadcast.ErrNoChange
		}
		if old := b.UploadOf(u.Variant); old != nil {
			*old = u
		} else {
			b.Uploads = append(b.Uploads, u)
		}
		return store.Change{Owner: s.o.Owner}, nil
	})
	if errors.Is(err, broadcast.ErrNoChange) {
		return nil
	}
	return err
}

// staleUpload forgets the id variant v was uploaded as, after WeChat
// refused it (40007), so the next step uploads the approved articles
// again. used is the id the refused call carried: a newer one is kept.
func (s *Sender) staleUpload(ctx context.Context, id int64, v int, used string) error {
	_, err := s.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
		u := b.UploadOf(v)
		if u == nil || u.MediaID != used {
			return store.Change{}, broadcast.ErrNoChange
		}
		u.MediaID, u.Draft = "", false
		return store.Change{Owner: s.o.Owner}, nil
	})
	if errors.Is(err, broadcast.ErrNoChange) {
		return nil
	}
	return err
}

// uploadWait holds b until uploadnews's daily quota comes back (and the
// quiet hours end), telling its creator and the owners once.
func (s *Sender) uploadWait(ctx context.Context, b *broadcast.Broadcast, err error) error {
	resume := s.o.Windows.QuietEnd(quotaUntil(err, s.now()))
	changed := false
	b, uerr := s.o.Records.Update(ctx, b.ID, func(b *broadcast.Broadcast) (store.Change, error) {
		if b.State != broadcast.StateSending {
			return store.Change{}, broadcast.ErrNoChange
		}
		changed = !b.QuotaUntil.Equal(resume)
		b.QuotaUntil = resume
		return store.Change{Owner: s.o.Owner}, nil
	})
	if errors.Is(uerr, broadcast.ErrNoChange) {
		return nil
	}
	if uerr != nil {
		return uerr
	}
	s.o.Log.Warn("uploadnews: daily quota spent, waiting", zap.Int64("id", b.ID), zap.Time("until", resume))
	if changed {
		s.o.Notices.QuotaWait(ctx, b, resume)
	}
	return nil
}

// voidChanged stops b before anything is sent: the draft it was approved
// from changed (fields) or left the box. The plan and approvals are void;
// the creator is told what changed and previews again.
func (s *Sender) voidChanged(ctx context.Context, b *broadcast.Broadcast, draft string, fields []string) error {
	b, err := s.o.Records.Update(ctx, b.ID, func(b *broadcast.Broadcast) (store.Change, error) {
		if b.State != broadcast.StateSending || len(b.Batches) > 0 {
			return store.Change{}, broadcast.ErrNoChange
		}
		b.Plan, b.Approvals, b.Override, b.State = nil, nil, nil, broadcast.StateDraft
		return store.Change{Active: -1, Owner: s.o.Owner}, nil
	})
	if errors.Is(err, broadcast.ErrNoChange) {
		return nil
	}
	if err != nil {
		return err
	}
	s.o.Log.Warn("draft changed since its approval; not sent", zap.Int64("id", b.ID),
		zap.String("draft", draft), zap.Strings("fields", fields))
	s.o.Notices.DraftChanged(ctx, b, draft, fields)
	return nil
}
