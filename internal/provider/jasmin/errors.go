package jasmin

import (
	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/smpp"
)

// Jasmin reports the codes of the SMSCs behind it: SMPP command statuses
// for level 1 receipts, receipt states and err values for levels 2 and 3.
func init() {
	smstrack.RegisterErrorCatalog(Provider, smpp.Catalog)
}
