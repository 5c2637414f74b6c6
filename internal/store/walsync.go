package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"
)

// walSyncer makes SQLite commits durable outside the write lock. The writer
// runs with synchronous=NORMAL, so a commit only writes its frames to the
// write-ahead log; the fsync that makes them durable happens here, after the
// transaction has released the database. The next batch's SQL then overlaps
// this batch's fsync, and one fsync covers every commit made before it
// started. Callers acknowledge nothing before sync returns, so the promise
// is the same as synchronous=FULL: what was acknowledged is on disk.
type walSyncer struct {
	path string

	mu        sync.Mutex // held during an fsync
	f         *os.File
	committed uint64              // commits made, counted by commit()
	synced    uint64              // commits known durable
	onSync    func(time.Duration) // told of each fsync's time; guarded by mu
	countMu   sync.Mutex
}

func newWALSyncer(dbPath string) *walSyncer { return &walSyncer{path: dbPath + "-wal"} }

// commit counts a commit that has just returned and returns its number.
func (w *walSyncer) commit() uint64 {
	w.countMu.Lock()
	defer w.countMu.Unlock()
	w.committed++
	return w.committed
}

// sync returns once commit n is durable.
func (w *walSyncer) sync(n uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.synced >= n {
		return nil // an fsync that started after commit n covered it
	}
	w.countMu.Lock()
	target := w.committed
	w.countMu.Unlock()
	if err := w.open(); err != nil {
		return err
	}
	start := time.Now()
	err := w.f.Sync()
	if w.onSync != nil {
		w.onSync(time.Since(start))
	}
	if err != nil {
		w.f.Close()
		w.f = nil
		return fmt.Errorf("store: sync write-ahead log: %w", err)
	}
	w.synced = target
	return nil
}

// open (re)opens the log file when it is not open or SQLite replaced it.
func (w *walSyncer) open() error {
	st, err := os.Stat(w.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nothing written since the last checkpoint removed it
	} else if err != nil {
		return fmt.Errorf("store: write-ahead log: %w", err)
	}
	if w.f != nil {
		if cur, err := w.f.Stat(); err == nil && sameFile(cur, st) {
			return nil
		}
		w.f.Close()
		w.f = nil
	}
	f, err := os.Open(w.path)
	if err != nil {
		return fmt.Errorf("store: open write-ahead log: %w", err)
	}
	w.f = f
	return nil
}

func sameFile(a, b fs.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	return ok1 && ok2 && sa.Ino == sb.Ino && sa.Dev == sb.Dev
}

func (w *walSyncer) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}
