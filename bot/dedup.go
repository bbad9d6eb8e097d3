package bot

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/store"
)

// markFor picks the dedup mark that tells retries what to expect.
func markFor(p Plan) store.Mark {
	switch {
	case p == nil || !p.Replies() && !p.Tags():
		return store.MarkFinal
	case p.Replies():
		return store.MarkPending
	default:
		return store.MarkNoAnswer
	}
}

// pendingGrace is how long after its start a first delivery may still be
// about to store its answer. Handling one takes milliseconds; past this, a
// pending mark means the first delivery had nothing to store (or died),
// and its duplicates answer nothing at once.
const pendingGrace = time.Second

// repeat returns the answer of the first delivery, waiting for it while the
// first delivery may still be running (a duplicate can arrive while it is:
// a double tap within one second, or a retry racing a slow first attempt),
// at most ReplyWait.
func (b *Bot) repeat(ctx context.Context, openid, id string, out store.Outcome) Reply {
	limit := b.o.ReplyWait
	if !out.Answered {
		limit = min(limit, out.PendingSince.Add(pendingGrace).Sub(b.o.Now()))
	}
	if limit <= 0 && !out.Answered {
		return Reply{}
	}
	wait := time.NewTimer(max(limit, 0))
	defer wait.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !out.Answered {
		select {
		case <-ctx.Done():
			return Reply{}
		case <-wait.C:
			return Reply{}
		case <-tick.C:
		}
		var err error
		if out, err = b.o.Followers.Answer(ctx, openid, id); err != nil {
			b.o.Log.Warn("read the first delivery's answer", zap.String("openid", openid), zap.Error(err))
			return Reply{}
		}
	}
	var r Reply
	if out.Answer != "" {
		if err := json.Unmarshal([]byte(out.Answer), &r); err != nil {
			b.o.Log.Warn("stored answer is not a reply", zap.String("openid", openid), zap.Error(err))
			return Reply{}
		}
	}
	return r
}

// dedupID identifies one delivery among a follower's callbacks, following
// WeChat's advice: MsgId for messages; for events CreateTime plus the event
// and its key, since a follower can fire several events in one second.
func dedupID(m *Message, k kind) string {
	switch {
	case k.system && m.JobMsgID != 0:
		return "j" + strconv.FormatInt(m.JobMsgID, 10)
	case m.MsgType != "event" && m.MsgID != 0:
		return "m" + strconv.FormatInt(m.MsgID, 10)
	}
	key := m.EventKey
	if len(key) > 64 {
		sum := sha1.Sum([]byte(key))
		key = hex.EncodeToString(sum[:])
	}
	return "e" + strconv.FormatInt(m.CreateTime, 10) + ":" + strings.ToLower(m.Event) + ":" + key
}
