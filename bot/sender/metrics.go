package sender

import (
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// metrics are the sender's counters on /metrics.
type metrics struct {
	calls      *prometheus.CounterVec
	recipients prometheus.Counter
	// The tag channel: followers tagged, tagging calls by direction.
	tagged   prometheus.Counter
	tagCalls *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, log *zap.Logger) *metrics {
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxcast_broadcast_batch_calls_total",
			Help: "Mass-send calls for broadcast batches, by outcome: sent, already_sent (45065: asked again, confirmed with mass/get), lost (no answer, or 45066: asked again after a minute), quota (45009: waiting for the daily reset), retried, failed, unknown (no answer within 23 h).",
		}, []string{"outcome"}),
		recipients: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wxcast_broadcast_recipients_total",
			Help: "Followers in broadcast batches WeChat accepted.",
		}),
		tagged: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wxcast_broadcast_tagged_total",
			Help: "Followers given a broadcast's temporary WeChat tag (the tag channel).",
		}),
		tagCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxcast_broadcast_tag_calls_total",
			Help: "batchtagging (tag) and batchuntagging (untag) calls of the tag channel.",
		}, []string{"op"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.calls, m.recipients, m.tagged, m.tagCalls} {
			if err := reg.Register(c); err != nil {
				log.Warn("register broadcast metrics", zap.Error(err))
			}
		}
	}
	return m
}
