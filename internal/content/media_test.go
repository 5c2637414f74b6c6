package content

import (
	"strings"
	"testing"
)

func TestAnalyzeMedia(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		media     []Media
		mms       bool
		tooLong   bool
		sizeKnown bool
		total     int64
		warnings  int
	}{
		{"sms only", "hi", nil, false, false, true, 0, 0},
		{"one jpeg", "look", []Media{{URL: "a.jpg", ContentType: "image/jpeg", Size: 1000}}, true, false, true, 1000, 0},
		{"content type with parameters", "", []Media{{ContentType: "Image/PNG; charset=binary", Size: 5}}, true, false, true, 5, 0},
		{"unknown size", "", []Media{{ContentType: "image/gif"}}, true, false, false, 0, 0},
		{"pdf may not deliver", "", []Media{{ContentType: "application/pdf", Size: 10}}, true, false, true, 10, 1},
		{"zip refused", "", []Media{{ContentType: "application/zip", Size: 10}}, true, false, true, 10, 1},
		{"missing type", "", []Media{{URL: "x"}}, true, false, false, 0, 1},
		{"body 1600 is fine", strings.Repeat("я", 1600), nil, false, false, true, 0, 0},
		{"body 1601 too long", strings.Repeat("я", 1601), nil, false, true, true, 0, 1},
		{"too large", "", []Media{{ContentType: "image/png", Size: 4 << 20}, {ContentType: "image/png", Size: 2 << 20}}, true, false, true, 6 << 20, 1},
		{"too many", "", make11PNGs(), true, false, true, 11, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AnalyzeMedia(tt.body, tt.media)
			if got.MMS != tt.mms || got.BodyTooLong != tt.tooLong || got.SizeKnown != tt.sizeKnown || got.TotalSize != tt.total {
				t.Errorf("report = %+v, want mms %v, too long %v, size known %v, total %d", got, tt.mms, tt.tooLong, tt.sizeKnown, tt.total)
			}
			if len(got.Warnings) != tt.warnings {
				t.Errorf("warnings = %q, want %d", got.Warnings, tt.warnings)
			}
			if got.MediaCount != len(tt.media) || len(got.ContentTypes) != len(tt.media) {
				t.Errorf("media count = %d, content types %v, want %d", got.MediaCount, got.ContentTypes, len(tt.media))
			}
		})
	}
}

func make11PNGs() []Media {
	m := make([]Media, 11)
	for i := range m {
		m[i] = Media{ContentType: "image/png", Size: 1}
	}
	return m
}
