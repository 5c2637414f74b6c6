package smstrack

import "sync"

// ErrorCategory says what kind of failure a provider error code reports,
// the same taxonomy for every provider.
type ErrorCategory string

// The error categories.
const (
	CategoryHandsetUnreachable ErrorCategory = "handset_unreachable"
	CategoryNotMobileOrInvalid ErrorCategory = "not_mobile_or_invalid"
	CategoryBlockedOrOptedOut  ErrorCategory = "blocked_or_opted_out"
	CategoryContentFiltered    ErrorCategory = "content_filtered"
	CategoryRateLimited        ErrorCategory = "rate_limited"
	CategorySenderRegistration ErrorCategory = "sender_registration"
	CategoryAccountOrBilling   ErrorCategory = "account_or_billing"
	CategoryExpired            ErrorCategory = "expired"
	CategoryUnknown            ErrorCategory = "unknown"
)

// Party is the part of the delivery chain responsible for a failure.
type Party string

// The parties of the delivery chain.
const (
	PartyApplication Party = "application"
	PartyProvider    Party = "provider"
	PartyCarrier     Party = "carrier"
	PartyHandset     Party = "handset"
	PartyUnknown     Party = "unknown"
)

// ErrorInfo explains one provider error code.
type ErrorInfo struct {
	Code        string        `json:"code"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Category    ErrorCategory `json:"category"`
	Responsible Party         `json:"responsible"`
	Advice      string        `json:"advice,omitempty"`
}

// ErrorCatalog explains a provider's error codes; ok is false for codes it
// does not know.
type ErrorCatalog interface {
	Explain(code string) (ErrorInfo, bool)
}

var (
	catalogsMu sync.RWMutex
	catalogs   = map[string]ErrorCatalog{}
)

// RegisterErrorCatalog makes a provider's catalogue available to
// ExplainError. Provider packages call it from init.
func RegisterErrorCatalog(provider string, c ErrorCatalog) {
	catalogsMu.Lock()
	defer catalogsMu.Unlock()
	catalogs[provider] = c
}

// ExplainError explains a provider error code. Unknown codes are still
// explained, as category "unknown", so they show up rather than vanish.
// An empty code has no explanation (nil).
func ExplainError(provider, code string) *ErrorInfo {
	if code == "" {
		return nil
	}
	catalogsMu.RLock()
	c := catalogs[provider]
	catalogsMu.RUnlock()
	if c != nil {
		if info, ok := c.Explain(code); ok {
			return &info
		}
	}
	return &ErrorInfo{
		Code:        code,
		Title:       "Unknown error",
		Description: "This error code is not in smstrack's catalogue for " + provider + ".",
		Category:    CategoryUnknown,
		Responsible: PartyUnknown,
	}
}
