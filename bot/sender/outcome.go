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

// What a mass-send answer means for the batch.
const (
	outcomeSent        = iota
	outcomeAlreadySent // 45065: an earlier attempt went out; confirm its msg_id
	outcomeLost        // no answer: the call may have gone out
	outcomeTooFast     // 45066: an attempt went out less than a minute ago
	outcomeQuota       // 45009: the daily quota is spent
	outcomeRetry       // refused for now: try again after a back-off
	outcomeFail        // refused for good
)

// WeChat errcodes the sender treats specially.
const (
	codeSystemBusy   = -1
	codeStaleToken   = 40001 // another system fetched a token: the next call gets a fresh one
	codeBadToken     = 40014
	codeTokenExpired = 42001
	codeDailyQuota   = 45009
	codeMinuteQuota  = 45011
	codeAlreadySent  = 45065 // clientmsgid used within 24 h: sent before
	codeRetryTooFast = 45066 // same clientmsgid again within a minute
	codeTaskTooMuch  = 9500002
)

// freshUpload: an uploaded news id refused sooner than this after its
// upload is refused for its content, not for its age; it is not uploaded
// again.
const freshUpload = time.Hour

// classify sorts a mass-send result.
func classify(err error) (int, string) {
	if err == nil {
		return outcomeSent, ""
	}
	switch wxapi.ErrCode(err) {
	case 0:
		return outcomeLost, err.Error() // the network: the call may have arrived
	case codeAlreadySent:
		return outcomeAlreadySent, err.Error()
	case codeRetryTooFast:
		return outcomeTooFast, err.Error()
	case codeDailyQuota:
		return outcomeQuota, err.Error()
	case codeSystemBusy, codeMinuteQuota, codeTaskTooMuch, codeStaleToken, codeBadToken, codeTokenExpired:
		return outcomeRetry, err.Error()
	}
	return outcomeFail, err.Error()
}

// outcome records the answer to an attempt at batch i of b, which went to
// n followers; wasLost is whether an earlier attempt may have gone out.
func (s *Sender) outcome(ctx context.Context, b *broadcast.Broadcast, i, n int, sent wxapi.Sent, err error, wasLost bool) (time.Duration, bool, error) {
	kind, detail := classify(err)
	now := s.now()
	x := &b.Batches[i]
	switch kind {
	case outcomeSent:
		s.metrics.calls.WithLabelValues("sent").Inc()
		s.metrics.recipients.Add(float64(n))
		return 0, true, s.batchSent(ctx, b.ID, i, sent)
	case outcomeAlreadySent:
		s.metrics.calls.WithLabelValues("already_sent").Inc()
		var ae *wxapi.APIError
		if errors.As(err, &ae) && ae.MsgID != 0 {
			// The question is answered by mass/get at the next step.
			return 0, true, s.hold(ctx, b.ID, i, x.Attempts, time.Time{}, true, wxapi.Sent{MsgID: ae.MsgID, MsgDataID: ae.MsgDataID}, "")
		}
		// No msg_id to ask about: WeChat says it went out, so it did.
		s.metrics.recipients.Add(float64(n))
		var named wxapi.Sent
		if ae != nil { // a 45065 the SDK's error type carries names nothing
			named.MsgDataID = ae.MsgDataID
		}
		return 0, true, s.batchSent(ctx, b.ID, i, named)
	case outcomeLost, outcomeTooFast:
		// Ask again with the same clientmsgid, no sooner than WeChat's
		// minute: that repeat is the question (45065 names the msg_id).
		s.metrics.calls.WithLabelValues("lost").Inc()
		at := now.Add(s.o.RetryGap)
		s.o.Log.Warn("mass send: no answer, asking again", zap.Int64("id", b.ID), zap.Int("batch", i),
			zap.Time("at", at), zap.String("error", detail))
		return 0, true, s.hold(ctx, b.ID, i, x.Attempts, at, true, wxapi.Sent{}, detail)
	case outcomeQuota:
		s.metrics.calls.WithLabelValues("quota").Inc()
		return 0, true, s.quotaWait(ctx, b, i, x.Attempts, err, wasLost, detail)
	case outcomeRetry:
		s.metrics.calls.WithLabelValues("retried").Inc()
		wait := backoff(x.Attempts)
		s.o.Log.Warn("mass send: retrying", zap.Int64("id", b.ID), zap.Int("batch", i),
			zap.Duration("in", wait), zap.String("error", detail))
		return 0, true, s.hold(ctx, b.ID, i, x.Attempts, now.Add(wait), wasLost, wxapi.Sent{}, detail)
	}
	if u := b.UploadOf(x.Variant); u != nil && u.MediaID != "" && wxapi.ErrCode(err) == wxapi.CodeInvalidMediaID &&
		(u.Draft || now.Sub(u.At) >= freshUpload) {
		// WeChat no longer takes the id the approved articles were sent
		// as (a draft's id after its first send, an expired upload): they
		// are uploaded again and the batch goes with the new id. A fresh
		// upload refused at once is refused for good.
		s.metrics.calls.WithLabelValues("reupload").Inc()
		s.o.Log.Warn("mass send: news id refused, uploading the approved articles again", zap.Int64("id", b.ID),
			zap.Int("batch", i), zap.String("media_id", u.MediaID))
		if err := s.staleUpload(ctx, b.ID, x.Variant, u.MediaID); err != nil {
			return 0, true, err
		}
		return 0, true, s.hold(ctx, b.ID, i, x.Attempts, time.Time{}, wasLost, wxapi.Sent{}, detail)
	}
	s.metrics.calls.WithLabelValues("failed").Inc()
	if !wasLost {
		s.release(ctx, b, i)
	}
	return 0, false, s.batchFailed(ctx, b.ID, i, broadcast.FailOther, detail)
}

// hold records that batch i of broadcast id waits until at (zero: not at
// all), whether an attempt may have gone out, the msg_id to confirm, and
// the last error, as the answer to attempt number attempt. named is the
// send a repeated clientmsgid named (zero: none). An answer that
// comes after another attempt began (this replica stalled and lost the
// lease) is dropped: it must not take back the newer attempt's mark.
func (s *Sender) hold(ctx context.Context, id int64, i, attempt int, at time.Time, lost bool, named wxapi.Sent, why string) error {
	_, err := s.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
		if i >= len(b.Batches) || b.Batches[i].State != broadcast.BatchSending || b.Batches[i].Attempts != attempt {
			return store.Change{}, broadcast.ErrNoChange
		}
		x := &b.Batches[i]
		x.NotBefore, x.Lost, x.Error = at, lost, why
		if named.MsgID != 0 {
			x.MsgID = named.MsgID
		}
		if named.MsgDataID != 0 {
			x.MsgDataID = named.MsgDataID
		}
		return store.Change{Owner: s.o.Owner}, nil
	})
	if errors.Is(err, broadcast.ErrNoChange) {
		return nil
	}
	return err
}

// confirm asks WeChat with mass/get whether the send a repeated
// clientmsgid named (batch i's MsgID) went out.
func (s *Sender) confirm(ctx context.Context, b *broadcast.Broadcast, i int) (time.Duration, bool, error) {
	x := &b.Batches[i]
	status, err := s.o.API.MassStatus(ctx, x.MsgID)
	if kind, _ := classify(err); err != nil && kind != outcomeLost && kind != outcomeRetry && kind != outcomeQuota {
		// mass/get refuses for good (a msg_id it no longer knows, say):
		// the 45065 already said WeChat has the send.
		s.o.Log.Warn("mass/get refused; the send WeChat named is taken as sent", zap.Int64("id", b.ID), zap.Int("batch", i),
			zap.Int64("msg_id", x.MsgID), zap.Error(err))
		status = "SEND_SUCCESS"
	} else if err != nil {
		// Once a minute at most: the answer may take as long as WeChat's
		// trouble, up to the batch's 23 hours.
		s.o.Log.Warn("mass/get: asking again", zap.Int64("id", b.ID), zap.Int("batch", i), zap.Int64("msg_id", x.MsgID),
			zap.Duration("in", s.o.RetryGap), zap.Error(err))
		return 0, true, s.hold(ctx, b.ID, i, x.Attempts, s.now().Add(s.o.RetryGap), true, wxapi.Sent{}, err.Error())
	}
	switch status {
	case "SEND_FAIL":
		s.metrics.calls.WithLabelValues("failed").Inc()
		s.release(ctx, b, i)
		return 0, false, s.batchFailed(ctx, b.ID, i, broadcast.FailSendFail, "mass/get: SEND_FAIL")
	case "SEND_SUCCESS", "SENDING", "DELETE":
	default:
		// A status this wxcast does not know: WeChat has the send, so it
		// is not sent again.
		s.o.Log.Warn("mass/get: unknown status, taken as sent", zap.Int64("id", b.ID), zap.Int("batch", i), zap.String("status", status))
	}
	s.metrics.recipients.Add(float64(x.Size))
	return 0, true, s.batchSent(ctx, b.ID, i, wxapi.Sent{MsgID: x.MsgID, MsgDataID: x.MsgDataID})
}

// outOfWindow gives up on batch i of b, of which an attempt may have gone
// out but whose clientmsgid WeChat no longer remembers (or will not by the
// time it may be asked): sending it again could deliver it twice. The
// batch becomes unknown: it keeps its cap slots, counts as not reached
// and does not hold up the batches after it. The owners are told once.
func (s *Sender) outOfWindow(ctx context.Context, b *broadcast.Broadcast, i int) error {
	tell := false
	b, err := s.o.Records.Update(ctx, b.ID, func(b *broadcast.Broadcast) (store.Change, error) {
		if i >= len(b.Batches) || b.Batches[i].State != broadcast.BatchSending {
			return store.Change{}, broadcast.ErrNoChange
		}
		x := &b.Batches[i]
		x.State, x.Error = broadcast.BatchUnknown, "outcome unknown: no answer from WeChat within its 24 h clientmsgid window"
		tell = !b.UnknownTold
		b.UnknownTold = true
		return store.Change{}, nil
	})
	if errors.Is(err, broadcast.ErrNoChange) {
		return nil
	}
	if err != nil {
		return err
	}
	s.metrics.calls.WithLabelValues("unknown").Inc()
	s.o.Log.Warn("mass send: outcome unknown", zap.Int64("id", b.ID), zap.Int("batch", i))
	if tell {
		s.o.Notices.Unknown(ctx, b, i)
	}
	return nil
}

// batchSent records that WeChat accepted batch i. It needs no lease: a
// replica that took over sends the batch with the same clientmsgid, gets
// "already sent" and records the same thing. sent.MsgDataID, WeChat's id
// of an mpnews send, is kept for the article statistics.
func (s *Sender) batchSent(ctx context.Context, id int64, i int, sent wxapi.Sent) error {
	msgID := sent.MsgID
	defer func() {
		if msgID != 0 && s.o.Reports != nil {
			s.o.Reports.ApplyEarly(ctx, msgID)
		}
	}()
	// Conversions are looked for in the broadcasts whose batches went out
	// lately; marked before the record, so a crash in between leaves a
	// retry that marks it again.
	if err := s.o.Store.MarkAccepted(ctx, id, s.now()); err != nil {
		return err
	}
	_, err := s.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
		if i >= len(b.Batches) || b.Batches[i].State == broadcast.BatchSent {
			return store.Change{}, broadcast.ErrNoChange
		}
		x := &b.Batches[i]
		now := s.now()
		x.State, x.MsgID, x.Error, x.Accepted, x.NotBefore = broadcast.BatchSent, msgID, "", now, time.Time{}
		if sent.MsgDataID != 0 {
			x.MsgDataID = sent.MsgDataID
		}
		b.NextBatch = now.Add(s.o.BatchInterval)
		b.QuotaUntil = time.Time{}
		c := store.Change{}
		if msgID != 0 {
			c.MsgIDs = map[int64]int{msgID: i}
		}
		return c, nil
	})
	if errors.Is(err, broadcast.ErrNoChange) {
		return nil
	}
	return err
}

// batchFailed records a batch WeChat refused for good and stops the
// broadcast: the rest would most likely be refused too.
func (s *Sender) batchFailed(ctx context.Context, id int64, i int, kind, why string) error {
	stopped := false
	b, err := s.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
		stopped = false
		if i < len(b.Batches) {
			b.Batches[i].State, b.Batches[i].Error = broadcast.BatchFailed, why
		}
		if b.State != broadcast.StateSending {
			return store.Change{}, nil // cancelled meanwhile: it stays cancelled
		}
		stopped = true
		b.State, b.Failure, b.FailureKind, b.Finished = broadcast.StatePartiallyFailed, why, kind, s.now()
		return store.Change{}, nil
	})
	if err != nil {
		return err
	}
	if stopped {
		s.o.Notices.Failed(ctx, b)
	}
	return nil
}

// fail stops b (already changed by the caller) as partially failed, for
// why, of kind (a broadcast.Fail* constant), and alerts the owners.
func (s *Sender) fail(ctx context.Context, b *broadcast.Broadcast, kind, why string) error {
	b.State, b.Failure, b.FailureKind, b.Finished = broadcast.StatePartiallyFailed, why, kind, s.now()
	if err := s.o.Records.Save(ctx, b, store.Change{}); err != nil {
		return err
	}
	s.o.Notices.Failed(ctx, b)
	return nil
}

// finishSending marks b sent once every batch was accepted or failed, or
// schedules the next step of its reminder series.
func (s *Sender) finishSending(ctx context.Context, b *broadcast.Broadcast) error {
	if sr := b.Series; sr != nil && b.Step+1 < len(sr.Offsets) {
		// The next reminder: scheduled, its audience cut when it fires.
		b.Step++
		b.State, b.SendAt, b.BatchKey, b.NextBatch = broadcast.StateScheduled, sr.At(b.Step), "", time.Time{}
		err := s.o.Records.Save(ctx, b, store.Change{})
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return err
	}
	b.State, b.Finished = broadcast.StateSent, s.now()
	for _, x := range b.Batches {
		if x.State == broadcast.BatchFailed || x.State == broadcast.BatchUnknown {
			b.State = broadcast.StatePartiallyFailed
		}
	}
	err := s.o.Records.Save(ctx, b, store.Change{})
	if errors.Is(err, store.ErrConflict) {
		return nil // read again at the next step
	}
	return err
}
