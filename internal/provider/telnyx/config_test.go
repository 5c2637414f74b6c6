package telnyx

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

func TestParsePublicKey(t *testing.T) {
	raw := testPublicKey()
	tests := []struct {
		name    string
		in      string
		wantNil bool
		wantErr string
	}{
		{name: "empty", in: "", wantNil: true},
		{name: "blank", in: "  ", wantNil: true},
		{name: "padded base64", in: base64.StdEncoding.EncodeToString(raw)},
		{name: "with spaces", in: " " + base64.StdEncoding.EncodeToString(raw) + "\n"},
		{name: "unpadded", in: base64.RawStdEncoding.EncodeToString(raw)},
		{name: "URL alphabet", in: base64.RawURLEncoding.EncodeToString(raw)},
		{name: "not base64", in: "KEY01*7C3!", wantErr: "not base64"},
		{name: "wrong length", in: base64.StdEncoding.EncodeToString([]byte("KEY0123456789")), wantErr: "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePublicKey(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParsePublicKey(%q) error = %v, want one mentioning %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePublicKey(%q): %v", tt.in, err)
			}
			if tt.wantNil != (got == nil) || !tt.wantNil && !bytes.Equal(got, raw) {
				t.Errorf("ParsePublicKey(%q) = %x, want %x", tt.in, got, raw)
			}
		})
	}
}
