package metrics

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// unmatchedRoute labels requests no route pattern matched (the mux's 404
// and 405 answers): their raw paths would be unbounded.
const unmatchedRoute = "unmatched"

// The status classes of the code label; index = status / 100.
var statusClasses = [...]string{"other", "1xx", "2xx", "3xx", "4xx", "5xx"}

// routeObservers are one route's latency observers, by status class, each
// resolved on the route's first answer of that class.
type routeObservers struct {
	route string
	by    [len(statusClasses)]atomic.Pointer[prometheus.Observer]
}

// observer returns the observer of a status class, building its label set
// only the first time.
func (hm *httpMetrics) observer(ro *routeObservers, class int) prometheus.Observer {
	if o := ro.by[class].Load(); o != nil {
		return *o
	}
	o := hm.duration.WithLabelValues(ro.route, statusClasses[class]) // the same child for every caller
	ro.by[class].Store(&o)
	return o
}

type httpMetrics struct {
	duration *prometheus.HistogramVec

	routes resolved[routeObservers] // by pattern
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	hm := &httpMetrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time to answer an HTTP request, by the route pattern that matched (\"unmatched\" for none) and status class.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "code"}),
	}
	reg.MustRegister(hm.duration)
	hm.routes.add(unmatchedRoute, maxRoutes, func() *routeObservers { return &routeObservers{route: unmatchedRoute} })
	return hm
}

// maxRoutes bounds the route label. The mux's patterns bound it already;
// this guards against a handler that registers patterns as it goes.
const maxRoutes = 512

// observers returns a route's observers, resolving them on its first request.
func (hm *httpMetrics) observers(route string) *routeObservers {
	if ro, ok := hm.routes.get(route); ok {
		return ro
	}
	if ro, ok := hm.routes.add(route, maxRoutes, func() *routeObservers { return &routeObservers{route: route} }); ok {
		return ro
	}
	ro, _ := hm.routes.get(unmatchedRoute) // made with the map
	return ro
}

// Middleware times every request next answers. It must wrap the ServeMux
// itself: the mux records the pattern it matched in the request
// (r.Pattern), which is read after it returns, so the route label is a
// registered pattern and never the raw path.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			route := r.Pattern
			if route == "" {
				route = unmatchedRoute
			}
			class := sw.class()
			p := recover()
			if p != nil {
				class = 5 // the server answers a panic by dropping the connection
			}
			m.http.observer(m.http.observers(route), class).Observe(time.Since(start).Seconds())
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code // 1xx answers are interim; the final one follows
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what was written so far, for handlers that stream.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's own writer
// (flushing, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// class is the index of the answer's status class; a handler that wrote
// nothing answered 200.
func (w *statusWriter) class() int {
	s := w.status
	if s == 0 {
		s = http.StatusOK
	}
	if c := s / 100; c >= 1 && c < len(statusClasses) {
		return c
	}
	return 0
}
