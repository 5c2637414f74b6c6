package health

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/smstrack/smstrack"
)

// This file simulates traffic for the detector's tests: many routes with
// diurnal volume, Poisson arrivals, binomial outcomes with a slow daily
// drift, and log-normal latencies, kept per minute and per hour the way
// rollups keep them.

// hist is a log-bucketed latency histogram, the shape of a rollup sketch:
// bucket i > 0 holds (histMin*gamma^(i-1), histMin*gamma^i].
type hist struct {
	counts [histBuckets]int32
	n      int64
}

const (
	histMin     = 10.0 // ms
	histGamma   = 1.08
	histBuckets = 150 // up to about 20 minutes
)

var lnGamma = math.Log(histGamma)

func histBucket(ms float64) int {
	if ms <= histMin {
		return 0
	}
	return min(histBuckets-1, int(math.Ceil(math.Log(ms/histMin)/lnGamma)))
}

// histLowers are the buckets' lower bounds.
var histLowers = func() (b [histBuckets]float64) {
	for i := 1; i < histBuckets; i++ {
		b[i] = histMin * math.Pow(histGamma, float64(i-1))
	}
	return b
}()

func histLower(i int) float64 { return histLowers[i] }

func (h *hist) add(ms float64) { h.counts[histBucket(ms)]++; h.n++ }

func (h *hist) merge(o *hist, sign int32) {
	for i, c := range o.counts {
		h.counts[i] += sign * c
	}
	h.n += int64(sign) * o.n
}

func (h *hist) Count() int64 { return h.n }

func (h *hist) Merged(others ...Latencies) Latencies {
	out := *h
	for _, o := range others {
		out.merge(o.(*hist), 1)
	}
	return &out
}

func (h *hist) Quantile(q float64) float64 {
	rank := int64(q * float64(h.n-1))
	var seen int64
	for i, c := range h.counts {
		seen += int64(c)
		if seen > rank {
			return histLower(i) * math.Sqrt(histGamma) // the bucket's geometric middle
		}
	}
	return histLower(histBuckets - 1)
}

func (h *hist) CountAbove(ms float64) int64 {
	var n int64
	for i := len(h.counts) - 1; i >= 0 && histLowers[i] >= ms; i-- {
		n += int64(h.counts[i])
	}
	return n
}

// simFigures are one route's figures in a minute or an hour.
type simFigures struct {
	sent, delivered, failed int64
	errors                  [len(simCategories)]int64
	latency                 hist
}

func (f *simFigures) merge(o *simFigures, sign int32) {
	s := int64(sign)
	f.sent += s * o.sent
	f.delivered += s * o.delivered
	f.failed += s * o.failed
	for i := range f.errors {
		f.errors[i] += s * o.errors[i]
	}
	f.latency.merge(&o.latency, sign)
}

func (f *simFigures) figures() Figures {
	out := Figures{Sent: f.sent, Delivered: f.delivered, Failed: f.failed, Errors: map[smstrack.ErrorCategory]int64{}}
	for i, n := range f.errors {
		if n > 0 {
			out.Errors[simCategories[i]] = n
		}
	}
	if f.latency.n > 0 {
		// Not a copy: a recent window's figures are read before the
		// window slides again (the evaluator keeps only the baseline's).
		out.Latency = &f.latency
	}
	return out
}

var simCategories = [...]smstrack.ErrorCategory{smstrack.CategoryHandsetUnreachable, smstrack.CategoryNotMobileOrInvalid,
	smstrack.CategoryContentFiltered, smstrack.CategoryBlockedOrOptedOut, smstrack.CategoryUnknown}

// simCarrier is how one carrier treats messages.
type simCarrier struct {
	country, name string
	share         float64 // of all traffic
	delivery      float64
	errorMix      [len(simCategories)]float64 // weights of the failures' categories
	median        time.Duration               // sent to delivered
	sigma         float64
}

// simEffect changes a carrier's behaviour at a time: a degradation.
type simEffect func(at time.Time, c *simCarrier)

// simTraffic generates the traffic of many routes minute by minute.
type simTraffic struct {
	start    time.Time
	carriers []simCarrier
	routes   []Key
	weights  []float64 // each route's share of traffic
	carrier  []int     // each route's carrier
	peak     float64   // messages a minute at the daily peak
	effect   simEffect
	seed     uint64

	mu      sync.Mutex
	minutes map[time.Time][]simFigures // the recent minutes, by route
	hours   map[time.Time][]simFigures
	done    time.Time                    // minutes before this are generated
	windows map[time.Duration]*simWindow // the last recent-window query of each length
}

// simWindow is a recent window's figures by route, slid minute by minute.
type simWindow struct {
	from, to time.Time
	routes   []simFigures
}

func newSimTraffic(start time.Time, peak float64, seed uint64, effect simEffect) *simTraffic {
	mix := func(w ...float64) (m [len(simCategories)]float64) { copy(m[:], w); return m }
	usual := mix(35, 20, 15, 10, 20)
	carriers := []simCarrier{
		{"US", "AT&T", 0.16, 0.985, usual, 3 * time.Second, 1.1},
		{"US", "T-Mobile", 0.14, 0.98, usual, 3 * time.Second, 1.2},
		{"US", "Verizon", 0.12, 0.99, usual, 2500 * time.Millisecond, 1.0},
		{"GB", "EE", 0.12, 0.985, usual, 3 * time.Second, 1.1},
		{"GB", "Vodafone UK", 0.08, 0.98, usual, 3500 * time.Millisecond, 1.2},
		{"DE", "Telekom", 0.1, 0.985, usual, 3 * time.Second, 1.1},
		{"FR", "Orange", 0.1, 0.98, usual, 3 * time.Second, 1.2},
		{"IN", "Jio", 0.1, 0.97, mix(30, 30, 20, 5, 15), 5 * time.Second, 1.4},
		{"BR", "Vivo", 0.08, 0.97, usual, 4 * time.Second, 1.3},
	}
	providers := []struct {
		name  string
		share float64
	}{{"twilio", 0.7}, {"vonage", 0.3}}
	senders := []struct {
		name  string
		share float64
	}{{"+15550001", 0.6}, {"ACME", 0.4}}
	s := &simTraffic{start: start, carriers: carriers, peak: peak, effect: effect, seed: seed,
		minutes: map[time.Time][]simFigures{}, hours: map[time.Time][]simFigures{}, done: start, windows: map[time.Duration]*simWindow{}}
	for ci, c := range carriers {
		for _, p := range providers {
			for _, snd := range senders {
				s.routes = append(s.routes, Key{Provider: p.name, Sender: snd.name, Country: c.country, Carrier: c.name})
				s.weights = append(s.weights, c.share*p.share*snd.share)
				s.carrier = append(s.carrier, ci)
			}
		}
	}
	return s
}

// volume is the traffic a minute at time at: a daily curve from a quarter
// of the peak at night to the peak in the afternoon.
func (s *simTraffic) volume(at time.Time) float64 {
	h := float64(at.Hour()) + float64(at.Minute())/60
	return s.peak * (0.25 + 0.75*math.Pow(math.Max(0, math.Sin(math.Pi*(h-5)/18)), 2))
}

// generate makes the minutes up to (not including) to.
func (s *simTraffic) generate(to time.Time) {
	for ; s.done.Before(to); s.done = s.done.Add(time.Minute) {
		at := s.done
		r := rand.New(rand.NewPCG(s.seed, uint64(at.Unix())))
		day := uint64(at.Sub(s.start) / (24 * time.Hour))
		drift := rand.New(rand.NewPCG(s.seed^0x9e3779b9, day)) // a carrier's rate wanders a little from day to day
		carriers := make([]simCarrier, len(s.carriers))
		for i, c := range s.carriers {
			c.delivery = math.Min(0.999, c.delivery+0.003*(2*drift.Float64()-1))
			if s.effect != nil {
				s.effect(at, &c)
			}
			carriers[i] = c
		}
		figs := make([]simFigures, len(s.routes))
		vol := s.volume(at)
		for ri := range s.routes {
			c := &carriers[s.carrier[ri]]
			f := &figs[ri]
			f.sent = poisson(r, vol*s.weights[ri])
			mu := math.Log(float64(c.median.Milliseconds()))
			for range f.sent {
				if r.Float64() < c.delivery {
					f.delivered++
					f.latency.add(math.Exp(mu + c.sigma*r.NormFloat64()))
					continue
				}
				f.failed++
				f.errors[pick(r, c.errorMix[:])]++
			}
		}
		s.minutes[at] = figs
		hour := at.Truncate(time.Hour)
		hf := s.hours[hour]
		if hf == nil {
			hf = make([]simFigures, len(s.routes))
			s.hours[hour] = hf
		}
		for i := range figs {
			hf[i].merge(&figs[i], 1)
		}
		delete(s.minutes, at.Add(-2*time.Hour)) // recent windows reach back less than that
	}
}

// RouteFigures answers the Source interface: hours for the baseline,
// minutes for the recent window (kept sliding, as each evaluation moves it
// one minute on).
func (s *simTraffic) RouteFigures(_ context.Context, from, to time.Time) (map[Key]Figures, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.generate(to)
	var routes []simFigures
	if from.Truncate(time.Hour).Equal(from) && to.Sub(from) >= 2*time.Hour {
		routes = make([]simFigures, len(s.routes))
		for h := from; h.Before(to); h = h.Add(time.Hour) {
			for i := range s.hours[h] {
				routes[i].merge(&s.hours[h][i], 1)
			}
		}
	} else {
		routes = s.recent(from, to)
	}
	out := make(map[Key]Figures, len(routes))
	for i, rk := range s.routes {
		if routes[i].sent > 0 {
			out[rk] = routes[i].figures()
		}
	}
	return out, nil
}

// recent sums the minutes of [from, to) by route, sliding the previous sum.
func (s *simTraffic) recent(from, to time.Time) []simFigures {
	w := s.windows[to.Sub(from)]
	if w == nil {
		w = &simWindow{}
		s.windows[to.Sub(from)] = w
	}
	if w.routes == nil || from.Before(w.from) || from.Sub(w.from) > to.Sub(from) {
		w.routes, w.from, w.to = make([]simFigures, len(s.routes)), from, from
	}
	for ; w.from.Before(from); w.from = w.from.Add(time.Minute) {
		for i := range s.minutes[w.from] {
			w.routes[i].merge(&s.minutes[w.from][i], -1)
		}
	}
	for ; w.to.Before(to); w.to = w.to.Add(time.Minute) {
		for i := range s.minutes[w.to] {
			w.routes[i].merge(&s.minutes[w.to][i], 1)
		}
	}
	return w.routes
}

// poisson draws a Poisson count: by multiplication for small means, by
// the normal approximation for large ones.
func poisson(r *rand.Rand, mean float64) int64 {
	if mean > 50 {
		return max(0, int64(math.Round(mean+math.Sqrt(mean)*r.NormFloat64())))
	}
	limit, p, k := math.Exp(-mean), 1.0, int64(0)
	for {
		p *= r.Float64()
		if p <= limit {
			return k
		}
		k++
	}
}

func pick(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// memAlerts keeps alerts in memory for the week-long runs; the store's
// own implementation is tested against SQLite and PostgreSQL.
type memAlerts struct {
	alerts []smstrack.Alert
}

func (m *memAlerts) OpenAlert(_ context.Context, a smstrack.Alert) (*smstrack.Alert, error) {
	for _, o := range m.alerts {
		if o.State == smstrack.AlertOpen && o.Dimension == a.Dimension && o.KeyString() == a.KeyString() && o.Metric == a.Metric {
			return nil, smstrack.Errorf(smstrack.ECONFLICT, "already open")
		}
	}
	a.ID, a.State = int64(len(m.alerts)+1), smstrack.AlertOpen
	m.alerts = append(m.alerts, a)
	return &a, nil
}

func (m *memAlerts) UpdateAlert(_ context.Context, id int64, latest smstrack.AlertEvidence) error {
	m.alerts[id-1].Latest = latest
	return nil
}

func (m *memAlerts) ResolveAlert(_ context.Context, id int64, at time.Time, latest smstrack.AlertEvidence) (*smstrack.Alert, error) {
	a := &m.alerts[id-1]
	a.State, a.ResolvedAt, a.Latest = smstrack.AlertResolved, &at, latest
	out := *a
	return &out, nil
}

func (m *memAlerts) ListAlerts(_ context.Context, f smstrack.AlertFilter) ([]smstrack.Alert, string, error) {
	var out []smstrack.Alert
	for _, a := range m.alerts {
		if f.State == "" || a.State == f.State {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, "", nil
}
