package insight

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestCover(t *testing.T) {
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	spans, from, to := Cover(day.Add(-90*time.Minute+10*time.Second), day.Add(49*time.Hour+30*time.Second), Minute)
	want := []Span{
		{Minute, day.Add(-90 * time.Minute), day.Add(-time.Hour)},
		{Hour, day.Add(-time.Hour), day},
		{Day, day, day.Add(48 * time.Hour)},
		{Hour, day.Add(48 * time.Hour), day.Add(49 * time.Hour)},
		{Minute, day.Add(49 * time.Hour), day.Add(49*time.Hour + time.Minute)},
	}
	if len(spans) != len(want) {
		t.Fatalf("got %v, want %v", spans, want)
	}
	for i := range want {
		if spans[i] != want[i] {
			t.Errorf("span %d: got %v, want %v", i, spans[i], want[i])
		}
	}
	if !from.Equal(want[0].From) || !to.Equal(want[4].To) {
		t.Errorf("rounded to [%v, %v)", from, to)
	}
}

// TestCoverProperty: for any range, the spans are whole buckets of their
// grain, contiguous, cover exactly the rounded range, and use no grain finer
// than asked.
func TestCoverProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 5000 {
		from := base.Add(time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))
		to := from.Add(time.Duration(rng.Int64N(int64(40 * 24 * time.Hour))))
		finest := Grains[rng.IntN(2)]
		spans, rf, rt := Cover(from, to, finest)
		if rf.After(from) || rt.Before(to) {
			t.Fatalf("[%v, %v) rounded inwards to [%v, %v)", from, to, rf, rt)
		}
		at := rf
		for _, s := range spans {
			if !s.From.Equal(at) || !s.From.Before(s.To) || s.Grain < finest ||
				!s.Grain.Floor(s.From).Equal(s.From) || !s.Grain.Floor(s.To).Equal(s.To) {
				t.Fatalf("[%v, %v) %v: bad span %v", from, to, finest, s)
			}
			at = s.To
		}
		if rf.Before(rt) && !at.Equal(rt) {
			t.Fatalf("[%v, %v): spans end at %v, want %v", from, to, at, rt)
		}
	}
}

func TestGrainMath(t *testing.T) {
	at := time.Date(2026, 11, 27, 13, 45, 30, 0, time.UTC)
	for _, g := range Grains {
		if got := g.FloorMicros(at.UnixMicro()); got != g.Floor(at).UnixMicro() {
			t.Errorf("%s: FloorMicros %d, Floor %d", g, got, g.Floor(at).UnixMicro())
		}
		if got, err := ParseGrain(g.String()); err != nil || got != g {
			t.Errorf("ParseGrain(%q) = %v, %v", g, got, err)
		}
	}
	if got := Day.FloorMicros(-1); got != -Day.Duration().Microseconds() {
		t.Errorf("FloorMicros(-1) = %d: negative times floor downwards", got)
	}
	if _, err := ParseGrain("week"); err == nil {
		t.Error("ParseGrain(week) accepted")
	}
}

func TestCostMicros(t *testing.T) {
	for in, want := range map[string]int64{"-0.0079": 7900, "0.05": 50000, "1": 1_000_000, "0.0000005": 1,
		"0.0000004": 0, "12.3456789": 12_345_679, "": 0, "abc": 0, "1.2.3": 0, " -0.04 ": 40000, ".5": 500000} {
		if got := CostMicros(in); got != want {
			t.Errorf("CostMicros(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParseDimensions(t *testing.T) {
	got, err := ParseDimensions("country, carrier,country,tag:campaign")
	if err != nil || len(got) != 3 || got[2].TagKey() != "campaign" {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"colour", "tag:a,tag:b", "account,provider,sender,country,carrier", "tag:"} {
		if _, err := ParseDimensions(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
