package metrics

import (
	"sync"
	"sync/atomic"
)

// resolved maps a bounded set of label values (providers, route patterns)
// to their pre-resolved metrics. Reads are one atomic load and a map
// lookup, without a lock; the rare first sight of a name copies the map.
type resolved[V any] struct {
	m  atomic.Pointer[map[string]*V]
	mu sync.Mutex // serializes copies
}

// get returns the entry of name, if any.
func (r *resolved[V]) get(name string) (*V, bool) {
	if m := r.m.Load(); m != nil {
		v, ok := (*m)[name]
		return v, ok
	}
	return nil, false
}

// add returns the entry of name, making it with create when the map holds
// fewer than limit names; ok is false when it is full.
func (r *resolved[V]) add(name string, limit int, create func() *V) (v *V, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := map[string]*V{}
	if m := r.m.Load(); m != nil {
		old = *m
	}
	if v, ok := old[name]; ok {
		return v, true
	}
	if len(old) >= limit {
		return nil, false
	}
	next := make(map[string]*V, len(old)+1)
	for k, e := range old {
		next[k] = e
	}
	v = create()
	next[name] = v
	r.m.Store(&next)
	return v, true
}
