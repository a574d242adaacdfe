//go:build !purego

package nn

import (
	"math"
	"testing"
)

// The AVX2 tanh takes two vectors at a time and finishes an odd one alone;
// both paths must give the same bits (each vector goes through the same
// operations), over every input class tanhInputs holds: zeros, tiny, the
// clamp at 20, huge, infinities, NaN.
func TestTanhPairSameBits(t *testing.T) {
	if !hasAVX {
		t.Skip("no AVX2+FMA")
	}
	xs := append(tanhInputs(), math.NaN(), -math.NaN(), math.SmallestNonzeroFloat64, -math.MaxFloat64)
	xs = xs[:len(xs)&^7]
	pairs := append([]float64(nil), xs...)
	tanhAVX(&pairs[0], len(pairs)) // all but none in pairs
	singles := append([]float64(nil), xs...)
	for i := 0; i < len(singles); i += 4 {
		tanhAVX(&singles[i], 4) // one vector: the single path
	}
	odd := append([]float64(nil), xs[:12]...)
	tanhAVX(&odd[0], 12) // a pair, then a single
	for i := range xs {
		if math.Float64bits(pairs[i]) != math.Float64bits(singles[i]) {
			t.Fatalf("tanh(%g): %.17g in a pair, %.17g alone", xs[i], pairs[i], singles[i])
		}
		if i < len(odd) && math.Float64bits(odd[i]) != math.Float64bits(singles[i]) {
			t.Fatalf("tanh(%g): %.17g in a run of 12, %.17g alone", xs[i], odd[i], singles[i])
		}
	}
}
