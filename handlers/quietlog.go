package handlers

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Sampling of the logs anyone can cause: per reason and per second, the
// first logFirst entries are written and the rest dropped. Without it a
// flood of callbacks with a wrong token writes several megabytes of log a
// second; the metrics still count every one.
const (
	logTick  = time.Second
	logFirst = 10
)

// quietLogs holds one sampled logger per refusal reason, so that a flood
// of one reason cannot hide the first entries of another. The loggers are
// built from the injected logger; what they drop is counted in
// wxcast_log_dropped_total{reason} and told in one line by the injected
// logger before the next entry of that reason is written.
type quietLogs struct {
	byReason map[string]*zap.Logger
}

func newQuietLogs(log *zap.Logger, dropped *prometheus.CounterVec, reasons []string) quietLogs {
	q := quietLogs{byReason: make(map[string]*zap.Logger, len(reasons)+1)}
	for _, reason := range append(reasons, reasonOther) {
		q.byReason[reason] = sampled(log, dropped.WithLabelValues(reason), reason)
	}
	return q
}

// sampled wraps log's core in zap's sampler. Its hook counts each dropped
// entry, and when an entry is let through after drops, first writes how
// many were dropped since the last one written.
func sampled(log *zap.Logger, dropped prometheus.Counter, reason string) *zap.Logger {
	var pending atomic.Int64
	hook := func(_ zapcore.Entry, d zapcore.SamplingDecision) {
		if d&zapcore.LogDropped != 0 {
			dropped.Inc()
			pending.Add(1)
			return
		}
		if n := pending.Swap(0); n > 0 {
			log.Warn("callback logs dropped", zap.String("reason", reason), zap.Int64("dropped", n),
				zap.String("see", "wxcast_log_dropped_total"))
		}
	}
	return log.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return zapcore.NewSamplerWithOptions(c, logTick, logFirst, 0, zapcore.SamplerHook(hook))
	}))
}

// reasonOther samples the logs of a reason newQuietLogs was not given.
const reasonOther = "other"

// get returns the sampled logger of reason.
func (q quietLogs) get(reason string) *zap.Logger {
	if l, ok := q.byReason[reason]; ok {
		return l
	}
	return q.byReason[reasonOther]
}
