package links

import (
	"context"
	"fmt"
	"time"

	"github.com/smstrack/smstrack"
)

// codeAttempts bounds the draws of a code that keep hitting taken ones; at
// 59.5 bits a second draw is already astronomically rare.
const codeAttempts = 5

// Create stores a new link to target under a fresh code, drawing again
// when the unique index says the code is taken.
func Create(ctx context.Context, s Store, target string, messageID int64, position int) (*Link, error) {
	if !ValidTarget(target) {
		return nil, smstrack.FieldError("url", "url must be an absolute http or https URL")
	}
	for range codeAttempts {
		code, err := NewCode()
		if err != nil {
			return nil, err
		}
		l, err := s.CreateLink(ctx, Link{Code: code, URL: target, MessageID: messageID, Position: position, CreatedAt: time.Now().UTC()})
		if smstrack.ErrorCode(err) == smstrack.ECONFLICT {
			continue
		}
		return l, err
	}
	return nil, fmt.Errorf("links: no free code after %d attempts", codeAttempts)
}

// TrackBody replaces every URL of body with a new short link under base and
// returns the new body and the links, in body order, not yet tied to a
// message (AttachLinks does that once the message exists).
func TrackBody(ctx context.Context, s Store, base, body string) (string, []*Link, error) {
	var made []*Link
	var err error
	out, _ := Rewrite(body, func(i int, u string) string {
		if err != nil {
			return u
		}
		var l *Link
		if l, err = Create(ctx, s, u, 0, i+1); err != nil {
			return u
		}
		made = append(made, l)
		return ShortURL(base, l.Code)
	})
	if err != nil {
		return "", nil, err
	}
	return out, made, nil
}
