package provider

import (
	"strings"

	"github.com/smstrack/smstrack"
)

// Catalog explains a provider's error codes, matched exactly. The provider
// fills it from its own table, in its own words, and registers it with
// smstrack.RegisterErrorCatalog.
type Catalog map[string]smstrack.ErrorInfo

// Explain returns what the catalogue knows of code.
func (c Catalog) Explain(code string) (smstrack.ErrorInfo, bool) {
	info, ok := c[code]
	return info, ok
}

// NewCatalog makes a catalogue of the explanations by code. Each
// explanation's Code is set from its key, so it cannot disagree with it.
func NewCatalog(infos map[string]smstrack.ErrorInfo) Catalog {
	return Catalog(withCodes(infos))
}

func withCodes(infos map[string]smstrack.ErrorInfo) map[string]smstrack.ErrorInfo {
	for code, info := range infos {
		info.Code = code
		infos[code] = info
	}
	return infos
}

// FoldedCatalog explains codes that are names (an event type, a state),
// matched without regard to case or surrounding space; the explanation
// carries the code as it was asked for.
type FoldedCatalog map[string]smstrack.ErrorInfo

// NewFoldedCatalog makes a FoldedCatalog of the explanations by code,
// codes written in upper case. Each explanation's Code is set from its key.
func NewFoldedCatalog(infos map[string]smstrack.ErrorInfo) FoldedCatalog {
	return FoldedCatalog(withCodes(infos))
}

// Explain returns what the catalogue knows of code.
func (c FoldedCatalog) Explain(code string) (smstrack.ErrorInfo, bool) {
	info, ok := c[strings.ToUpper(strings.TrimSpace(code))]
	if ok {
		info.Code = code
	}
	return info, ok
}

// Register makes c the catalogue of the named provider for
// smstrack.ExplainError, and returns it.
func Register[C smstrack.ErrorCatalog](name string, c C) C {
	smstrack.RegisterErrorCatalog(name, c)
	return c
}
