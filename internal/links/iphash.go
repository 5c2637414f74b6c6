package links

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
)

// HashIP returns the hex SHA-256 of salt followed by the client address:
// enough to count unique visitors, never the address itself.
func HashIP(salt []byte, ip string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(ip))
	return hex.EncodeToString(h.Sum(nil))
}

// ClientIP returns the address of the client of r: the connection's peer,
// or with trustProxy the first address of X-Forwarded-For (set by a reverse
// proxy in front of smstrack; a client reaching smstrack directly could forge it).
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
