//go:build !purego

package nn

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
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

// The AVX2 scaling (ScaleToNorm's multiply) gives the Go loop's bits at
// every length, with the sixteen-wide loop, the four-wide one and the Go
// tail each taking part, and leaves what lies beyond the slice alone.
func TestScaleSameBits(t *testing.T) {
	if !hasAVX {
		t.Skip("no AVX2+FMA")
	}
	r := seeded.Rand(13)
	for _, n := range []int{0, 1, 3, 4, 5, 15, 16, 17, 20, 35, 64, 4545, 4610} {
		x := make([]float64, n+1)
		for i := range x {
			x[i] = r.NormFloat64() * math.Pow(10, 4*r.Float64()-2)
		}
		k := r.Float64()
		got := append([]float64(nil), x...)
		want := append([]float64(nil), x...)
		scale(got[:n], k)
		scaleGo(want[:n], k)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("n=%d: x[%d] = %.17g, Go %.17g", n, i, got[i], want[i])
			}
		}
		if got[n] != x[n] {
			t.Fatalf("n=%d: the value after the slice changed", n)
		}
	}
}

// The AVX2 bias gradient sums each column row by row from dst, as the Go
// loop does, so the bits agree for every width, through the thirty-two-
// column loop, the eight-column one and both together.
func TestColSumSameBits(t *testing.T) {
	if !hasAVX {
		t.Skip("no AVX2+FMA")
	}
	r := seeded.Rand(14)
	for _, p := range []int{8, 16, 24, 32, 40, 64, 72, 96, 128} {
		for _, n := range []int{1, 3, 128} {
			x := make([]float64, n*p)
			for i := range x {
				x[i] = r.NormFloat64() * math.Pow(10, 6*r.Float64()-3)
			}
			got := make([]float64, p+1)
			for i := range got {
				got[i] = r.NormFloat64()
			}
			want := append([]float64(nil), got...)
			colSum(got[:p], x, n, p)
			colSumGo(want[:p], x, n, p)
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("p=%d n=%d: dst[%d] = %.17g, Go %.17g", p, n, i, got[i], want[i])
				}
			}
		}
	}
}
