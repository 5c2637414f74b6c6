package telnyx

import (
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

func TestErrorCatalog(t *testing.T) {
	providertest.CheckCatalog(t, Provider, catalog, len(catalog), []string{
		"40001", "40002", "40003", "40004", "40005", "40006", "40007", "40008", "40009",
		"40011", "40012", "40013", "40014", "40015", "40300",
	})
	providertest.CheckUnknown(t, Provider, "49999")
}

// Spot checks that the categories say what the codes mean.
func TestErrorCatalogCategories(t *testing.T) {
	providertest.CheckCategories(t, Provider, map[string]smstrack.ErrorCategory{
		"40001": smstrack.CategoryNotMobileOrInvalid,
		"40002": smstrack.CategoryContentFiltered,
		"40005": smstrack.CategoryExpired,
		"40006": smstrack.CategoryHandsetUnreachable,
		"40011": smstrack.CategoryRateLimited,
		"40300": smstrack.CategoryBlockedOrOptedOut,
	})
}
