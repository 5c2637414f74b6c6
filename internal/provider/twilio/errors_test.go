package twilio

import (
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

func TestErrorCatalog(t *testing.T) {
	providertest.CheckCatalog(t, Provider, catalog, len(catalog), []string{
		"30001", "30002", "30003", "30004", "30005", "30006", "30007", "30008", "30009", "30010",
		"30022", "30023", "30024", "30027", "30032", "30033", "30034", "30035", "30036",
		"21211", "21408", "21610", "21612", "21614", "21617", "14107",
	})
}

func TestErrorCatalogUnknownCodes(t *testing.T) {
	providertest.CheckUnknown(t, Provider, "99999", "30011", "abc", "3000 3")
	if info := smstrack.ExplainError(Provider, ""); info != nil {
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
