package vonage

import (
	"testing"

	"github.com/smstrack/smstrack"
)

func TestCatalog(t *testing.T) {
	categories := map[smstrack.ErrorCategory]bool{
		smstrack.CategoryHandsetUnreachable: true, smstrack.CategoryNotMobileOrInvalid: true,
		smstrack.CategoryBlockedOrOptedOut: true, smstrack.CategoryContentFiltered: true,
		smstrack.CategoryRateLimited: true, smstrack.CategorySenderRegistration: true,
		smstrack.CategoryAccountOrBilling: true, smstrack.CategoryExpired: true, smstrack.CategoryUnknown: true,
	}
	parties := map[smstrack.Party]bool{
		smstrack.PartyApplication: true, smstrack.PartyProvider: true, smstrack.PartyCarrier: true,
		smstrack.PartyHandset: true, smstrack.PartyUnknown: true,
	}
	// Every err-code of Vonage's DLR table but 0 (delivered), and ours.
	for _, code := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
		"50", "51", "52", "53", "54", "99", ExpiredCode} {
		info, ok := catalog.Explain(code)
		if !ok {
			t.Errorf("code %s missing", code)
			continue
		}
		if info.Code != code || info.Title == "" || info.Description == "" || info.Advice == "" ||
			!categories[info.Category] || !parties[info.Responsible] {
			t.Errorf("code %s: incomplete or invalid %+v", code, info)
		}
	}
	if got := smstrack.ExplainError(Provider, "2"); got == nil || got.Category != smstrack.CategoryHandsetUnreachable {
		t.Errorf("ExplainError(vonage, 2) = %+v, want handset_unreachable", got)
	}
	if got := smstrack.ExplainError(Provider, ExpiredCode); got == nil || got.Category != smstrack.CategoryExpired {
		t.Errorf("ExplainError(vonage, expired) = %+v, want expired", got)
	}
	if _, ok := catalog.Explain("0"); ok {
		t.Error("0 means delivered and must not be explained as an error")
	}
}
