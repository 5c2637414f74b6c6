package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the demo's writer and the test's reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestDemoProducesEveryFinalStatus starts `smstrack demo` in-process and
// reads the API until the simulated traffic has produced delivered,
// undelivered and failed messages — the final statuses a carrier network
// produces (read and canceled come from handsets and apps) — within 30 s.
func TestDemoProducesEveryFinalStatus(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out, errOut lockedBuffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, []string{"demo", "--data", t.TempDir(), "--addr", addr, "--rate", "100", "--speed", "300"})
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("demo ended with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("demo did not stop within 30 s of being canceled")
		}
	}()

	keyRe := regexp.MustCompile(`API key:\s+(smst_\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	key := ""
	for key == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no API key printed; stdout %q stderr %q", out.String(), errOut.String())
		}
		if k := keyRe.FindStringSubmatch(out.String()); k != nil {
			key = k[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	login := regexp.MustCompile(`sign in as (\S+), password (\S+)\)`).FindStringSubmatch(out.String())
	if login == nil || login[1] != demoEmail {
		t.Fatalf("no console login printed:\n%s", out.String())
	}
	if status := signInStatus(t, "http://"+addr, login[1], login[2]); status != http.StatusSeeOther {
		t.Errorf("signing in with the printed credentials: status %d, want 303", status)
	}
	want := []string{"delivered", "undelivered", "failed"}
	for {
		seen := map[string]bool{}
		for _, st := range want {
			req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/messages?limit=1&status="+st, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var page struct {
				Messages []json.RawMessage `json:"messages"`
			}
			json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			seen[st] = len(page.Messages) > 0
		}
		if seen["delivered"] && seen["undelivered"] && seen["failed"] {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s the demo has produced %v; stderr: %s", seen, errOut.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// signInStatus signs in to the console at base as a browser would and
// returns the status of the sign-in form's answer.
func signInStatus(t *testing.T, base, email, password string) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(body)
	if token == nil {
		t.Fatalf("no CSRF token on the sign-in page:\n%s", body)
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf": {string(token[1])}}
	resp, err = client.PostForm(base+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
