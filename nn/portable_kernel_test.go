package nn

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
)

// TestGemmColsGoSumsInOrder checks the portable GEMM bit for bit against
// its definition: each element of C is its old value plus the products
// a[r][j]·b[j][o] for j = 0, 1, …, k-1, each rounded, added one at a time.
// That order is what makes the portable mode give the same bits on every
// platform, so any blocking of the kernel must keep it. The shapes cover
// the four-row blocks, two- and one-row leftovers, the eight-wide unrolled
// columns and their leftovers, both layouts of A and a first column > 0.
func TestGemmColsGoSumsInOrder(t *testing.T) {
	r := seeded.Rand(12)
	for _, m := range []int{1, 2, 3, 4, 5, 6, 7, 9, 128} {
		for _, k := range []int{1, 2, 3, 4, 5, 64, 128} {
			for _, p := range []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 64, 70} {
				for _, transA := range []bool{false, true} {
					for _, from := range []int{0, 1, 8} {
						if from >= p {
							continue
						}
						ars, acs := k, 1
						if transA {
							ars, acs = 1, m
						}
						a := make([]float64, m*k)
						b := make([]float64, k*p)
						c := make([]float64, m*p)
						for _, s := range [][]float64{a, b, c} {
							for i := range s {
								s[i] = 2*r.Float64() - 1
							}
						}
						want := append([]float64(nil), c...)
						for rr := 0; rr < m; rr++ {
							for o := from; o < p; o++ {
								s := want[rr*p+o]
								for j := 0; j < k; j++ {
									s += float64(a[rr*ars+j*acs] * b[j*p+o])
								}
								want[rr*p+o] = s
							}
						}
						gemmColsGo(c, a, b, m, k, p, ars, acs, from)
						for i := range c {
							if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
								t.Fatalf("m=%d k=%d p=%d trans=%v from=%d: c[%d] = %.17g, in-order sum %.17g", m, k, p, transA, from, i, c[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

// TestTanhSliceGoIsTanhGo checks that the unrolled slice kernel gives
// tanhGo's bits for every input, including ±0, tiny, huge, infinite and
// NaN values, at both positions of a pair and with an odd element left.
func TestTanhSliceGoIsTanhGo(t *testing.T) {
	xs := append(tanhInputs(), math.NaN(), 3, -2, math.NaN(), math.NaN(), math.Inf(-1), -0.0)
	for _, cut := range []int{0, 1} {
		in := xs[cut:]
		ys := append([]float64(nil), in...)
		tanhSliceGo(ys)
		for i, x := range in {
			want := tanhGo(x)
			if math.IsNaN(x) {
				if !math.IsNaN(ys[i]) {
					t.Fatalf("tanh(NaN) = %v", ys[i])
				}
				continue
			}
			if math.Float64bits(ys[i]) != math.Float64bits(want) {
				t.Fatalf("tanh(%g): slice kernel %.17g, tanhGo %.17g", x, ys[i], want)
			}
		}
	}
}

// TestSmallKernelsGoInOrder checks colSumGo and tanhGradGo bit for bit
// against their one-element-at-a-time definitions.
func TestSmallKernelsGoInOrder(t *testing.T) {
	r := seeded.Rand(13)
	for _, n := range []int{0, 1, 2, 3, 7, 128} {
		for _, p := range []int{1, 2, 3, 4, 5, 8, 9, 64, 65} {
			x := make([]float64, n*p)
			for i := range x {
				x[i] = 2*r.Float64() - 1
			}
			dst := make([]float64, p)
			for i := range dst {
				dst[i] = r.Float64()
			}
			want := append([]float64(nil), dst...)
			for row := 0; row < n; row++ {
				for j := 0; j < p; j++ {
					want[j] += x[row*p+j]
				}
			}
			colSumGo(dst, x, n, p)
			for j := range dst {
				if math.Float64bits(dst[j]) != math.Float64bits(want[j]) {
					t.Fatalf("colSumGo n=%d p=%d: [%d] = %.17g, row by row %.17g", n, p, j, dst[j], want[j])
				}
			}
			y := make([]float64, n*p)
			for i := range y {
				y[i] = 2*r.Float64() - 1
			}
			d := append([]float64(nil), x...)
			tanhGradGo(d, y)
			for i := range d {
				if w := x[i] - x[i]*(y[i]*y[i]); math.Float64bits(d[i]) != math.Float64bits(w) {
					t.Fatalf("tanhGradGo n=%d p=%d: [%d] = %.17g, want %.17g", n, p, i, d[i], w)
				}
			}
		}
	}
}
