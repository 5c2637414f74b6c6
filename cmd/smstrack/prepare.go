package main

import (
	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/content"
)

// prepareEvent runs on each event before it is queued for commit, on the
// request's goroutine: it adds the content analysis of a body the event
// carries. A segment count the provider reported is kept, being the truth.
func prepareEvent(ev *smstrack.EventInput) {
	if ev.Facts.Body == nil || ev.Facts.Encoding != "" {
		return
	}
	a := content.Analyze(*ev.Facts.Body)
	ev.Facts.Encoding = a.Encoding
	if ev.Facts.Segments == 0 {
		ev.Facts.Segments = a.Segments
	}
}
