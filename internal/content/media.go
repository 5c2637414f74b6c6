package content

import (
	"mime"
	"strings"
	"unicode/utf8"
)

// Limits Twilio documents for MMS.
const (
	// MaxBodyCharacters is the longest body Twilio accepts in one message.
	MaxBodyCharacters = 1600
	// MaxMediaItems is the most media attachments one message may carry.
	MaxMediaItems = 10
	// MaxMediaBytes is the total media size Twilio accepts per message.
	MaxMediaBytes = 5 * 1024 * 1024
)

// Media is one attachment of an outgoing message.
type Media struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	// Size is in bytes; zero means unknown.
	Size int64 `json:"size"`
}

// MediaReport sums up a message's attachments and what may stop it.
type MediaReport struct {
	// MMS is true when the message has media and so goes as MMS, where
	// segment counts do not apply.
	MMS          bool     `json:"mms"`
	MediaCount   int      `json:"media_count"`
	ContentTypes []string `json:"content_types"`
	// TotalSize adds the known sizes; SizeKnown is false when any
	// attachment's size is unknown.
	TotalSize int64 `json:"total_size"`
	SizeKnown bool  `json:"size_known"`
	// BodyCharacters counts the body's code points, which is what the
	// 1600-character limit is checked against.
	BodyCharacters int  `json:"body_characters"`
	BodyTooLong    bool `json:"body_too_long"`
	// Warnings explain, one per line, what may be rejected or degraded.
	Warnings []string `json:"warnings"`
}

// Media kinds by how well carriers take them. Twilio resizes JPEG, PNG and
// GIF for each carrier; other types are passed through as they are, and
// carriers often drop or refuse them.
const (
	mediaSupported = iota + 1
	mediaAccepted
	mediaRefused
)

// mediaKinds maps a lowercased content type to its kind; types not listed
// fall back to their top-level type in mediaKindOf.
var mediaKinds = map[string]int{
	"image/jpeg": mediaSupported,
	"image/jpg":  mediaSupported,
	"image/png":  mediaSupported,
	"image/gif":  mediaSupported,

	"image/bmp":           mediaAccepted,
	"image/tiff":          mediaAccepted,
	"image/webp":          mediaAccepted,
	"text/vcard":          mediaAccepted,
	"text/x-vcard":        mediaAccepted,
	"text/directory":      mediaAccepted,
	"text/calendar":       mediaAccepted,
	"text/plain":          mediaAccepted,
	"text/csv":            mediaAccepted,
	"text/rtf":            mediaAccepted,
	"application/pdf":     mediaAccepted,
	"application/vcard":   mediaAccepted,
	"application/rtf":     mediaAccepted,
	"application/ogg":     mediaAccepted,
	"application/msword":  mediaAccepted,
	"application/smil":    mediaAccepted,
	"image/heic":          mediaRefused, // rarely decodable on the receiving side
	"image/heif":          mediaRefused,
	"image/svg+xml":       mediaRefused, // scripts make it a security risk; filtered widely
	"application/zip":     mediaRefused,
	"application/x-tar":   mediaRefused,
	"application/gzip":    mediaRefused,
	"application/json":    mediaRefused,
	"application/x-msdos": mediaRefused,
	"text/html":           mediaRefused,
}

// mediaKindOf classifies a content type, ignoring parameters and case.
func mediaKindOf(contentType string) int {
	t, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return mediaRefused
	}
	if k, ok := mediaKinds[t]; ok {
		return k
	}
	switch {
	case strings.HasPrefix(t, "audio/"), strings.HasPrefix(t, "video/"):
		return mediaAccepted
	case strings.HasPrefix(t, "image/"):
		return mediaAccepted
	}
	return mediaRefused
}

// AnalyzeMedia checks an MMS: counts and sizes its media, and warns about a
// body over MaxBodyCharacters, too many or too large attachments, and content
// types that carriers commonly refuse or may not deliver.
func AnalyzeMedia(body string, media []Media) MediaReport {
	r := MediaReport{
		MMS:            len(media) > 0,
		MediaCount:     len(media),
		SizeKnown:      true,
		BodyCharacters: utf8.RuneCountInString(body),
	}
	if r.BodyCharacters > MaxBodyCharacters {
		r.BodyTooLong = true
		r.Warnings = append(r.Warnings, "body is over 1600 characters")
	}
	if len(media) > MaxMediaItems {
		r.Warnings = append(r.Warnings, "more than 10 media items")
	}
	for _, m := range media {
		ct := strings.ToLower(strings.TrimSpace(m.ContentType))
		r.ContentTypes = append(r.ContentTypes, ct)
		if m.Size > 0 {
			r.TotalSize += m.Size
		} else {
			r.SizeKnown = false
		}
		switch {
		case ct == "":
			r.Warnings = append(r.Warnings, "media "+m.URL+" has no content type")
		case mediaKindOf(ct) == mediaAccepted:
			r.Warnings = append(r.Warnings, ct+" may not be delivered by every carrier")
		case mediaKindOf(ct) == mediaRefused:
			r.Warnings = append(r.Warnings, ct+" is commonly refused by carriers")
		}
	}
	if r.TotalSize > MaxMediaBytes {
		r.Warnings = append(r.Warnings, "media total is over 5 MB")
	}
	return r
}
