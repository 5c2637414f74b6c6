package vonage

import (
	"maps"
	"strings"
	"testing"
)

func TestParseAccounts(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]Account
		wantErr string
	}{
		{in: "", want: map[string]Account{}},
		{in: "abcd1234:s3cret", want: map[string]Account{"abcd1234": {SignatureSecret: "s3cret", Method: MD5Hash}}},
		{in: " abcd1234 : s3cret : SHA256 , ef567890", want: map[string]Account{
			"abcd1234": {SignatureSecret: "s3cret", Method: HMACSHA256},
			"ef567890": {Method: MD5Hash},
		}},
		{in: "abcd1234:s3cret:hmac-sha512,abcd1234:s3cret:sha512", want: map[string]Account{"abcd1234": {SignatureSecret: "s3cret", Method: HMACSHA512}}},
		{in: "abcd1234:s3cret:sha3", wantErr: "unknown signature method"},
		{in: "abcd1234::sha256", wantErr: "needs a signature secret"},
		{in: ":s3cret", wantErr: "entry 1"},
		{in: "a:b:md5:x", wantErr: "entry 1"},
		{in: "abc 123:s3cret", wantErr: "API key"},
		{in: "abcd1234:one,abcd1234:two", wantErr: "listed twice"},
	}
	for _, tt := range tests {
		got, err := ParseAccounts(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseAccounts(%q) err %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			if err != nil && (strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "two")) {
				t.Errorf("ParseAccounts(%q) error repeats a secret: %v", tt.in, err)
			}
			continue
		}
		if err != nil || !maps.Equal(got, tt.want) {
			t.Errorf("ParseAccounts(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
}
