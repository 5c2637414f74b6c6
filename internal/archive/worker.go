package archive

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/smstrack/smstrack"
)

// Worker archives the attachments of messages in the background. Newly
// committed messages are handed to it by Notify; a sweep at start and every
// few minutes picks up whatever a restart or a failure left behind, so no
// attachment of an enabled account is forgotten.
type Worker struct {
	Archive *Archive
	Store   smstrack.MediaArchiveStore
	// Accounts lists the accounts whose media is archived; nil means all.
	Accounts []string
	// Credentials returns how to authenticate to a provider's media URLs.
	Credentials func(provider, account string) Credentials
	Log         *slog.Logger

	queue chan *smstrack.Message
}

// sweepEvery is how often the worker looks for attachments left to archive.
const sweepEvery = 5 * time.Minute

// Enabled reports whether account's media is archived.
func (w *Worker) Enabled(account string) bool {
	if w.Accounts == nil {
		return true
	}
	for _, a := range w.Accounts {
		if a == account {
			return true
		}
	}
	return false
}

// Notify hands a committed message with attachments to the worker. It never
// blocks: when the queue is full the next sweep takes the message.
func (w *Worker) Notify(m *smstrack.Message) {
	if len(m.Media) == 0 || !w.Enabled(m.Account) {
		return
	}
	select {
	case w.queue <- m:
	default:
	}
}

// Start runs the worker in the background until ctx ends.
func (w *Worker) Start(ctx context.Context) {
	w.queue = make(chan *smstrack.Message, 1024)
	go w.run(ctx)
}

func (w *Worker) run(ctx context.Context) {
	w.sweep(ctx)
	tick := time.NewTicker(sweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-w.queue:
			w.archiveMessage(ctx, m)
		case <-tick.C:
			w.sweep(ctx)
		}
	}
}

// sweep archives every message the store says still has work.
func (w *Worker) sweep(ctx context.Context) {
	var after int64
	for ctx.Err() == nil {
		list, err := w.Store.MediaToArchive(ctx, w.Accounts, after, 100)
		if err != nil {
			if ctx.Err() == nil {
				w.Log.Error("media archive: sweep", "err", err)
			}
			return
		}
		for _, m := range list {
			w.archiveMessage(ctx, m)
			after = m.ID
		}
		if len(list) < 100 {
			return
		}
	}
}

// archiveMessage fetches the attachments of m not archived yet.
func (w *Worker) archiveMessage(ctx context.Context, m *smstrack.Message) {
	done, err := w.Store.ArchivedMedia(ctx, m.ID)
	if err != nil {
		w.Log.Error("media archive: read records", "message", m.ID, "err", err)
		return
	}
	previous := map[int]smstrack.ArchivedMedia{}
	for _, r := range done {
		previous[r.Position] = r
	}
	var cred Credentials
	if w.Credentials != nil {
		cred = w.Credentials(m.Provider, m.Account)
	}
	for i, media := range m.Media {
		prev, seen := previous[i]
		if seen && prev.Final {
			continue
		}
		rec := smstrack.ArchivedMedia{MessageID: m.ID, Position: i, URL: media.URL, FetchedAt: time.Now().UTC(), Attempts: prev.Attempts + 1}
		item, err := w.Archive.Fetch(ctx, media.URL, cred)
		switch {
		case err == nil:
			rec.SHA256, rec.ContentType, rec.Size, rec.Final = item.SHA256, item.ContentType, item.Size, true
		case ctx.Err() != nil:
			return // shutting down: the next start's sweep tries again
		default:
			rec.Error = err.Error()
			// Refusals by our own rules will not change on retry.
			rec.Final = errors.Is(err, ErrTooLarge) || errors.Is(err, ErrTypeNotAllowed)
			w.Log.Warn("media archive: fetch failed", "message", m.ID, "position", i, "attempt", rec.Attempts, "err", err)
		}
		if err := w.Store.RecordArchivedMedia(ctx, rec); err != nil && ctx.Err() == nil {
			w.Log.Error("media archive: record", "message", m.ID, "err", err)
		}
	}
}
