package bird

import (
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

func TestErrorCatalog(t *testing.T) {
	providertest.CheckCatalog(t, Provider, catalog, len(catalog), []string{
		"1", "5", "9", "11", "12", "13", "21", "27", "31", "32", "34", "36",
	})
	providertest.CheckUnknown(t, Provider, "999")
}

// Spot checks that the categories say what the codes mean.
func TestErrorCatalogCategories(t *testing.T) {
	providertest.CheckCategories(t, Provider, map[string]smstrack.ErrorCategory{
		"1":  smstrack.CategoryNotMobileOrInvalid,
		"13": smstrack.CategoryBlockedOrOptedOut,
		"27": smstrack.CategoryHandsetUnreachable,
	})
}
