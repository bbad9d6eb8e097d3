package sender

import (
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// metrics are the sender's counters on /metrics.
type metrics struct {
	calls      *prometheus.CounterVec
	recipients prometheus.Counter
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
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.calls, m.recipients} {
			if err := reg.Register(c); err != nil {
				log.Warn("register broadcast metrics", zap.Error(err))
			}
		}
	}
	return m
}
