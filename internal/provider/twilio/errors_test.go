package twilio

import (
	"testing"

	"github.com/smstrack/smstrack"
)

func TestErrorCatalog(t *testing.T) {
	codes := []string{
		"30001", "30002", "30003", "30004", "30005", "30006", "30007", "30008", "30009", "30010",
		"30022", "30023", "30024", "30027", "30032", "30033", "30034", "30035", "30036",
		"21211", "21408", "21610", "21612", "21614", "21617", "14107",
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
		info := smstrack.ExplainError("twilio", code)
		switch {
		case info == nil:
			t.Errorf("%s: no explanation", code)
			continue
		case info.Code != code:
			t.Errorf("%s: explained as code %q", code, info.Code)
		case info.Title == "" || info.Title == "Unknown error" && code != "30008":
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
}

func TestErrorCatalogUnknownCodes(t *testing.T) {
	tests := []string{"99999", "30011", "abc", "3000 3"}
	for _, code := range tests {
		info := smstrack.ExplainError("twilio", code)
		if info == nil {
			t.Fatalf("ExplainError(%q) = nil, want an unknown-category explanation", code)
		}
		if info.Category != smstrack.CategoryUnknown || info.Responsible != smstrack.PartyUnknown || info.Code != code {
			t.Errorf("ExplainError(%q) = %+v, want category and party unknown", code, info)
		}
	}
	if info := smstrack.ExplainError("twilio", ""); info != nil {
		t.Errorf("ExplainError(\"\") = %+v, want nil", info)
	}
}

// Spot checks that the categories say what the codes mean.
func TestErrorCatalogCategories(t *testing.T) {
	tests := []struct {
		code     string
		category smstrack.ErrorCategory
		party    smstrack.Party
	}{
		{"30003", smstrack.CategoryHandsetUnreachable, smstrack.PartyHandset},
		{"30007", smstrack.CategoryContentFiltered, smstrack.PartyCarrier},
		{"21610", smstrack.CategoryBlockedOrOptedOut, smstrack.PartyHandset},
		{"30034", smstrack.CategorySenderRegistration, smstrack.PartyApplication},
		{"30036", smstrack.CategoryExpired, smstrack.PartyApplication},
		{"14107", smstrack.CategoryRateLimited, smstrack.PartyApplication},
	}
	for _, tt := range tests {
		info := smstrack.ExplainError("twilio", tt.code)
		if info.Category != tt.category || info.Responsible != tt.party {
			t.Errorf("%s: %s/%s, want %s/%s", tt.code, info.Category, info.Responsible, tt.category, tt.party)
		}
	}
}
