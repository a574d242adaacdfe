//go:build !purego

package nn

import "golang.org/x/sys/cpu"

// useAVX is true when the CPU and OS support the AVX2+FMA kernels. Tests
// switch it off to compare the two paths.
var useAVX = hasAVX

// useAVX512 selects the 32-column AVX-512 GEMM kernel (only together with
// useAVX, whose kernels finish the narrower remainders).
var useAVX512 = hasAVX512

// What the CPU offers, whatever SetPortable chose.
var hasAVX, hasAVX512 = cpu.X86.HasAVX2 && cpu.X86.HasFMA, cpu.X86.HasAVX512F

// setAssembly turns the assembly kernels on (where the CPU has them) or
// off; see SetPortable.
func setAssembly(on bool) { useAVX, useAVX512 = on && hasAVX, on && hasAVX512 }

//go:noescape
func gemm4x32AVX512(c *float64, ldc int, a *float64, ars, acs int, b *float64, ldb int, k, blocks int, src *float64, lds int)

//go:noescape
func gemm4x8AVX(c *float64, ldc int, a *float64, ars, acs int, b *float64, ldb int, k, blocks int, src *float64, lds int)

//go:noescape
func gemm6x8AVX(c *float64, ldc int, a *float64, ars, acs int, b *float64, ldb int, k, blocks int, src *float64, lds int)

// useSix lets the AVX2 path take twelve rows at a time through two calls
// of the 6×8 kernel; tests switch it off to check that it changes no bit.
var useSix = true

//go:noescape
func gemm1x32AVX512(c *float64, a *float64, acs int, b *float64, ldb int, k, blocks int, src *float64)

//go:noescape
func gemm1x8AVX(c *float64, a *float64, acs int, b *float64, ldb int, k, blocks int, src *float64)

// gemm computes C = S + A·B for an m×k matrix A, a k×p row-major matrix B
// and m×p row-major matrices C and S. A's element (r, j) is
// a[r*ars+j*acs], which lets the backward pass read a stored matrix as its
// transpose; row r of S is src[r*lds : r*lds+p], so S can be C itself
// (lds = p: accumulate), one bias row (lds = 0) or a row of zeros. Starting
// the kernels' accumulators from S saves a pass that would first fill C.
func gemm(c, src []float64, lds int, a, b []float64, m, k, p, ars, acs int) {
	blocks := p / 8
	if !useAVX || blocks == 0 || k == 0 || m == 0 {
		gemmGo(c, src, lds, a, b, m, k, p, ars, acs)
		return
	}
	// The kernels read and write through raw pointers; these checks make
	// every address they touch lie inside the slices.
	if len(c) < m*p || len(b) < k*p || len(a) <= (m-1)*ars+(k-1)*acs || len(src) < (m-1)*lds+p {
		panic("nn: gemm: slice too short")
	}
	wide := 0
	if useAVX512 {
		wide = p / 32
	}
	// Split k so that the rows of B one pass streams through stay in the
	// L1 cache (32 KB of them) while every block of four rows of C
	// reuses them; the backward pass's dW has k = batch = 128 and would
	// otherwise read B from L2 for each block.
	kc := k
	if k*p > 4096 {
		kc = max(4096/p, 8)
	}
	rest := blocks - 4*wide
	// Without AVX-512, rows go twelve at a time through two 6×8 kernels
	// (twelve accumulators keep both FMA pipes busy; eight leave them
	// waiting on the FMA latency), and the rest of the rows that make up
	// whole fours through the 4×8 one. Both sum each element of C over k
	// in the same order, so which rows each takes changes no bit, and the
	// rows left over after the fours still go through gemm1x8AVX as before.
	m4 := m &^ 3
	r := 0
	for r+4 <= m {
		h := 4
		if wide == 0 && useSix && r+12 <= m4 {
			h = 12
		}
		// The first slice of k starts from S, the others from C.
		sp, ls := src[r*lds:], lds
		for j := 0; j < k; j += kc {
			kn := min(kc, k-j)
			ap := &a[r*ars+j*acs]
			if h == 12 {
				gemm6x8AVX(&c[r*p], p, ap, ars, acs, &b[j*p], p, kn, blocks, &sp[0], ls)
				gemm6x8AVX(&c[(r+6)*p], p, &a[(r+6)*ars+j*acs], ars, acs, &b[j*p], p, kn, blocks, &sp[6*ls], ls)
				sp, ls = c[r*p:], p
				continue
			}
			if wide > 0 {
				gemm4x32AVX512(&c[r*p], p, ap, ars, acs, &b[j*p], p, kn, wide, &sp[0], ls)
			}
			if rest > 0 {
				gemm4x8AVX(&c[r*p+32*wide], p, ap, ars, acs, &b[j*p+32*wide], p, kn, rest, &sp[32*wide], ls)
			}
			sp, ls = c[r*p:], p
		}
		r += h
	}
	for ; r < m; r++ {
		if wide > 0 {
			gemm1x32AVX512(&c[r*p], &a[r*ars], acs, &b[0], p, k, wide, &src[r*lds])
		}
		if rest > 0 {
			gemm1x8AVX(&c[r*p+32*wide], &a[r*ars], acs, &b[32*wide], p, k, rest, &src[r*lds+32*wide])
		}
	}
	if from := blocks * 8; from < p {
		if !aliases(c, src, lds, p) {
			for r := 0; r < m; r++ {
				copy(c[r*p+from:(r+1)*p], src[r*lds+from:r*lds+p])
			}
		}
		gemmColsGo(c, a, b, m, k, p, ars, acs, from)
	}
}

//go:noescape
func tanhAVX(x *float64, n int)

//go:noescape
func tanhAVX512(x *float64, n int)

// tanhInPlace replaces every element by its hyperbolic tangent.
func tanhInPlace(y []float64) {
	n := 0
	if useAVX512 && useAVX && len(y) >= 8 {
		n = len(y) &^ 7
		tanhAVX512(&y[0], n)
	}
	if m := (len(y) - n) &^ 3; useAVX && m > 0 {
		tanhAVX(&y[n], m)
		n += m
	}
	tanhSliceGo(y[n:])
}

//go:noescape
func adamAVX(p, gr, m, v *float64, n int, c *[7]float64)

//go:noescape
func adamAVX512(p, gr, m, v *float64, n int, c *[7]float64)

// adamStep applies one Adam update with the constants c (see adamAVX).
func adamStep(params, grads, m, v []float64, c *[7]float64) {
	n := 0
	if useAVX512 && useAVX && len(params) >= 8 {
		n = len(params) &^ 7
		_, _, _ = grads[n-1], m[n-1], v[n-1]
		adamAVX512(&params[0], &grads[0], &m[0], &v[0], n, c)
	}
	if k := (len(params) - n) &^ 3; useAVX && k > 0 {
		_, _, _ = grads[n+k-1], m[n+k-1], v[n+k-1]
		adamAVX(&params[n], &grads[n], &m[n], &v[n], k, c)
		n += k
	}
	adamStepGo(params[n:], grads[n:], m[n:], v[n:], c)
}

//go:noescape
func tanhGradAVX(d, y *float64, n int)

//go:noescape
func colSumAVX(dst, x *float64, n, p int)

//go:noescape
func scaleAVX(x *float64, n int, k float64)

// scale multiplies every element of x by k.
func scale(x []float64, k float64) {
	n := len(x) &^ 3
	if useAVX && n > 0 {
		scaleAVX(&x[0], n, k)
	} else {
		n = 0
	}
	scaleGo(x[n:], k)
}

// tanhGrad multiplies d by 1 − y², the derivative of tanh at its output y.
func tanhGrad(d, y []float64) {
	n := len(d) &^ 3
	if useAVX && n > 0 {
		_ = y[n-1]
		tanhGradAVX(&d[0], &y[0], n)
	} else {
		n = 0
	}
	tanhGradGo(d[n:], y[n:])
}

// colSum adds the column sums of the n×p row-major x to dst.
func colSum(dst, x []float64, n, p int) {
	if useAVX && p%8 == 0 && n > 0 {
		_, _ = dst[p-1], x[n*p-1]
		colSumAVX(&dst[0], &x[0], n, p)
		return
	}
	colSumGo(dst, x, n, p)
}

//go:noescape
func dotRowsAVX(c, a, bt *float64, m, k, p int)

// dotRows adds to the m×p matrix c the products of the rows of the m×k
// matrix a with the rows of the p×k matrix bt: c += a·btᵀ.
func dotRows(c, a, bt []float64, m, k, p int) {
	if useAVX && k%8 == 0 && m > 0 && p > 0 {
		_, _, _ = c[m*p-1], a[m*k-1], bt[p*k-1]
		dotRowsAVX(&c[0], &a[0], &bt[0], m, k, p)
		return
	}
	dotRowsGo(c, a, bt, m, k, p)
}

//go:noescape
func transposeAVX512(dst, src *float64, r, c int)

//go:noescape
func transposeAVX(dst, src *float64, r, c int)

// transpose writes the transpose of the r×c matrix src into dst (c×r).
func transpose(dst, src []float64, r, c int) {
	if useAVX512 && r%8 == 0 && c%8 == 0 && r > 0 && c > 0 {
		_, _ = dst[r*c-1], src[r*c-1]
		transposeAVX512(&dst[0], &src[0], r, c)
		return
	}
	if useAVX && r%4 == 0 && c%4 == 0 && r > 0 && c > 0 {
		_, _ = dst[r*c-1], src[r*c-1]
		transposeAVX(&dst[0], &src[0], r, c)
		return
	}
	if useAVX && c == 1 {
		// A column's transpose is a row of the same values in the same
		// order (the value head's weights).
		copy(dst[:r], src[:r])
		return
	}
	transposeGo(dst, src, r, c)
}
