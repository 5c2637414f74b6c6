package sinch

import (
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

func TestErrorCatalog(t *testing.T) {
	providertest.CheckCatalog(t, Provider, catalog, len(catalog), []string{
		"402", "403", "404", "405", "406", "407", "408", "410", "411", "412", "413", "414", "415", "416", "417", "418",
	})
	providertest.CheckUnknown(t, Provider, "499")
}

// Spot checks that the categories say what the codes mean.
func TestErrorCatalogCategories(t *testing.T) {
	providertest.CheckCategories(t, Provider, map[string]smstrack.ErrorCategory{
		"402": smstrack.CategoryNotMobileOrInvalid,
		"404": smstrack.CategoryHandsetUnreachable,
		"406": smstrack.CategoryExpired,
		"412": smstrack.CategoryAccountOrBilling,
		"413": smstrack.CategoryAccountOrBilling,
		"410": smstrack.CategorySenderRegistration,
	})
}
