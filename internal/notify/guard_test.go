package notify_test

import (
	"net/netip"
	"testing"

	"github.com/smstrack/smstrack/internal/notify"
)

func TestGuardRefusesPrivateDestinations(t *testing.T) {
	var strict notify.Guard
	for _, c := range []struct {
		addr    string
		refused bool
	}{
		{"127.0.0.1", true},
		{"::1", true},
		{"10.1.2.3", true},
		{"172.16.0.9", true},
		{"192.168.1.1", true},
		{"100.64.0.1", true},
		{"169.254.169.254", true}, // cloud metadata
		{"fe80::1", true},
		{"fc00::1", true},
		{"0.0.0.0", true},
		{"::", true},
		{"224.0.0.1", true},
		{"ff02::1", true},
		{"255.255.255.255", true},
		{"::ffff:127.0.0.1", true}, // IPv4-mapped loopback
		{"93.184.215.14", false},
		{"2606:4700::1111", false},
	} {
		t.Run(c.addr, func(t *testing.T) {
			err := strict.Check(netip.MustParseAddr(c.addr))
			if (err != nil) != c.refused {
				t.Errorf("got %v, want refused=%v", err, c.refused)
			}
		})
	}
	allowed := notify.Guard{Allowed: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	if err := allowed.Check(netip.MustParseAddr("10.9.9.9")); err != nil {
		t.Errorf("allowed network refused: %v", err)
	}
	if err := allowed.Check(netip.MustParseAddr("192.168.0.1")); err == nil {
		t.Error("a network outside the allowed one passed")
	}
	if err := (notify.Guard{AllowPrivate: true}).Check(netip.MustParseAddr("127.0.0.1")); err != nil {
		t.Errorf("AllowPrivate refused loopback: %v", err)
	}
}
