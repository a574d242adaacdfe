package nn

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
)

// TestKernelsAgree runs the assembly kernels and the portable Go kernels on
// the same inputs, over shapes that exercise full blocks, leftover rows and
// leftover columns, and both layouts of A.
func TestKernelsAgree(t *testing.T) {
	if !useAVX {
		t.Skip("no assembly kernels on this machine or build")
	}
	have := useAVX512
	defer func() { useAVX512 = have }()
	for _, wide := range []bool{false, true} {
		if wide && !have {
			continue
		}
		useAVX512 = wide
		kernelsAgree(t)
	}
}

func kernelsAgree(t *testing.T) {
	r := seeded.Rand(11)
	for _, m := range []int{1, 2, 3, 4, 5, 8, 13} {
		for _, k := range []int{1, 2, 3, 4, 7, 64} {
			for _, p := range []int{1, 2, 8, 9, 16, 24, 32, 40, 64, 70, 104} {
				for _, transA := range []bool{false, true} {
					ars, acs := k, 1
					if transA {
						ars, acs = 1, m
					}
					a := make([]float64, m*k)
					b := make([]float64, k*p)
					c0 := make([]float64, m*p)
					for _, s := range [][]float64{a, b, c0} {
						for i := range s {
							s[i] = 2*r.Float64() - 1
						}
					}
					want := append([]float64(nil), c0...)
					gemmAccGo(want, a, b, m, k, p, ars, acs)
					got := append([]float64(nil), c0...)
					gemmAcc(got, a, b, m, k, p, ars, acs)
					for i := range got {
						if math.Abs(got[i]-want[i]) > 1e-12 {
							t.Fatalf("AVX-512 %v m=%d k=%d p=%d trans=%v: c[%d] = %.17g, Go kernel %.17g", useAVX512, m, k, p, transA, i, got[i], want[i])
						}
					}
					// Starting from a bias row (lds 0) and from a separate
					// matrix with a longer row stride; C's old contents
					// must not matter.
					for _, lds := range []int{0, p + 3} {
						src := make([]float64, max(1, m)*(p+3))
						for i := range src {
							src[i] = 2*r.Float64() - 1
						}
						want := make([]float64, m*p)
						gemmGo(want, src, lds, a, b, m, k, p, ars, acs)
						got := append([]float64(nil), c0...)
						gemm(got, src, lds, a, b, m, k, p, ars, acs)
						for i := range got {
							if math.Abs(got[i]-want[i]) > 1e-12 {
								t.Fatalf("AVX-512 %v lds=%d m=%d k=%d p=%d trans=%v: c[%d] = %.17g, Go kernel %.17g", useAVX512, lds, m, k, p, transA, i, got[i], want[i])
							}
						}
						// And the Go kernel against the definition.
						for rr := 0; rr < m; rr++ {
							for o := 0; o < p; o++ {
								d := src[rr*lds+o]
								for j := 0; j < k; j++ {
									d += a[rr*ars+j*acs] * b[j*p+o]
								}
								if math.Abs(d-want[rr*p+o]) > 1e-12 {
									t.Fatalf("gemmGo lds=%d: (%d,%d) = %g, definition %g", lds, rr, o, want[rr*p+o], d)
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestPathsAgree runs whole forward and backward passes with and without
// the assembly kernels.
func TestPathsAgree(t *testing.T) {
	if !useAVX {
		t.Skip("no assembly kernels on this machine or build")
	}
	defer func() { useAVX = true }()
	for _, sizes := range [][]int{{4, 64, 64, 2}, {3, 16, 8, 1}, {5, 24, 24, 24, 3}} {
		for _, n := range []int{1, 4, 7, 128} {
			run := func(avx bool) (y, g, dx []float64) {
				useAVX = avx
				m := randomMLP(t, sizes, Tanh, 3)
				ws := m.NewWorkspace(n)
				r := seeded.Rand(4)
				x := make([]float64, n*m.In())
				d := make([]float64, n*m.Out())
				for i := range x {
					x[i] = 4*r.Float64() - 2
				}
				for i := range d {
					d[i] = r.Float64() - 0.5
				}
				y = append(y, m.Forward(ws, x, n)...)
				dx = append(dx, m.BackwardInput(ws, d, n)...)
				return y, append(g, m.Grads()...), dx
			}
			y1, g1, d1 := run(true)
			y0, g0, d0 := run(false)
			for name, pair := range map[string][2][]float64{"output": {y1, y0}, "grad": {g1, g0}, "dx": {d1, d0}} {
				for i := range pair[0] {
					if math.Abs(pair[0][i]-pair[1][i]) > 1e-12 {
						t.Fatalf("%v n=%d: %s[%d] = %.17g with assembly, %.17g without", sizes, n, name, i, pair[0][i], pair[1][i])
					}
				}
			}
		}
	}
}

// TestAdamPathsAgree runs Adam steps with and without the assembly kernel,
// over a length that leaves a remainder for the Go loop.
func TestAdamPathsAgree(t *testing.T) {
	if !useAVX {
		t.Skip("no assembly kernels on this machine or build")
	}
	have := useAVX512
	defer func() { useAVX, useAVX512 = true, have }()
	run := func(avx, wide bool) []float64 {
		useAVX, useAVX512 = avx, wide && have
		r := seeded.Rand(8)
		p := make([]float64, 103)
		for i := range p {
			p[i] = r.Float64() - 0.5
		}
		a := NewAdam(len(p), 1e-3, 1e-5)
		g := make([]float64, len(p))
		for step := 0; step < 5; step++ {
			for i := range g {
				g[i] = 2*r.Float64() - 1
			}
			a.Step(p, g)
		}
		return p
	}
	y := run(false, false)
	for _, wide := range []bool{false, true} {
		x := run(true, wide)
		for i := range x {
			if math.Abs(x[i]-y[i]) > 1e-12 {
				t.Fatalf("AVX-512 %v: param %d: %.17g with assembly, %.17g without", wide, i, x[i], y[i])
			}
		}
	}
}

func TestDotRowsAgree(t *testing.T) {
	r := seeded.Rand(21)
	for _, m := range []int{1, 3, 128} {
		for _, k := range []int{8, 12, 16, 64} {
			for _, p := range []int{1, 2, 3, 7} {
				a, bt, c := make([]float64, m*k), make([]float64, p*k), make([]float64, m*p)
				for _, s := range [][]float64{a, bt, c} {
					for i := range s {
						s[i] = 2*r.Float64() - 1
					}
				}
				want := append([]float64(nil), c...)
				dotRowsGo(want, a, bt, m, k, p)
				dotRows(c, a, bt, m, k, p)
				for i := range c {
					if math.Abs(c[i]-want[i]) > 1e-12 {
						t.Fatalf("m=%d k=%d p=%d: c[%d] = %.17g, Go %.17g", m, k, p, i, c[i], want[i])
					}
				}
			}
		}
	}
}

func TestTranspose(t *testing.T) {
	have := useAVX512
	defer func() { useAVX512 = have }()
	for _, wide := range []bool{false, true} {
		useAVX512 = wide && have
		for _, rc := range [][2]int{{1, 1}, {3, 5}, {8, 8}, {64, 64}, {16, 40}, {64, 2}, {4, 64}, {12, 8}, {4, 4}, {8, 12}, {64, 1}, {5, 1}} {
			r, c := rc[0], rc[1]
			src := make([]float64, r*c)
			for i := range src {
				src[i] = float64(i) + 0.5
			}
			dst := make([]float64, r*c)
			transpose(dst, src, r, c)
			for i := 0; i < r; i++ {
				for j := 0; j < c; j++ {
					if dst[j*r+i] != src[i*c+j] {
						t.Fatalf("AVX-512 %v %d×%d: dst[%d][%d] = %g, want %g", useAVX512, r, c, j, i, dst[j*r+i], src[i*c+j])
					}
				}
			}
		}
	}
}

// TestSixRowKernelSameBits checks that the AVX2 path's 6×8 kernel gives
// bit for bit what the 4×8 one gives (each element is summed over k in the
// same order), and agrees with the Go kernel, over row counts with and
// without leftover rows and both layouts of A, from a bias row, from C
// itself and from a separate matrix.
func TestSixRowKernelSameBits(t *testing.T) {
	if !useAVX {
		t.Skip("no assembly kernels on this machine or build")
	}
	have := useAVX512
	defer func() { useAVX512, useSix = have, true }()
	useAVX512 = false
	r := seeded.Rand(12)
	for _, m := range []int{12, 13, 15, 16, 24, 27, 64, 128} {
		for _, k := range []int{1, 4, 63, 64, 128} {
			for _, p := range []int{8, 16, 64, 70} {
				for _, transA := range []bool{false, true} {
					ars, acs := k, 1
					if transA {
						ars, acs = 1, m
					}
					a := make([]float64, m*k)
					b := make([]float64, k*p)
					src := make([]float64, m*(p+3))
					for _, s := range [][]float64{a, b, src} {
						for i := range s {
							s[i] = 2*r.Float64() - 1
						}
					}
					for _, lds := range []int{0, p, p + 3} {
						var got [2][]float64
						for i, six := range []bool{false, true} {
							useSix = six
							c := make([]float64, m*p)
							s := src
							if lds == p {
								copy(c, src) // accumulate into C
								s = c
							}
							gemm(c, s, lds, a, b, m, k, p, ars, acs)
							got[i] = c
						}
						want := make([]float64, m*p)
						s := src
						if lds == p {
							copy(want, src)
							s = want
						}
						gemmGo(want, s, lds, a, b, m, k, p, ars, acs)
						for i := range got[0] {
							if math.Float64bits(got[0][i]) != math.Float64bits(got[1][i]) {
								t.Fatalf("m=%d k=%d p=%d trans=%v lds=%d: c[%d] = %.17g with the 6×8 kernel, %.17g with the 4×8", m, k, p, transA, lds, i, got[1][i], got[0][i])
							}
							if math.Abs(got[1][i]-want[i]) > 1e-12 {
								t.Fatalf("m=%d k=%d p=%d trans=%v lds=%d: c[%d] = %.17g, Go kernel %.17g", m, k, p, transA, lds, i, got[1][i], want[i])
							}
						}
					}
				}
			}
		}
	}
}
