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
