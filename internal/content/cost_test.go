package content

import (
	"strings"
	"testing"
)

func TestCost(t *testing.T) {
	tests := []struct {
		name     string
		segments int
		price    float64
		want     float64
	}{
		{"one segment", 1, 0.0079, 0.0079},
		{"three segments", 3, 0.0079, 0.0237},
		{"no segments", 0, 0.0079, 0},
		{"negative price", 2, -1, 0},
		{"rounding", 3, 0.1, 0.3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Cost(tt.segments, tt.price); got != tt.want {
				t.Errorf("Cost(%d, %v) = %v, want %v", tt.segments, tt.price, got, tt.want)
			}
		})
	}
}

func TestMessageCost(t *testing.T) {
	if got, want := MessageCost(strings.Repeat("a", 161), 0.01), 0.02; got != want {
		t.Errorf("MessageCost = %v, want %v", got, want)
	}
}
