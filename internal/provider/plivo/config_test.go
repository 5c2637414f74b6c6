package plivo

import (
	"maps"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

func TestParseAccounts(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]string
		wantErr string
	}{
		{in: "", want: map[string]string{}},
		{in: " MAXXXXXXXXXXXXXXXXXX : tok1 , SAYYYYYYYYYYYYYYYYYY:tok2", want: map[string]string{
			"MAXXXXXXXXXXXXXXXXXX": "tok1", "SAYYYYYYYYYYYYYYYYYY": "tok2"}},
		{in: "MAXXXXXXXXXXXXXXXXXX", wantErr: "want AuthID:AuthToken"},
		{in: "tok1:MAXXXXXXXXXXXXXXXXXX", wantErr: "does not look like a Plivo auth ID"},
		{in: "MAXXXXXXXXXXXXXXXXXX:tok1,MAXXXXXXXXXXXXXXXXXX:tok2", wantErr: "listed twice"},
	}
	for _, tt := range tests {
		got, err := ParseAccounts(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "tok1") || strings.Contains(err.Error(), "tok2") {
				t.Errorf("ParseAccounts(%q) err %v, want one containing %q and no token", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !maps.Equal(got, tt.want) {
			t.Errorf("ParseAccounts(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestCatalog(t *testing.T) {
	providertest.CheckCatalog(t, Provider, catalog, len(catalog), []string{"10", "20", "30", "40", "50", "60", "70", "80", "90", "100", "110", "200", "201", "450", "900", "1000"})
	if got := smstrack.ExplainError(Provider, "80"); got == nil || got.Category != smstrack.CategoryHandsetUnreachable {
		t.Errorf("ExplainError(plivo, 80) = %+v", got)
	}
	if got := smstrack.ExplainError(Provider, "4242"); got == nil || got.Category != smstrack.CategoryUnknown {
		t.Errorf("ExplainError(plivo, 4242) = %+v, want unknown", got)
	}
}
