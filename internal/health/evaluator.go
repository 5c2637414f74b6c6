package health

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/smstrack/smstrack"
)

// Alerts is what the evaluator needs of the alert store.
type Alerts interface {
	OpenAlert(ctx context.Context, a smstrack.Alert) (*smstrack.Alert, error)
	UpdateAlert(ctx context.Context, id int64, latest smstrack.AlertEvidence) error
	ResolveAlert(ctx context.Context, id int64, at time.Time, latest smstrack.AlertEvidence) (*smstrack.Alert, error)
	ListAlerts(ctx context.Context, f smstrack.AlertFilter) ([]smstrack.Alert, string, error)
}

// Evaluator runs the health tests periodically and keeps the alerts in
// step: it opens an alert after OpenAfter significant evaluations in a
// row and resolves it after ResolveAfter clear ones. It is not safe for
// concurrent use; one evaluator per database runs at a time (see Run).
type Evaluator struct {
	source Source
	alerts Alerts
	cfg    Config
	log    *slog.Logger

	streaks map[ID]*streak         // by Finding.ID
	open    map[ID]*smstrack.Alert // open alerts by Finding.ID; nil until loaded
	stale   bool                   // another evaluator changed alerts: reload them
	// findings and seen are the buffers of each evaluation.
	findings []Finding
	seen     map[ID]bool
	base     struct {
		from, to time.Time
		figures  *window
	}
}

// streak counts consecutive significant or clear evaluations.
type streak struct{ bad, good int }

// NewEvaluator returns an evaluator reading figures from source and
// keeping alerts in alerts.
func NewEvaluator(source Source, alerts Alerts, cfg Config, log *slog.Logger) (*Evaluator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Evaluator{source: source, alerts: alerts, cfg: cfg, log: log, streaks: map[ID]*streak{}}, nil
}

// Report is what one evaluation did.
type Report struct {
	Windows  Windows
	Tests    int
	Findings []Finding // the significant ones
	Opened   []smstrack.Alert
	Resolved []smstrack.Alert
	Open     int // alerts open after the evaluation
	// Closest is the smallest p-value over its corrected level among the
	// tests: how near chance came to significance (+Inf without tests).
	Closest float64
}

// Evaluate runs one evaluation as of time at.
func (e *Evaluator) Evaluate(ctx context.Context, at time.Time) (*Report, error) {
	w := e.cfg.WindowsAt(at)
	if err := e.loadOpen(ctx); err != nil {
		return nil, err
	}
	baseline, err := e.baseline(ctx, w)
	if err != nil {
		return nil, err
	}
	var recent recents
	if recent.short, err = e.figures(ctx, w.RecentFrom, w.RecentTo); err != nil {
		return nil, err
	}
	if !w.LongFrom.IsZero() {
		if recent.long, err = e.figures(ctx, w.LongFrom, w.RecentTo); err != nil {
			return nil, err
		}
	}
	e.findings = e.cfg.detect(w, baseline, recent, e.findings)
	findings := e.findings
	rep := &Report{Windows: w, Tests: len(findings), Closest: math.Inf(1)}
	if e.seen == nil {
		e.seen = map[ID]bool{}
	}
	clear(e.seen) // kept from one evaluation to the next: it is large
	seen := e.seen
	for _, f := range findings {
		id := f.ID()
		seen[id] = true
		rep.Closest = min(rep.Closest, f.Evidence.PValue/f.Evidence.Alpha)
		if f.Significant {
			rep.Findings = append(rep.Findings, f)
		}
		if err := e.step(ctx, id, f, rep); err != nil {
			return rep, err
		}
	}
	// An open alert whose metric was not among this evaluation's tests (an
	// error category gone from both windows) is tested on its own.
	alpha := e.cfg.FamilyAlpha / float64(max(1, len(findings)))
	for id, a := range e.open {
		if seen[id] {
			continue
		}
		if f, ok := e.cfg.retest(w, a, baseline, recent, alpha); ok {
			seen[id] = true
			if err := e.step(ctx, id, f, rep); err != nil {
				return rep, err
			}
		}
	}
	// What was not tested this time (too little traffic) neither opens
	// nor resolves: its run of significant evaluations is broken, an open
	// alert waits for data.
	for id, s := range e.streaks {
		if !seen[id] && e.open[id] == nil {
			s.bad = 0
		}
		if s.bad == 0 && s.good == 0 && e.open[id] == nil {
			delete(e.streaks, id)
		}
	}
	rep.Open = len(e.open)
	if e.stale {
		e.open, e.stale = nil, false
	}
	return rep, nil
}

// step moves one finding's streak on and opens or resolves its alert.
func (e *Evaluator) step(ctx context.Context, id ID, f Finding, rep *Report) error {
	s := e.streaks[id]
	if s == nil {
		s = &streak{}
		e.streaks[id] = s
	}
	switch {
	case f.Significant:
		s.bad, s.good = s.bad+1, 0
	case f.Clear:
		s.bad, s.good = 0, s.good+1
	default: // degraded, but not enough to open: no run either way
		s.bad, s.good = 0, 0
	}
	open := e.open[id]
	switch {
	case open == nil && s.bad >= e.cfg.OpenAfter:
		a := smstrack.Alert{Dimension: f.Dimension, Key: f.Key.Map(f.Dimension), Metric: f.Metric, Summary: f.Summary(),
			Evidence: f.Evidence, Latest: f.Evidence, OpenedAt: f.Evidence.EvaluatedAt}
		opened, err := e.alerts.OpenAlert(ctx, a)
		if smstrack.ErrorCode(err) == smstrack.ECONFLICT {
			e.stale = true // another evaluator opened it: reload next time
			return nil
		} else if err != nil {
			return fmt.Errorf("health: open alert: %w", err)
		}
		e.open[id] = opened
		rep.Opened = append(rep.Opened, *opened)
		e.log.Warn("health alert opened", "alert", opened.ID, "summary", opened.Summary)
	case open != nil && s.good >= e.cfg.ResolveAfter:
		resolved, err := e.alerts.ResolveAlert(ctx, open.ID, f.Evidence.EvaluatedAt, f.Evidence)
		if err != nil && smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			return fmt.Errorf("health: resolve alert: %w", err)
		}
		delete(e.open, id)
		delete(e.streaks, id)
		if resolved != nil {
			rep.Resolved = append(rep.Resolved, *resolved)
			e.log.Info("health alert resolved", "alert", resolved.ID, "summary", resolved.Summary)
		}
	case open != nil:
		if err := e.alerts.UpdateAlert(ctx, open.ID, f.Evidence); err != nil {
			return fmt.Errorf("health: update alert: %w", err)
		}
	}
	return nil
}

// loadOpen reads the open alerts when they are not known: at the start,
// and after another evaluator may have changed them.
func (e *Evaluator) loadOpen(ctx context.Context) error {
	if e.open != nil {
		return nil
	}
	open := map[ID]*smstrack.Alert{}
	f := smstrack.AlertFilter{State: smstrack.AlertOpen, Limit: smstrack.MaxPageSize}
	for {
		page, next, err := e.alerts.ListAlerts(ctx, f)
		if err != nil {
			return fmt.Errorf("health: load open alerts: %w", err)
		}
		for i := range page {
			a := &page[i]
			open[ID{a.Dimension, KeyFromMap(a.Key), a.Metric}] = a
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	e.open = open
	return nil
}

// Reset forgets the streaks and the open alerts, as when another instance
// took over evaluating and may have changed them.
func (e *Evaluator) Reset() {
	e.open = nil
	clear(e.streaks)
}

// baseline returns the baseline's figures, read once per baseline window:
// it moves only at midnight.
func (e *Evaluator) baseline(ctx context.Context, w Windows) (*window, error) {
	if e.base.figures != nil && e.base.from.Equal(w.BaselineFrom) && e.base.to.Equal(w.BaselineTo) {
		return e.base.figures, nil
	}
	figs, err := e.figures(ctx, w.BaselineFrom, w.BaselineTo)
	if err != nil {
		return nil, err
	}
	e.base.from, e.base.to, e.base.figures = w.BaselineFrom, w.BaselineTo, figs
	return figs, nil
}

func (e *Evaluator) figures(ctx context.Context, from, to time.Time) (*window, error) {
	routes, err := e.source.RouteFigures(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("health: figures: %w", err)
	}
	return newWindow(routes), nil
}

// Leaser settles which instance runs a periodic job; the store implements it.
type Leaser interface {
	ClaimLease(ctx context.Context, name, holder string, until time.Time) (bool, error)
}

// LeaseName is the lease the evaluators of instances sharing a database
// compete for.
const LeaseName = "health-evaluator"

// Run evaluates every cfg.Every until ctx ends, while holder holds the
// evaluator's lease: with several instances on one database, one evaluates
// and the others stand by, taking over once its lease runs out, or at
// once when it stops (it gives the lease up).
func (e *Evaluator) Run(ctx context.Context, leaser Leaser, holder string) {
	tick := time.NewTicker(e.cfg.Every)
	defer tick.Stop()
	held := false
	// A claim is never cut short by ctx: a renewal still running when the
	// release below is made could land after it and keep the lease.
	claim := func(until time.Time) (bool, error) {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.lease())
		defer cancel()
		return leaser.ClaimLease(c, LeaseName, holder, until)
	}
	defer func() {
		if held {
			claim(time.Now().Add(-time.Second))
		}
	}()
	for {
		now := time.Now()
		ok, err := claim(now.Add(e.cfg.lease()))
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			e.log.Error("health: claiming the evaluator's lease failed", "err", err)
		case !ok:
			if held {
				e.log.Info("health: another instance evaluates now")
			}
		default:
			if !held {
				e.log.Info("health: this instance evaluates")
				e.Reset() // another instance may have changed the alerts meanwhile
			}
			start := time.Now()
			rep, err := e.Evaluate(ctx, now)
			if err != nil && !errors.Is(err, context.Canceled) {
				e.log.Error("health evaluation failed", "err", err)
			} else if rep != nil {
				e.log.Debug("health evaluated", "tests", rep.Tests, "significant", len(rep.Findings), "opened", len(rep.Opened),
					"resolved", len(rep.Resolved), "open", rep.Open, "took", time.Since(start).String())
			}
		}
		held = err == nil && ok
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
