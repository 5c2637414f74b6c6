package notify

import (
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// Guard decides which addresses deliveries may connect to. By default only
// public unicast addresses: a webhook URL must not reach the tracker's own
// network (SSRF). The check runs on the address being dialled, after name
// resolution, so a name that resolves elsewhere later (DNS rebinding)
// cannot bypass it.
type Guard struct {
	AllowPrivate bool           // allow every address (a trusted, internal setup)
	Allowed      []netip.Prefix // networks allowed despite being private
}

// sharedAddressSpace is carrier-grade NAT (RFC 6598): not public either.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// Check returns an error when ip may not be connected to.
func (g Guard) Check(ip netip.Addr) error {
	ip = ip.Unmap()
	if g.AllowPrivate {
		return nil
	}
	for _, p := range g.Allowed {
		if p.Contains(ip) {
			return nil
		}
	}
	var kind string
	switch {
	case !ip.IsValid():
		kind = "an invalid"
	case ip.IsUnspecified():
		kind = "an unspecified"
	case ip.IsLoopback():
		kind = "a loopback"
	case ip.IsPrivate(), sharedAddressSpace.Contains(ip):
		kind = "a private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		kind = "a link-local"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		kind = "a multicast"
	case !ip.IsGlobalUnicast():
		kind = "a non-public"
	default:
		return nil
	}
	return fmt.Errorf("refused: %s is %s address; allow it explicitly to deliver there", ip, kind)
}

// control is a net.Dialer Control function: it sees the resolved address
// of every connection just before it is made.
func (g Guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refused: cannot read address %q: %w", address, err)
	}
	return g.Check(ap.Addr())
}

// Dialer returns a dialer that refuses what the guard refuses.
func (g Guard) Dialer() *net.Dialer {
	return &net.Dialer{Control: g.control}
}
