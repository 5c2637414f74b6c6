package kannel

import (
	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/smpp"
)

// Kannel reports the codes of the SMSCs behind it: SMPP receipt states and
// network errors, and the command statuses of refused submissions.
func init() {
	smstrack.RegisterErrorCatalog(Provider, smpp.Catalog)
}
