package smstrack

import (
	"context"
	"time"
)

// ArchivedMedia records one attachment of a message kept in the compliance
// archive, or why it could not be.
type ArchivedMedia struct {
	MessageID   int64     `json:"-"`
	Position    int       `json:"position"` // index in Message.Media
	URL         string    `json:"url"`
	SHA256      string    `json:"sha256,omitempty"`
	ContentType string    `json:"content_type,omitempty"`
	Size        int64     `json:"size,omitempty"`
	FetchedAt   time.Time `json:"fetched_at"`
	Error       string    `json:"error,omitempty"` // the last failure; empty once archived
	Attempts    int       `json:"attempts"`
	Final       bool      `json:"-"` // no more attempts: archived, or refused for good
}

// MediaArchiveStore keeps the bookkeeping of the media archive; Store
// implements it.
type MediaArchiveStore interface {
	// RecordArchivedMedia saves the outcome of one attempt (upsert by message and position).
	RecordArchivedMedia(ctx context.Context, m ArchivedMedia) error
	// ArchivedMedia returns the records of a message's attachments.
	ArchivedMedia(ctx context.Context, messageID int64) ([]ArchivedMedia, error)
	// MediaToArchive returns messages with id above afterID, of the given
	// accounts (all when nil), that have an attachment not yet archived
	// and still to be tried, oldest first.
	MediaToArchive(ctx context.Context, accounts []string, afterID int64, limit int) ([]*Message, error)
}
