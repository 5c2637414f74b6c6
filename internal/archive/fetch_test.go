package archive

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestFetchWithBasicAuth(t *testing.T) {
	body := media(jpegHead, 1, 2000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != testSid || pass != testToken {
			http.Error(w, `{"code":20003,"message":"Authenticate"}`, http.StatusUnauthorized)
			return
		}
		if got, want := r.Header.Get("User-Agent"), DefaultUserAgent; got != want {
			t.Errorf("User-Agent = %q, want %q", got, want)
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	a, _ := newTestArchive(t, Options{})
	url := srv.URL + "/2010-04-01/Accounts/" + testSid + "/Messages/MM1/Media/ME1"

	item, err := a.Fetch(context.Background(), url, testCred)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	want := Item{SHA256: hashOf(body), ContentType: "image/jpeg", Size: int64(len(body))}
	if item != want {
		t.Errorf("Fetch = %+v, want %+v", item, want)
	}
	if !a.Has(item.SHA256) {
		t.Errorf("Has(%s) = false after Fetch", item.SHA256)
	}
	assertStored(t, a, item, body)

	t.Run("without credentials", func(t *testing.T) {
		_, err := a.Fetch(context.Background(), url, Credentials{})
		var fe *FetchError
		if !errors.As(err, &fe) || fe.StatusCode != http.StatusUnauthorized {
			t.Fatalf("Fetch without credentials: err = %v, want a FetchError with status 401", err)
		}
	})
}

// authRecorder is a storage host that records the credentials and referrers
// it was sent.
type authRecorder struct {
	*httptest.Server
	mu       sync.Mutex
	auth     []string
	referers []string
}

// newStorageHost starts a server that records each request's Authorization
// header and answers with body as image/jpeg.
func newStorageHost(t *testing.T, body []byte) *authRecorder {
	t.Helper()
	rec := &authRecorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.auth = append(rec.auth, r.Header.Get("Authorization"))
		rec.referers = append(rec.referers, r.Header.Get("Referer"))
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(body)
	}))
	t.Cleanup(rec.Close)
	return rec
}

// newAPIHost starts a server that, like api.twilio.com, checks credentials
// and redirects to target.
func newAPIHost(t *testing.T, target string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, pass, ok := r.BasicAuth(); !ok || user != testSid || pass != testToken {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchRedirectToOtherHostDropsCredentials(t *testing.T) {
	body := media(jpegHead, 2, 500)
	storage := newStorageHost(t, body)
	api := newAPIHost(t, storage.URL+"/media/abc?X-Amz-Signature=secret")
	a, _ := newTestArchive(t, Options{})

	item, err := a.Fetch(context.Background(), api.URL+"/Media/ME1", testCred)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	assertStored(t, a, item, body)
	storage.mu.Lock()
	defer storage.mu.Unlock()
	if len(storage.auth) != 1 {
		t.Fatalf("storage host got %d requests, want 1", len(storage.auth))
	}
	if got := storage.auth[0]; got != "" {
		t.Errorf("storage host got Authorization %q, want none", got)
	}
	if got := storage.referers[0]; got != "" {
		t.Errorf("storage host got Referer %q, want none", got)
	}
}

// TestStdlibForwardsCredentialsAcrossPorts is the control for the test
// above: it shows that Go's client alone does send the credentials to the
// second server (same IP, other port), so that test would catch a leak and
// the archive's own redirect policy is needed. If a Go release starts
// stripping them here, this test fails and can go; the policy stays harmless.
func TestStdlibForwardsCredentialsAcrossPorts(t *testing.T) {
	storage := newStorageHost(t, media(jpegHead, 3, 10))
	api := newAPIHost(t, storage.URL+"/media/abc")
	req, err := http.NewRequest(http.MethodGet, api.URL+"/Media/ME1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(testSid, testToken)
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	resp.Body.Close()
	storage.mu.Lock()
	defer storage.mu.Unlock()
	if len(storage.auth) != 1 || storage.auth[0] == "" {
		t.Errorf("storage host got Authorization %q; want the credentials, which Go forwards between ports of one host", storage.auth)
	}
}

func TestFetchRedirectSameOriginKeepsCredentials(t *testing.T) {
	body := media(jpegHead, 4, 300)
	mux := http.NewServeMux()
	mux.HandleFunc("/first", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/second", http.StatusFound)
	})
	mux.HandleFunc("/second", func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := r.BasicAuth(); !ok {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	a, _ := newTestArchive(t, Options{})

	item, err := a.Fetch(context.Background(), srv.URL+"/first", testCred)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	assertStored(t, a, item, body)
}

func TestFetchRedirectBackDoesNotRestoreCredentials(t *testing.T) {
	// The origin redirects to another host, which sends us back: that second
	// visit was chosen by a host we do not trust with the credentials, so it
	// goes without them, as Go's own client does.
	body := media(jpegHead, 5, 300)
	var mu sync.Mutex
	var backAuth []string
	origin := http.NewServeMux()
	originSrv := httptest.NewServer(origin)
	t.Cleanup(originSrv.Close)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, originSrv.URL+"/back", http.StatusFound)
	}))
	t.Cleanup(other.Close)
	origin.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/bounce", http.StatusFound)
	})
	origin.HandleFunc("/back", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		backAuth = append(backAuth, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(body)
	})
	a, _ := newTestArchive(t, Options{})

	if _, err := a.Fetch(context.Background(), originSrv.URL+"/start", testCred); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(backAuth) != 1 || backAuth[0] != "" {
		t.Errorf("origin got Authorization %q on the way back, want none", backAuth)
	}
}

func TestFetchRedirectLimit(t *testing.T) {
	body := media(jpegHead, 6, 100)
	var mu sync.Mutex
	requests := 0
	// /hop/n redirects to /hop/n-1; /hop/0 serves the media.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	a, _ := newTestArchive(t, Options{})

	if _, err := a.Fetch(context.Background(), srv.URL+"/hop/5", Credentials{}); err != nil {
		t.Errorf("Fetch with 5 redirects: %v", err)
	}
	mu.Lock()
	requests = 0
	mu.Unlock()
	_, err := a.Fetch(context.Background(), srv.URL+"/hop/6", Credentials{})
	if !errors.Is(err, ErrFetch) {
		t.Errorf("Fetch with 6 redirects: err = %v, want ErrFetch", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got, want := requests, 6; got != want {
		t.Errorf("requests with 6 redirects = %d, want %d (the original and 5 redirects)", got, want)
	}
}

func TestFetchRefusesDowngradeToHTTP(t *testing.T) {
	storage := newStorageHost(t, media(jpegHead, 7, 10))
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, storage.URL+"/media", http.StatusFound)
	}))
	t.Cleanup(tlsSrv.Close)
	a, dir := newTestArchive(t, Options{Client: tlsSrv.Client()})

	_, err := a.Fetch(context.Background(), tlsSrv.URL+"/Media/ME1", testCred)
	if !errors.Is(err, ErrFetch) {
		t.Errorf("Fetch: err = %v, want ErrFetch", err)
	}
	storage.mu.Lock()
	defer storage.mu.Unlock()
	if len(storage.auth) != 0 {
		t.Errorf("plain-http host got %d requests, want 0", len(storage.auth))
	}
	assertEmpty(t, a, dir)
}

func TestFetchCallsClientCheckRedirect(t *testing.T) {
	storage := newStorageHost(t, media(jpegHead, 8, 10))
	api := newAPIHost(t, storage.URL+"/media")
	refused := errors.New("caller's policy")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return refused }}
	a, _ := newTestArchive(t, Options{Client: client})

	_, err := a.Fetch(context.Background(), api.URL, testCred)
	if !errors.Is(err, refused) {
		t.Errorf("Fetch: err = %v, want the client's CheckRedirect error", err)
	}
	if client.CheckRedirect == nil {
		t.Error("New changed the caller's client")
	}
}

func TestFetchTooLarge(t *testing.T) {
	const limit = 1000
	tests := []struct {
		name          string
		size          int
		contentLength bool
		wantErr       error
	}{
		{"at the limit, with Content-Length", limit, true, nil},
		{"at the limit, chunked", limit, false, nil},
		{"over the limit, with Content-Length", limit + 1, true, ErrTooLarge},
		{"over the limit, chunked", limit + 1, false, ErrTooLarge},
		{"far over the limit, chunked", 50 * limit, false, ErrTooLarge},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := media(pngHead, byte(i), tt.size-len(pngHead))
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "image/png")
				if tt.contentLength {
					w.Header().Set("Content-Length", strconv.Itoa(len(body)))
					w.Write(body)
					return
				}
				// Flushing before the end forces chunked encoding: no
				// Content-Length reaches the client.
				w.Write(body[:len(body)/2])
				w.(http.Flusher).Flush()
				w.Write(body[len(body)/2:])
			}))
			t.Cleanup(srv.Close)
			a, dir := newTestArchive(t, Options{MaxBytes: limit})

			item, err := a.Fetch(context.Background(), srv.URL, Credentials{})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Fetch: err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				assertEmpty(t, a, dir)
				return
			}
			if got, want := item.Size, int64(tt.size); got != want {
				t.Errorf("Size = %d, want %d", got, want)
			}
		})
	}
}

func TestFetchContentTypes(t *testing.T) {
	html := []byte("<!DOCTYPE html><html><body>Access denied</body></html>")
	vcard := []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nTEL:+15551234567\r\nEND:VCARD\r\n")
	ical := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	tests := []struct {
		name     string
		allowed  []string // nil: the defaults
		declared string   // "" sends no Content-Type header
		body     []byte
		want     string // stored type; "" when refused
	}{
		{"jpeg", nil, "image/jpeg", media(jpegHead, 1, 50), "image/jpeg"},
		{"parameters and case ignored", nil, "Image/JPEG; name=photo.jpg", media(jpegHead, 2, 50), "image/jpeg"},
		{"alias image/jpg", nil, "image/jpg", media(jpegHead, 3, 50), "image/jpeg"},
		{"gif", nil, "image/gif", media(gifHead, 1, 50), "image/gif"},
		{"pdf", nil, "application/pdf", media(pdfHead, 1, 50), "application/pdf"},
		{"vcard sniffs as text", nil, "text/vcard", vcard, "text/vcard"},
		{"x-vcard sniffs as text", nil, "text/x-vcard; charset=utf-8", vcard, "text/x-vcard"},
		{"calendar sniffs as text", nil, "text/calendar", ical, "text/calendar"},
		{"ogg sniffs as application/ogg", nil, "audio/ogg", media(oggHead, 1, 50), "audio/ogg"},
		{"m4a sniffs as video/mp4", nil, "audio/mp4", media(m4aHead, 1, 50), "audio/mp4"},
		{"heic is unknown to the sniffer", nil, "image/heic", media(heicHead, 1, 50), "image/heic"},
		{"amr is unknown to the sniffer", nil, "audio/amr", media(amrHead, 1, 50), "audio/amr"},
		{"png labelled jpeg keeps its true type", nil, "image/jpeg", media(pngHead, 1, 50), "image/png"},
		{"no header: sniffed type", nil, "", media(pngHead, 2, 50), "image/png"},
		{"octet-stream: sniffed type", nil, "application/octet-stream", media(pdfHead, 2, 50), "application/pdf"},
		{"unparsable header: sniffed type", nil, "image/", media(gifHead, 2, 50), "image/gif"},
		{"wildcard allows an unlisted subtype", []string{"image/*"}, "image/tiff", media([]byte("II*\x00\x08\x00\x00\x00"), 1, 50), "image/tiff"},

		{"html labelled jpeg", nil, "image/jpeg", html, ""},
		{"json error labelled png", nil, "image/png", []byte(`{"code":20404,"message":"not found"}`), ""},
		{"binary labelled vcard", nil, "text/vcard", media(heicHead, 2, 50), ""},
		{"html declared", nil, "text/html", html, ""},
		{"zip declared", nil, "application/zip", media([]byte("PK\x03\x04"), 1, 50), ""},
		{"svg declared", nil, "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ""},
		{"no header, unknown bytes", nil, "", media(heicHead, 3, 50), ""},
		{"no header, html", nil, "", html, ""},
		{"wildcard does not reach other majors", []string{"image/*"}, "video/mp4", media(m4aHead, 2, 50), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serveBytes(t, tt.declared, tt.body)
			a, dir := newTestArchive(t, Options{AllowedTypes: tt.allowed})

			item, err := a.Fetch(context.Background(), srv.URL, Credentials{})
			if tt.want == "" {
				if !errors.Is(err, ErrTypeNotAllowed) {
					t.Fatalf("Fetch: err = %v, want ErrTypeNotAllowed", err)
				}
				assertEmpty(t, a, dir)
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if got := item.ContentType; got != tt.want {
				t.Errorf("ContentType = %q, want %q", got, tt.want)
			}
			assertStored(t, a, item, tt.body)
		})
	}
}

func TestFetchHTTPErrors(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusInternalServerError, http.StatusForbidden} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "image/jpeg") // error pages lie too
				w.WriteHeader(status)
				w.Write(media(jpegHead, 1, 100))
			}))
			t.Cleanup(srv.Close)
			a, dir := newTestArchive(t, Options{})

			_, err := a.Fetch(context.Background(), srv.URL+"/Media/ME1?sig=secret", testCred)
			if !errors.Is(err, ErrFetch) {
				t.Fatalf("Fetch: err = %v, want ErrFetch", err)
			}
			var fe *FetchError
			if !errors.As(err, &fe) || fe.StatusCode != status {
				t.Fatalf("Fetch: err = %#v, want a FetchError with status %d", err, status)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), testToken) {
				t.Errorf("error %q shows the query or the token", err)
			}
			assertEmpty(t, a, dir)
		})
	}
}

func TestFetchEmptyBody(t *testing.T) {
	srv := serveBytes(t, "image/jpeg", nil)
	a, dir := newTestArchive(t, Options{})

	_, err := a.Fetch(context.Background(), srv.URL, Credentials{})
	if !errors.Is(err, ErrFetch) {
		t.Errorf("Fetch: err = %v, want ErrFetch", err)
	}
	assertEmpty(t, a, dir)
}

func TestFetchRefusesURL(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	a, _ := newTestArchive(t, Options{})
	for _, raw := range []string{
		"",
		"file:///etc/passwd",
		"ftp://" + strings.TrimPrefix(srv.URL, "http://") + "/media",
		"//" + strings.TrimPrefix(srv.URL, "http://") + "/media",
		"http:///media",
		"http://" + testSid + ":" + testToken + "@" + strings.TrimPrefix(srv.URL, "http://") + "/media",
		"http://[::1",
	} {
		t.Run(raw, func(t *testing.T) {
			_, err := a.Fetch(context.Background(), raw, Credentials{})
			if !errors.Is(err, ErrFetch) {
				t.Errorf("Fetch(%q): err = %v, want ErrFetch", raw, err)
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if requests != 0 {
		t.Errorf("server got %d requests, want 0", requests)
	}
}

func TestFetchIdempotent(t *testing.T) {
	body := media(jpegHead, 9, 1000)
	first := serveBytes(t, "image/jpeg", body)
	// The same bytes again, under another URL and a vaguer type.
	second := serveBytes(t, "application/octet-stream", body)
	a, dir := newTestArchive(t, Options{})

	item1, err := a.Fetch(context.Background(), first.URL+"/ME1", Credentials{})
	if err != nil {
		t.Fatalf("first Fetch: %v", err)
	}
	item2, err := a.Fetch(context.Background(), second.URL+"/ME2", Credentials{})
	if err != nil {
		t.Fatalf("second Fetch: %v", err)
	}
	if item1 != item2 {
		t.Errorf("second Fetch = %+v, want %+v", item2, item1)
	}
	files, size, err := a.Usage()
	if err != nil {
		t.Fatalf("Usage: %v", err)
	}
	if files != 1 || size != int64(len(body)) {
		t.Errorf("Usage = %d files, %d bytes; want 1, %d", files, size, len(body))
	}
	assertNoTemp(t, dir)
}

func TestFetchConcurrentSameContent(t *testing.T) {
	body := media(pngHead, 10, 64<<10)
	srv := serveBytes(t, "image/png", body)
	a, dir := newTestArchive(t, Options{})

	const n = 16
	items := make([]Item, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			items[i], errs[i] = a.Fetch(context.Background(), srv.URL, Credentials{})
		})
	}
	wg.Wait()
	want := Item{SHA256: hashOf(body), ContentType: "image/png", Size: int64(len(body))}
	for i := range n {
		if errs[i] != nil {
			t.Errorf("Fetch %d: %v", i, errs[i])
		} else if items[i] != want {
			t.Errorf("Fetch %d = %+v, want %+v", i, items[i], want)
		}
	}
	files, _, err := a.Usage()
	if err != nil || files != 1 {
		t.Errorf("Usage = %d files, %v; want 1, nil", files, err)
	}
	assertStored(t, a, want, body)
	assertNoTemp(t, dir)
}

func TestFetchContextCanceled(t *testing.T) {
	tests := []struct {
		name string
		// sendHead makes the server send the first part of the body before
		// stalling, so the cancellation hits the body read, not the headers.
		sendHead bool
	}{
		{"waiting for headers", false},
		{"reading the body", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stalled := make(chan struct{})
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.sendHead {
					w.Header().Set("Content-Type", "image/jpeg")
					w.Write(media(jpegHead, 11, 4096))
					w.(http.Flusher).Flush()
				}
				close(stalled)
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}))
			t.Cleanup(func() { close(release); srv.Close() })
			a, dir := newTestArchive(t, Options{})
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-stalled
				cancel()
			}()

			_, err := a.Fetch(ctx, srv.URL, Credentials{})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Fetch: err = %v, want context.Canceled", err)
			}
			if errors.Is(err, ErrFetch) {
				t.Errorf("Fetch: err = %v matches ErrFetch; a cancellation is not the provider's failure", err)
			}
			assertEmpty(t, a, dir)
		})
	}
}
