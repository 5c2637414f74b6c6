package twilio

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseAccounts(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]string
		wantErr string
	}{
		{name: "empty", in: "", want: map[string]string{}},
		{name: "blank", in: "  ", want: map[string]string{}},
		{name: "one", in: testAccount + ":" + testToken, want: map[string]string{testAccount: testToken}},
		{
			name: "two with spaces and a trailing comma",
			in:   " " + testAccount + " : " + testToken + " , ACfedcba9876543210fedcba9876543210:other-token,",
			want: map[string]string{testAccount: testToken, "ACfedcba9876543210fedcba9876543210": "other-token"},
		},
		{name: "same pair twice", in: testAccount + ":" + testToken + "," + testAccount + ":" + testToken, want: map[string]string{testAccount: testToken}},
		{name: "no colon", in: testAccount, wantErr: "entry 1"},
		{name: "no token", in: testAccount + ":", wantErr: "entry 1"},
		{name: "no sid", in: "ACok:tok,:" + testToken, wantErr: "entry 2"},
		{name: "swapped", in: testToken + ":" + testAccount, wantErr: "does not look like an AccountSid"},
		{name: "conflicting tokens", in: testAccount + ":a," + testAccount + ":b", wantErr: "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAccounts(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseAccounts(%q) error = %v, want one mentioning %q", tt.in, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), testToken) {
					t.Errorf("error %q repeats the auth token", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAccounts(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseAccounts(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
