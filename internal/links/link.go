package links

import (
	"github.com/smstrack/smstrack"

	"context"
	"time"
)

// Link is one tracked link: a short code standing for a stored URL,
// optionally tied to the message that carries it.
type Link struct {
	ID        int64     `json:"-"`
	Code      string    `json:"code"`
	URL       string    `json:"url"`
	MessageID int64     `json:"message_id,omitempty"` // 0: not tied to a message
	Position  int       `json:"position,omitempty"`   // 1-based order in the message body; 0 for links made alone
	CreatedAt time.Time `json:"created_at"`
	// DeliveredAt is when the link's message was reported delivered; zero
	// when unknown. Filled by ResolveLink, for telling previews apart.
	DeliveredAt time.Time `json:"-"`
}

// Visit is one request for a link: a click by a person or a preview fetch.
type Visit struct {
	LinkID    int64
	At        time.Time
	UserAgent string
	IPHash    string // salted SHA-256 of the client address, hex
	Preview   bool
	// Click, when set, is the clicked action recorded in the same
	// transaction if the visit is this person's first click on the link:
	// one write, and never a visit without its action or the reverse.
	Click *smstrack.Action
}

// Stats is a link with what its visits add up to.
type Stats struct {
	Link
	Clicks       int        `json:"clicks"`        // every visit by a person
	UniqueClicks int        `json:"unique_clicks"` // distinct address hash + user agent among clicks
	Previews     int        `json:"previews"`      // visits by preview fetchers
	LastClickAt  *time.Time `json:"last_click_at,omitempty"`
}

// Store keeps links and their visits; internal/store implements it.
type Store interface {
	// CreateLink stores a link under its code and returns it with its id;
	// ECONFLICT when the code is taken, so the caller draws another.
	CreateLink(ctx context.Context, l Link) (*Link, error)
	// AttachLinks ties links not yet tied to a message to messageID.
	AttachLinks(ctx context.Context, messageID int64, codes []string) error
	// ResolveLink returns the link with this code, with its message's
	// delivery time, or ENOTFOUND.
	ResolveLink(ctx context.Context, code string) (*Link, error)
	// RecordVisit stores a visit and reports whether it is the first
	// click of this link by that address hash and user agent.
	RecordVisit(ctx context.Context, v Visit) (firstClick bool, err error)
	// LinkStats returns a link with its counts, or ENOTFOUND.
	LinkStats(ctx context.Context, code string) (*Stats, error)
	// MessageLinks returns the links of a message with their counts, in
	// body order.
	MessageLinks(ctx context.Context, messageID int64) ([]Stats, error)
	// LinkSalt returns the salt of client address hashes, generating and
	// storing it the first time.
	LinkSalt(ctx context.Context) ([]byte, error)
}
