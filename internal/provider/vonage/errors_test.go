package vonage

import (
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

func TestCatalog(t *testing.T) {
	// Every err-code of Vonage's DLR table but 0 (delivered), and ours.
	providertest.CheckCatalog(t, Provider, catalog, len(catalog), []string{
		"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
		"50", "51", "52", "53", "54", "99", ExpiredCode,
	})
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
