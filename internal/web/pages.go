package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
)

// The data pages (overview, messages, conversations, links, errors,
// alerts, routing) share these template functions and helpers; render.go
// adds dataFuncs to every page's templates.
var dataFuncs = template.FuncMap{
	"statusClass": statusClass,
	"num":         formatCount,
	"pct":         formatShare,
	"ms":          formatMillis,
	"dur":         formatDuration,
	"excerpt":     excerpt,
	"errorInfo":   smstrack.ExplainError,
	"dash":        dash,
	"arrow":       directionArrow,
	"rangeLink":   rangeLink,
	"alertValue":  alertValue,
	"candidates":  candidates,
}

// statusClass is the badge class of a status: ok for the delivered
// ones, bad for failures, warn for those still on their way.
func statusClass(s smstrack.Status) string {
	switch s {
	case smstrack.StatusDelivered, smstrack.StatusRead, smstrack.StatusReceived:
		return "ok"
	case smstrack.StatusFailed, smstrack.StatusUndelivered, smstrack.StatusCanceled:
		return "bad"
	case smstrack.StatusPartiallyDelivered:
		return "warn"
	}
	return ""
}

// formatCount writes a count with thousands separators: 1,234,567.
func formatCount(v any) string {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	default:
		return fmt.Sprint(v)
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatShare writes a share in [0, 1] as a percentage; "—" for nil or NaN.
func formatShare(v any) string {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case *float64:
		if x == nil {
			return "—"
		}
		f = *x
	default:
		return fmt.Sprint(v)
	}
	if math.IsNaN(f) {
		return "—"
	}
	if f > 0 && f < 0.001 {
		return "<0.1 %"
	}
	return strconv.FormatFloat(f*100, 'f', 1, 64) + " %"
}

// formatMillis writes milliseconds for people: 850 ms, 4.2 s, 3 min 5 s.
func formatMillis(v any) string {
	switch x := v.(type) {
	case *float64:
		if x == nil {
			return "—"
		}
		return formatDuration(time.Duration(*x * float64(time.Millisecond)))
	case float64:
		return formatDuration(time.Duration(x * float64(time.Millisecond)))
	case int64:
		return formatDuration(time.Duration(x) * time.Millisecond)
	}
	return fmt.Sprint(v)
}

// formatDuration writes a duration for people, to two units at most.
func formatDuration(v any) string {
	var d time.Duration
	switch x := v.(type) {
	case time.Duration:
		d = x
	case *time.Duration:
		if x == nil {
			return "—"
		}
		d = *x
	default:
		return fmt.Sprint(v)
	}
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	switch {
	case d < time.Second:
		return sign + strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	case d < time.Minute:
		return sign + strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	case d < time.Hour:
		return fmt.Sprintf("%s%d min %d s", sign, int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%s%d h %d min", sign, int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%s%d days %d h", sign, int(d.Hours()/24), int(d.Hours())%24)
}

// excerptLength is how many characters of a body a list shows.
const excerptLength = 80

// excerpt is the start of a body, on one line; "" for an unknown body.
func excerpt(body *string) string {
	if body == nil {
		return ""
	}
	s := strings.Join(strings.Fields(*body), " ")
	if utf8.RuneCountInString(s) <= excerptLength {
		return s
	}
	r := []rune(s)
	return string(r[:excerptLength-1]) + "…"
}

// dash writes "—" for an empty value.
func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// directionArrow is a direction as a short word with an arrow.
func directionArrow(d smstrack.Direction) string {
	switch d {
	case smstrack.Outbound:
		return "→ out"
	case smstrack.Inbound:
		return "← in"
	}
	return "—"
}

// pageURL is path with the query q, without empty values.
func pageURL(path string, q url.Values) string {
	clean := url.Values{}
	for k, vs := range q {
		for _, v := range vs {
			if v != "" {
				clean.Add(k, v)
			}
		}
	}
	if len(clean) == 0 {
		return path
	}
	return path + "?" + clean.Encode()
}

// withParam is path with the query q and one parameter more (or
// changed): the link to a list's next page.
func withParam(path string, q url.Values, name, value string) string {
	next := url.Values{name: {value}}
	for k, v := range q {
		if k != name {
			next[k] = v
		}
	}
	return pageURL(path, next)
}

// answered reports whether err was answered: a mistake in the page's
// filters (EINVALID) shows page name again, with the form as typed and
// what is wrong (400); any other error is fail's.
func (s *Server) answered(w http.ResponseWriter, r *http.Request, name, title string, err error, data any) bool {
	switch {
	case err == nil:
		return false
	case smstrack.ErrorCode(err) == smstrack.EINVALID:
		s.render(w, r, http.StatusBadRequest, name, view{Title: title, Error: smstrack.ErrorMessage(err), Data: data})
	default:
		s.fail(w, r, err)
	}
	return true
}

// rollupNotice sorts out an error of reading the rollups: the notice to
// show instead of the figures when they are unavailable (off, or a store
// without them). ok is false when the error was answered.
func (s *Server) rollupNotice(w http.ResponseWriter, r *http.Request, err error) (notice string, ok bool) {
	switch smstrack.ErrorCode(err) {
	case "":
		return "", true
	case smstrack.EUNAVAILABLE:
		return smstrack.ErrorMessage(err), true
	}
	s.fail(w, r, err)
	return "", false
}

// checkParams refuses query parameters a page does not read, so a typo
// never silently widens what is shown.
func checkParams(q url.Values, known ...string) error {
	for k := range q {
		if !slices.Contains(known, k) {
			return smstrack.FieldError(k, "unknown filter %q: use %s", k, strings.Join(known, ", "))
		}
	}
	return nil
}

// localTimeLayout is how a datetime-local field writes a time.
const localTimeLayout = "2006-01-02T15:04"

// parseWhen reads a time typed in a filter, in UTC: a date (2026-01-02),
// a date and time as a browser's datetime-local field sends it
// (2026-01-02T15:04), or RFC 3339.
func parseWhen(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02", localTimeLayout, "2006-01-02T15:04:05", time.RFC3339Nano} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, smstrack.FieldError(field, "%s must be a date such as 2026-01-02 or a time such as 2026-01-02T15:04 (UTC)", field)
}
