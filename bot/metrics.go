package bot

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the service's Prometheus metrics, all prefixed dronebot_.
// Each part of the bot gets hook functions that feed them, so no package
// below bot depends on Prometheus.
type metrics struct {
	reg *prometheus.Registry

	commands        *prometheus.CounterVec
	aclRefusals     prometheus.Counter
	droneRequests   *prometheus.CounterVec
	droneLatency    *prometheus.HistogramVec
	droneUp         prometheus.Gauge
	watchCycles     *prometheus.CounterVec
	watchDuration   prometheus.Histogram
	alerts          *prometheus.CounterVec
	alertsUnrouted  *prometheus.CounterVec
	webhookOverflow prometheus.Counter
	deliveries      *prometheus.CounterVec
	ambiguous       *prometheus.CounterVec
	signatureFailed *prometheus.CounterVec
	httpRequests    *prometheus.CounterVec
	httpLatency     *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dronebot_commands_total", Help: "Chat commands run, by command and result.",
		}, []string{"command", "result"}),
		aclRefusals: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dronebot_acl_refusals_total", Help: "Commands refused by the ACL.",
		}),
		droneRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dronebot_drone_requests_total", Help: "Drone API requests, by operation and HTTP status (0: no answer).",
		}, []string{"operation", "code"}),
		droneLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "dronebot_drone_request_duration_seconds", Help: "Drone API request latency up to the response headers.",
			Buckets: prometheus.DefBuckets,
		}, []string{"operation"}),
		droneUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dronebot_drone_up", Help: "1 when the last watch cycle reached Drone, else 0.",
		}),
		watchCycles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dronebot_watch_cycles_total", Help: "Watch (poll) cycles, by result.",
		}, []string{"result"}),
		watchDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "dronebot_watch_cycle_duration_seconds", Help: "Duration of one watch cycle.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dronebot_alerts_total", Help: "Alerts produced, by outcome.",
		}, []string{"outcome"}),
		webhookOverflow: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dronebot_webhook_overflow_total",
			Help: "Drone webhooks the queue had no room for: kept on the pending list, and the poller woken.",
		}),
		alertsUnrouted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dronebot_alerts_unrouted_total", Help: "Alerts no route or subscription takes, by outcome.",
		}, []string{"outcome"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dronebot_deliveries_total", Help: "Message sends, by sink and result (sent, retry, failed, expired).",
		}, []string{"sink", "result"}),
		ambiguous: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dronebot_delivery_ambiguous_total",
			Help: "Sends that may have delivered a copy: a retry after a timeout or crash once the request was written.",
		}, []string{"sink"}),
		signatureFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dronebot_signature_failures_total", Help: "Requests refused for a bad signature or timestamp, by route.",
		}, []string{"route"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dronebot_http_requests_total", Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		httpLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "dronebot_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.commands, m.httpRequests, m.httpLatency, m.aclRefusals, m.droneRequests, m.droneLatency, m.droneUp,
		m.watchCycles, m.watchDuration, m.alerts, m.alertsUnrouted, m.webhookOverflow, m.deliveries, m.ambiguous, m.signatureFailed,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// outboxGauges reports the outbox's depth and the age of its oldest entry,
// read from the store at scrape time.
func (m *metrics) outboxGauges(stats func(ctx context.Context) (int, time.Time, error), now func() time.Time) {
	read := func() (int, time.Time) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, oldest, err := stats(ctx)
		if err != nil {
			return 0, time.Time{}
		}
		return n, oldest
	}
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "dronebot_outbox_depth", Help: "Messages waiting in the outbox."},
			func() float64 { n, _ := read(); return float64(n) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "dronebot_outbox_oldest_age_seconds", Help: "Age of the oldest waiting message (0: none)."},
			func() float64 {
				_, oldest := read()
				if oldest.IsZero() {
					return 0
				}
				return now().Sub(oldest).Seconds()
			}),
	)
}

func (m *metrics) observeCommand(command, result string) {
	m.commands.WithLabelValues(command, result).Inc()
	if result == "refused" {
		m.aclRefusals.Inc()
	}
}

func (m *metrics) observeDrone(op string, status int, elapsed time.Duration) {
	m.droneRequests.WithLabelValues(op, strconv.Itoa(status)).Inc()
	m.droneLatency.WithLabelValues(op).Observe(elapsed.Seconds())
}

func (m *metrics) observeCycle(d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.watchCycles.WithLabelValues(result).Inc()
	m.watchDuration.Observe(d.Seconds())
}

func (m *metrics) observeHTTP(route string, code int, d time.Duration) {
	m.httpRequests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.httpLatency.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) setDroneUp(up bool) {
	if up {
		m.droneUp.Set(1)
	} else {
		m.droneUp.Set(0)
	}
}
