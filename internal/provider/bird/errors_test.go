package bird

import (
	"testing"

	"github.com/smstrack/smstrack"
)

func TestErrorCatalog(t *testing.T) {
	codes := []string{
		"1", "5", "9", "11", "12", "13", "21", "27", "31", "32", "34", "36",
	}
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
	for _, code := range codes {
		info := smstrack.ExplainError(Provider, code)
		switch {
		case info == nil:
			t.Errorf("%s: no explanation", code)
			continue
		case info.Code != code:
			t.Errorf("%s: explained as code %q", code, info.Code)
		case info.Title == "" || info.Title == "Unknown error":
			t.Errorf("%s: title %q, want the catalogue's", code, info.Title)
		case info.Description == "" || info.Advice == "":
			t.Errorf("%s: description %q, advice %q: want both", code, info.Description, info.Advice)
		}
		if !categories[info.Category] {
			t.Errorf("%s: category %q is not one of smstrack's", code, info.Category)
		}
		if !parties[info.Responsible] {
			t.Errorf("%s: party %q is not one of smstrack's", code, info.Responsible)
		}
	}
	if len(catalog) != len(codes) {
		t.Errorf("catalogue has %d codes, test lists %d: keep them in step", len(catalog), len(codes))
	}
	if info := smstrack.ExplainError(Provider, "999"); info.Category != smstrack.CategoryUnknown {
		t.Errorf("unknown code explained as %+v", info)
	}
}

// Spot checks that the categories say what the codes mean.
func TestErrorCatalogCategories(t *testing.T) {
	tests := []struct {
		code     string
		category smstrack.ErrorCategory
	}{
		{"1", smstrack.CategoryNotMobileOrInvalid},
		{"13", smstrack.CategoryBlockedOrOptedOut},
		{"27", smstrack.CategoryHandsetUnreachable},
	}
	for _, tt := range tests {
		if got := smstrack.ExplainError(Provider, tt.code).Category; got != tt.category {
			t.Errorf("%s: %s, want %s", tt.code, got, tt.category)
		}
	}
}
