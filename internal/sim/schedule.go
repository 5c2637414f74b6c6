package sim

import (
	"container/heap"
	"time"
)

// The network plays every message's plan with a fixed set of goroutines:
// one scheduler holding the messages in order of their next step's time,
// and Workers workers that take each due step, carry it out (mostly an
// HTTP request) and hand the message back for its next step. A message
// has one step under way at most, so its steps keep their planned order;
// the tracker sees at most Workers requests at once, over connections that
// stay open, as from Twilio's own senders.

// run is a message playing its plan: the step it is at, and when the
// recipient learnt of the delivery (simulated time; zero before).
type run struct {
	m           *message
	pl          plan
	next        int
	at          time.Time // when steps[next] is due, simulated
	deliveredAt time.Time
}

// due is the scheduler's queue: runs by the time of their next step.
type due []*run

func (q due) Len() int           { return len(q) }
func (q due) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q due) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *due) Push(x any)        { *q = append(*q, x.(*run)) }
func (q *due) Pop() any {
	old := *q
	r := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return r
}

// schedule queues r for its next step, or ends it after its last, or
// when the network is closed.
func (n *Network) schedule(r *run) {
	if r.next >= len(r.pl.steps) {
		n.wg.Done()
		return
	}
	s := r.pl.steps[r.next]
	r.at = s.at
	if s.visit != nil && s.visit.human && !r.deliveredAt.IsZero() {
		// However compressed the time, a person clicks no sooner than
		// humanFloor of real time after the delivery.
		r.at = maxTime(r.at, r.deliveredAt.Add(time.Duration(float64(humanFloor)*n.cfg.Speed)))
	}
	n.qmu.Lock()
	if n.ctx.Err() != nil {
		n.qmu.Unlock()
		n.wg.Done()
		return
	}
	heap.Push(&n.queue, r)
	first := n.queue[0] == r
	n.qmu.Unlock()
	if first {
		select {
		case n.wake <- struct{}{}:
		default:
		}
	}
}

// runScheduler hands due steps to the workers until Close, then ends the
// runs still queued.
func (n *Network) runScheduler() {
	defer func() {
		n.qmu.Lock()
		for range n.queue {
			n.wg.Done()
		}
		n.queue = nil
		n.qmu.Unlock()
		close(n.work)
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		n.qmu.Lock()
		var wait time.Duration = -1
		var r *run
		if len(n.queue) > 0 {
			if d := time.Duration(float64(n.queue[0].at.Sub(n.now())) / n.cfg.Speed); d > 0 {
				wait = d
			} else {
				r = heap.Pop(&n.queue).(*run)
			}
		}
		n.qmu.Unlock()
		if r != nil {
			select {
			case n.work <- r:
			case <-n.ctx.Done():
				n.wg.Done()
				return
			}
			continue
		}
		var tick <-chan time.Time
		if wait >= 0 {
			timer.Reset(wait)
			tick = timer.C
		}
		select {
		case <-n.ctx.Done():
			return
		case <-n.wake:
		case <-tick:
		}
		if wait >= 0 && !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// runWorker carries out due steps until the scheduler stops.
func (n *Network) runWorker() {
	for r := range n.work {
		n.step(r)
		r.next++
		n.schedule(r)
	}
}

// step carries out the step a run is at.
func (n *Network) step(r *run) {
	m, s := r.m, r.pl.steps[r.next]
	switch {
	case s.reply != "":
		n.postReply(m, s.reply)
		return
	case s.visit != nil:
		n.open(s.visit)
		return
	case s.confirm:
		n.confirm(m)
		return
	}
	c := r.pl.changes[s.change]
	if !s.post {
		n.mu.Lock()
		m.status, m.errorCode, m.updated = c.status, c.code, s.at
		if c.status == "sent" {
			m.sent = s.at
		}
		n.mu.Unlock()
		return
	}
	if m.callback != "" {
		n.post(m, c)
	}
	if c.status == "delivered" && r.deliveredAt.IsZero() {
		r.deliveredAt = n.now() // the tracker knows of the delivery from now
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
