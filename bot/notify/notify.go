// Package notify owns what wxcast tells admins on its own, outside the
// reply to a command: a broadcast finished, failed, was voided or skipped
// a reminder; a guardrail paused one; the rules file or the word lists
// were refused; a slow command's result. A notice goes as a
// customer-service message, else as a template message, and is kept
// either way (on its broadcast, or in the general notices) so that list
// and status show it.
//
// It builds on bot/broadcast (admins, records) and store; the sender,
// the results and the admin bot use it, never the reverse.
package notify

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// API reaches an admin outside a reply: customer-service messages, and
// template messages as the fallback (wxapi.Client).
type API interface {
	CustomText(ctx context.Context, openid, text string) error
	TemplateSend(ctx context.Context, openid, templateID string, data map[string]string, url string) (int64, error)
}

// Options configures a Notifier.
type Options struct {
	// Records keeps a notice on its broadcast; Store keeps the general
	// notices and the once-markers of alerts.
	Records *broadcast.Records
	Store   *store.Broadcasts
	// API is nil when the WeChat API is off: notices are then only kept.
	// TemplateID is the template message for when a customer-service
	// message cannot reach the admin ("" for none).
	API        API
	TemplateID string
	Admins     []broadcast.Admin
	// Language of notices: zh (default) or en; Location the zone of the
	// times they show (time.Local when nil).
	Language string
	Location *time.Location
	// Metrics registers the notices counter (nil: not exported).
	Metrics prometheus.Registerer
	Now     func() time.Time
	Log     *zap.Logger
}

// Notifier delivers notices to admins. It is safe for concurrent use.
type Notifier struct {
	o       Options
	lang    string
	counted *prometheus.CounterVec
	// later holds alerts that must not hold up a WeChat callback (a job
	// report or an unsubscribe tripped a guardrail); Run sends them.
	later   chan func(context.Context)
	mu      sync.Mutex
	running bool // Run is taking from later; guarded by mu
}

// noticesKept bounds the notices kept on one broadcast.
const noticesKept = 10

// New returns a Notifier; call Run to send alerts outside callbacks.
func New(o Options) *Notifier {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	n := &Notifier{o: o, lang: "zh", later: make(chan func(context.Context), 256)}
	if o.Language == "en" {
		n.lang = "en"
	}
	n.counted = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wxcast_admin_notices_total",
		Help: "Notices to admins, by how they went: custom (customer-service message), template, kept (only in list and status).",
	}, []string{"via"})
	if o.Metrics != nil {
		if err := o.Metrics.Register(n.counted); err != nil {
			o.Log.Warn("register notice metrics", zap.Error(err))
		}
	}
	return n
}

// Notify delivers text to admin to, about broadcast id (0 for none). A
// customer-service message reaches only an admin who wrote to the account
// recently, a few times per message they sent; when WeChat refuses it
// (45015 out of the window, 45047 over quota, or any other error) a
// template message is tried if one is configured. Whatever happens the
// notice is kept, on the broadcast or in the general notices, so list and
// status show it.
func (n *Notifier) Notify(ctx context.Context, to broadcast.Admin, id int64, text string) {
	via := n.deliver(ctx, to.OpenID, text)
	n.counted.WithLabelValues(via).Inc()
	rec := broadcast.Notice{At: n.o.Now(), To: to.OpenID, Text: text, Via: via}
	if id == 0 {
		raw, _ := json.Marshal(rec)
		if err := n.o.Store.AppendNotice(ctx, raw); err != nil {
			n.o.Log.Error("keep notice", zap.Error(err))
		}
		return
	}
	_, err := n.o.Records.Update(ctx, id, func(b *broadcast.Broadcast) (store.Change, error) {
		b.Notices = append(b.Notices, rec)
		if len(b.Notices) > noticesKept {
			b.Notices = b.Notices[len(b.Notices)-noticesKept:]
		}
		return store.Change{}, nil
	})
	if err != nil {
		n.o.Log.Error("keep notice", zap.Int64("id", id), zap.Error(err))
	}
}

// deliver sends text to openid and says how: custom, template or kept.
func (n *Notifier) deliver(ctx context.Context, openid, text string) string {
	if n.o.API == nil {
		return "kept"
	}
	err := n.o.API.CustomText(ctx, openid, text)
	if err == nil {
		return "custom"
	}
	n.o.Log.Info("customer-service message refused; trying the template", zap.String("to", openid),
		zap.Int("errcode", wxapi.ErrCode(err)), zap.Error(err))
	if n.o.TemplateID == "" {
		return "kept"
	}
	if _, err := n.o.API.TemplateSend(ctx, openid, n.o.TemplateID, map[string]string{"content": text}, ""); err != nil {
		n.o.Log.Warn("template message refused; the notice is kept for list and status",
			zap.String("to", openid), zap.Error(err))
		return "kept"
	}
	return "template"
}

// Notices returns the newest n general notices, newest first.
func (n *Notifier) Notices(ctx context.Context, count int) ([]broadcast.Notice, error) {
	recs, err := n.o.Store.Notices(ctx, count)
	out := make([]broadcast.Notice, 0, len(recs))
	for _, r := range recs {
		var x broadcast.Notice
		if json.Unmarshal(r, &x) == nil {
			out = append(out, x)
		}
	}
	return out, err
}
