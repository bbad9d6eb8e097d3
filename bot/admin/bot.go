package admin

import (
	"context"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// Defaults for Options.
const (
	// DefaultSlowAfter leaves WeChat's 5-second reply window room for the
	// network and the rest of the callback.
	DefaultSlowAfter = 3 * time.Second
	// DefaultBatchSize is the most openids WeChat takes in one mass-send
	// call.
	DefaultBatchSize = 10000
	// DefaultSlowLimit bounds a slow command that kept running after its
	// deferred reply.
	DefaultSlowLimit = 2 * time.Minute
)

// Options configures a Bot.
type Options struct {
	// The services the commands use (see service.go).
	Drafts      Drafts
	Approvals   Approvals
	SendControl SendControl
	Segments    Segments
	Results     Results
	Audit       Audit
	Notices     Notices
	Notifier    Notifier
	// Quotas shows today's remaining mass-send calls in status and list
	// (nil: not shown).
	Quotas Quotas
	// Articles shows an article broadcast's statistics in status (nil:
	// not shown).
	Articles ArticleStats

	Admins []broadcast.Admin
	// Language of the replies: "zh" (the default) or "en".
	Language string
	// Location is used for the times shown and parsed (time.Local when nil).
	Location *time.Location
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// SlowAfter is how long a slow command may run before the admin gets
	// an "in progress" reply and the result later (DefaultSlowAfter when
	// zero).
	SlowAfter time.Duration
	// SlowLimit bounds a slow command in total (DefaultSlowLimit when
	// zero).
	SlowLimit time.Duration
	// BatchSize is the service's batch size, to tell an admin who says
	// "send now" in how many batches it goes (DefaultBatchSize when zero).
	BatchSize int
	Log       *zap.Logger
}

// services are the services the commands call.
type services struct {
	drafts    Drafts
	approvals Approvals
	send      SendControl
	segments  Segments
	results   Results
	audit     Audit
	notices   Notices
	quotas    Quotas
	articles  ArticleStats
}

// Bot runs admin commands. It is safe for concurrent use.
type Bot struct {
	svc       services
	notifier  Notifier
	admins    map[string]broadcast.Admin
	cat       catalog
	zh        catalog // for the audit log's Chinese outcomes
	lang      string
	loc       *time.Location
	now       func() time.Time
	slowAfter time.Duration
	slowLimit time.Duration
	batchSize int
	log       *zap.Logger

	cmds   []command
	byName map[string]*command

	// Slow commands that outlive their request run under base and are
	// counted in wg, so Close can wait for them and then stop them.
	base   context.Context
	stop   context.CancelFunc
	wg     sync.WaitGroup
	closed sync.Once
}

// New returns a Bot for the options; zero fields take their defaults.
func New(o Options) *Bot {
	b := &Bot{
		svc: services{drafts: o.Drafts, approvals: o.Approvals, send: o.SendControl, segments: o.Segments,
			results: o.Results, audit: o.Audit, notices: o.Notices, quotas: o.Quotas, articles: o.Articles},
		notifier:  o.Notifier,
		admins:    make(map[string]broadcast.Admin, len(o.Admins)),
		lang:      "zh",
		loc:       o.Location,
		now:       o.Now,
		slowAfter: o.SlowAfter,
		slowLimit: o.SlowLimit,
		batchSize: o.BatchSize,
		log:       o.Log,
	}
	if strings.EqualFold(o.Language, "en") {
		b.lang = "en"
	}
	b.cat, b.zh = catalogFor(b.lang), catalogZH()
	if b.loc == nil {
		b.loc = time.Local
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.slowAfter <= 0 {
		b.slowAfter = DefaultSlowAfter
	}
	if b.slowLimit <= 0 {
		b.slowLimit = DefaultSlowLimit
	}
	if b.batchSize <= 0 {
		b.batchSize = DefaultBatchSize
	}
	if b.log == nil {
		b.log = zap.NewNop()
	}
	for _, a := range o.Admins {
		b.admins[a.OpenID] = a
	}
	b.cmds = commands()
	b.byName = make(map[string]*command)
	for i := range b.cmds {
		c := &b.cmds[i]
		for _, n := range c.names() {
			b.byName[strings.ToLower(n)] = c
		}
	}
	b.base, b.stop = context.WithCancel(context.Background())
	return b
}

// Admin reports whether openid is an admin.
func (b *Bot) Admin(openid string) (broadcast.Admin, bool) {
	a, ok := b.admins[openid]
	return a, ok
}

// Close waits until the slow commands still running have finished and
// delivered their result, or until ctx is done; then it stops those left
// and returns ctx's error.
func (b *Bot) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		b.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		select {
		case <-done:
		default:
			err = ctx.Err()
		}
	}
	b.closed.Do(b.stop)
	<-done
	return err
}
