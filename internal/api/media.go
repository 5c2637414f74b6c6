package api

import (
	"errors"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/archive"
)

// archivedMedia serves an attachment from the compliance archive. The bytes
// came from outside, so they go out with their checked type, never sniffed,
// and anything but an image as a download.
func (s *Server) archivedMedia(w http.ResponseWriter, r *http.Request) {
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	pos, err2 := strconv.Atoi(r.PathValue("position"))
	if err1 != nil || err2 != nil {
		writeError(w, smstrack.Errorf(smstrack.ENOTFOUND, "no such attachment"))
		return
	}
	if s.opts.Media == nil {
		writeError(w, smstrack.Errorf(smstrack.ENOTFOUND, "the media archive is off (SMSTRACK_MEDIA_ARCHIVE)"))
		return
	}
	records, err := s.store.ArchivedMedia(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rec *smstrack.ArchivedMedia
	for i := range records {
		if records[i].Position == pos {
			rec = &records[i]
		}
	}
	if rec == nil || rec.SHA256 == "" {
		writeError(w, smstrack.Errorf(smstrack.ENOTFOUND, "attachment %d of message %d is not archived", pos, id))
		return
	}
	f, item, err := s.opts.Media.Open(rec.SHA256)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, archive.ErrInvalidHash) {
		writeError(w, smstrack.Errorf(smstrack.ENOTFOUND, "attachment %d of message %d is not in this instance's archive", pos, id))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", item.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	if !strings.HasPrefix(item.ContentType, "image/") {
		w.Header().Set("Content-Disposition", `attachment; filename="`+item.SHA256[:16]+`"`)
	}
	http.ServeContent(w, r, "", rec.FetchedAt, f)
}
