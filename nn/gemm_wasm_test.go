//go:build !purego

package nn

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
)

// TestGemmWasmIsGemmGo checks the WebAssembly kernel against the portable
// Go one bit for bit: every element of C must be summed in the same order
// (its old value, then a[r][j]·b[j][o] for j = 0..k-1, each product
// rounded), or the portable mode's numbers would differ between the
// browser and native runs. The shapes cover one to many two-row pairs and
// a leftover row, whole four-column blocks and 1–3 leftover columns, k = 1
// and long sums, both layouts of A and padded strides, and gemm's copy
// from a separate S as well as C += A·B in place.
func TestGemmWasmIsGemmGo(t *testing.T) {
	r := seeded.Rand(11)
	rnd := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = 2*r.Float64() - 1
		}
		return s
	}
	check := func(m, k, p, ars, acs, lds int, inPlace bool) {
		t.Helper()
		a := rnd((m-1)*ars + (k-1)*acs + 1)
		b := rnd(k * p)
		src := rnd((m-1)*lds + p)
		c, want := make([]float64, m*p), make([]float64, m*p)
		if inPlace {
			lds = p
			src = src[:0]
			for i := range c {
				c[i] = 2*r.Float64() - 1
			}
			copy(want, c)
			gemm(c, c, p, a, b, m, k, p, ars, acs)
			gemmGo(want, want, p, a, b, m, k, p, ars, acs)
		} else {
			gemm(c, src, lds, a, b, m, k, p, ars, acs)
			gemmGo(want, src, lds, a, b, m, k, p, ars, acs)
		}
		for i := range c {
			if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
				t.Fatalf("m=%d k=%d p=%d ars=%d acs=%d lds=%d inPlace=%v: c[%d] = %.17g, gemmGo %.17g",
					m, k, p, ars, acs, lds, inPlace, i, c[i], want[i])
			}
		}
	}
	for _, m := range []int{1, 2, 3, 4, 5, 8, 9, 64} {
		for _, k := range []int{1, 2, 3, 4, 5, 7, 64, 65} {
			for _, p := range []int{1, 2, 3, 4, 5, 6, 7, 8, 11, 64, 67} {
				for _, lay := range []int{0, 1, 2} {
					ars, acs := k, 1 // A row-major
					switch lay {
					case 1: // A stored transposed
						ars, acs = 1, m
					case 2: // row-major with padding
						ars, acs = k+3, 1
					}
					check(m, k, p, ars, acs, p, true)
					check(m, k, p, ars, acs, p+2, false)
				}
			}
		}
	}
	// Random shapes and strides besides the grid above.
	for n := 0; n < 300; n++ {
		m, k, p := 1+r.IntN(20), 1+r.IntN(40), 1+r.IntN(40)
		ars, acs := k+r.IntN(3), 1
		if r.IntN(2) == 0 {
			ars, acs = 1, m+r.IntN(3)
		}
		check(m, k, p, ars, acs, p+r.IntN(3), r.IntN(2) == 0)
	}
}
