package content

import "testing"

func BenchmarkTokenize160(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Tokenize(chat160)
	}
}

func BenchmarkKeywords100x160(b *testing.B) {
	set := make([]string, 100)
	for i := range set {
		set[i] = chat160
		if i%2 == 0 {
			set[i] = body160
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		Keywords(set, nil, 10)
	}
}
