package nn

import "unsafe"

// gemmAcc computes C += A·B for an m×k matrix A, a k×p row-major matrix B
// and an m×p row-major matrix C; see gemm.
func gemmAcc(c, a, b []float64, m, k, p, ars, acs int) {
	gemm(c, c, p, a, b, m, k, p, ars, acs)
}

// gemmAccGo is the portable kernel of gemmAcc.
func gemmAccGo(c, a, b []float64, m, k, p, ars, acs int) {
	gemmColsGo(c, a, b, m, k, p, ars, acs, 0)
}

// gemmGo is the portable kernel of gemm: C = S + A·B with row r of S at
// src[r*lds : r*lds+p].
func gemmGo(c, src []float64, lds int, a, b []float64, m, k, p, ars, acs int) {
	if !aliases(c, src, lds, p) {
		for r := 0; r < m; r++ {
			copy(c[r*p:(r+1)*p], src[r*lds:r*lds+p])
		}
	}
	gemmColsGo(c, a, b, m, k, p, ars, acs, 0)
}

// aliases reports whether S (src with row stride lds) is C itself.
func aliases(c, src []float64, lds, p int) bool {
	return lds == p && len(c) > 0 && len(src) > 0 && &c[0] == &src[0]
}

// gemmColsGo computes columns from..p-1 of C += A·B. Every element of C is
// its old value plus a[r][0]·b[0][o], then a[r][1]·b[1][o], … in the order
// j = 0..k-1, each product rounded before it is added (the float64
// conversions forbid a fused multiply-add on any platform), so the result
// is the same bit for bit however the loops below are blocked and on every
// platform: the portable mode's promise.
//
// Four rows of C are updated per row of B, eight columns per step, so each
// B value loaded serves four multiply-adds and each step is one long basic
// block: under WebAssembly every loop iteration costs a jump through Go's
// block dispatch, so longer bodies run faster there (1.8–2.9× on the
// hidden-layer shapes in Node 20, see bench/RESULTS.md). The unrolled body
// reads and writes through pointers; the slices it covers are bounds-checked
// once, just before. Fewer than four leftover rows are taken two or one at a
// time with their four columns' sums held in registers.
func gemmColsGo(c, a, b []float64, m, k, p, ars, acs, from int) {
	n := p - from
	if n <= 0 || k <= 0 {
		return
	}
	r := 0
	if k < 8 {
		r = gemmFourRowsGo(c, a, b, m, k, p, ars, acs, from)
	}
	for ; r+2 <= m; r += 2 {
		gemmTwoRowsGo(c, a, b, r, k, p, ars, acs, from)
	}
	if r < m {
		gemmOneRowGo(c, a, b, r, k, p, ars, acs, from)
	}
}

// gemmFourRowsGo computes columns from..p-1 of C += A·B (see gemmColsGo)
// for the rows in whole blocks of four and returns how many rows that is:
// each B value loaded serves four rows, eight columns per loop iteration,
// C updated in memory. It beats the two-row kernel when k is small (a
// first layer's few inputs), where the register sums would be loaded and
// stored again after only k steps.
func gemmFourRowsGo(c, a, b []float64, m, k, p, ars, acs, from int) int {
	n := p - from
	n8 := n &^ 7
	r := 0
	for ; r+4 <= m; r += 4 {
		c0 := c[r*p+from : (r+1)*p]
		c1 := c[(r+1)*p+from : (r+2)*p][:n]
		c2 := c[(r+2)*p+from : (r+3)*p][:n]
		c3 := c[(r+3)*p+from : (r+4)*p][:n]
		for j := 0; j < k; j++ {
			a0, a1 := a[r*ars+j*acs], a[(r+1)*ars+j*acs]
			a2, a3 := a[(r+2)*ars+j*acs], a[(r+3)*ars+j*acs]
			brow := b[j*p+from : (j+1)*p][:n]
			if n8 > 0 {
				// c0..c3 and brow hold n ≥ n8 elements: every address below
				// lies inside them.
				pb := unsafe.Pointer(&brow[0])
				p0, p1 := unsafe.Pointer(&c0[0]), unsafe.Pointer(&c1[0])
				p2, p3 := unsafe.Pointer(&c2[0]), unsafe.Pointer(&c3[0])
				for o := 0; o < n8; o += 8 {
					bq := (*[8]float64)(unsafe.Add(pb, o*8))
					q0 := (*[8]float64)(unsafe.Add(p0, o*8))
					q1 := (*[8]float64)(unsafe.Add(p1, o*8))
					q2 := (*[8]float64)(unsafe.Add(p2, o*8))
					q3 := (*[8]float64)(unsafe.Add(p3, o*8))
					b0, b1, b2, b3 := bq[0], bq[1], bq[2], bq[3]
					q0[0] += float64(a0 * b0)
					q0[1] += float64(a0 * b1)
					q0[2] += float64(a0 * b2)
					q0[3] += float64(a0 * b3)
					q1[0] += float64(a1 * b0)
					q1[1] += float64(a1 * b1)
					q1[2] += float64(a1 * b2)
					q1[3] += float64(a1 * b3)
					q2[0] += float64(a2 * b0)
					q2[1] += float64(a2 * b1)
					q2[2] += float64(a2 * b2)
					q2[3] += float64(a2 * b3)
					q3[0] += float64(a3 * b0)
					q3[1] += float64(a3 * b1)
					q3[2] += float64(a3 * b2)
					q3[3] += float64(a3 * b3)
					b0, b1, b2, b3 = bq[4], bq[5], bq[6], bq[7]
					q0[4] += float64(a0 * b0)
					q0[5] += float64(a0 * b1)
					q0[6] += float64(a0 * b2)
					q0[7] += float64(a0 * b3)
					q1[4] += float64(a1 * b0)
					q1[5] += float64(a1 * b1)
					q1[6] += float64(a1 * b2)
					q1[7] += float64(a1 * b3)
					q2[4] += float64(a2 * b0)
					q2[5] += float64(a2 * b1)
					q2[6] += float64(a2 * b2)
					q2[7] += float64(a2 * b3)
					q3[4] += float64(a3 * b0)
					q3[5] += float64(a3 * b1)
					q3[6] += float64(a3 * b2)
					q3[7] += float64(a3 * b3)
				}
			}
			for o := n8; o < n; o++ {
				bv := brow[o]
				c0[o] += float64(a0 * bv)
				c1[o] += float64(a1 * bv)
				c2[o] += float64(a2 * bv)
				c3[o] += float64(a3 * bv)
			}
		}
	}
	return r
}

// gemmTwoRowsGo computes columns from..p-1 of rows r and r+1 of C += A·B
// (see gemmColsGo), four columns at a time with the eight sums in
// registers (eight sums, two values of A and four of B fit the sixteen
// floating-point registers Go's amd64 and wasm back ends allocate), four
// steps of j per loop iteration. k must be ≥ 1.
func gemmTwoRowsGo(c, a, b []float64, r, k, p, ars, acs, from int) {
	// The largest indices read below (the strides are ≥ 0): every pointer
	// formed lies inside a or b.
	_ = a[(r+1)*ars+(k-1)*acs]
	_ = b[(k-1)*p+p-1]
	sa, sb := uintptr(acs*8), uintptr(p*8)
	k4 := k &^ 3
	o := from
	for ; o+4 <= p; o += 4 {
		q0 := (*[4]float64)(c[r*p+o : r*p+o+4])
		q1 := (*[4]float64)(c[(r+1)*p+o : (r+1)*p+o+4])
		c00, c01, c02, c03 := q0[0], q0[1], q0[2], q0[3]
		c10, c11, c12, c13 := q1[0], q1[1], q1[2], q1[3]
		pa0, pa1 := unsafe.Pointer(&a[r*ars]), unsafe.Pointer(&a[(r+1)*ars])
		pb := unsafe.Pointer(&b[o])
		// Byte offsets, made into pointers only while inside the slices.
		var ia, ib uintptr
		var bq *[4]float64
		var a0, a1, b0, b1, b2, b3 float64
		j := 0
		for ; j < k4; j += 4 {
			bq = (*[4]float64)(unsafe.Add(pb, ib))
			a0, a1 = *(*float64)(unsafe.Add(pa0, ia)), *(*float64)(unsafe.Add(pa1, ia))
			b0, b1, b2, b3 = bq[0], bq[1], bq[2], bq[3]
			c00 += float64(a0 * b0)
			c01 += float64(a0 * b1)
			c02 += float64(a0 * b2)
			c03 += float64(a0 * b3)
			c10 += float64(a1 * b0)
			c11 += float64(a1 * b1)
			c12 += float64(a1 * b2)
			c13 += float64(a1 * b3)
			bq = (*[4]float64)(unsafe.Add(pb, ib+1*sb))
			a0, a1 = *(*float64)(unsafe.Add(pa0, ia+1*sa)), *(*float64)(unsafe.Add(pa1, ia+1*sa))
			b0, b1, b2, b3 = bq[0], bq[1], bq[2], bq[3]
			c00 += float64(a0 * b0)
			c01 += float64(a0 * b1)
			c02 += float64(a0 * b2)
			c03 += float64(a0 * b3)
			c10 += float64(a1 * b0)
			c11 += float64(a1 * b1)
			c12 += float64(a1 * b2)
			c13 += float64(a1 * b3)
			bq = (*[4]float64)(unsafe.Add(pb, ib+2*sb))
			a0, a1 = *(*float64)(unsafe.Add(pa0, ia+2*sa)), *(*float64)(unsafe.Add(pa1, ia+2*sa))
			b0, b1, b2, b3 = bq[0], bq[1], bq[2], bq[3]
			c00 += float64(a0 * b0)
			c01 += float64(a0 * b1)
			c02 += float64(a0 * b2)
			c03 += float64(a0 * b3)
			c10 += float64(a1 * b0)
			c11 += float64(a1 * b1)
			c12 += float64(a1 * b2)
			c13 += float64(a1 * b3)
			bq = (*[4]float64)(unsafe.Add(pb, ib+3*sb))
			a0, a1 = *(*float64)(unsafe.Add(pa0, ia+3*sa)), *(*float64)(unsafe.Add(pa1, ia+3*sa))
			b0, b1, b2, b3 = bq[0], bq[1], bq[2], bq[3]
			c00 += float64(a0 * b0)
			c01 += float64(a0 * b1)
			c02 += float64(a0 * b2)
			c03 += float64(a0 * b3)
			c10 += float64(a1 * b0)
			c11 += float64(a1 * b1)
			c12 += float64(a1 * b2)
			c13 += float64(a1 * b3)
			ia, ib = ia+4*sa, ib+4*sb
		}
		for ; j < k; j++ {
			bq = (*[4]float64)(unsafe.Add(pb, ib))
			a0, a1 = *(*float64)(unsafe.Add(pa0, ia)), *(*float64)(unsafe.Add(pa1, ia))
			b0, b1, b2, b3 = bq[0], bq[1], bq[2], bq[3]
			c00 += float64(a0 * b0)
			c01 += float64(a0 * b1)
			c02 += float64(a0 * b2)
			c03 += float64(a0 * b3)
			c10 += float64(a1 * b0)
			c11 += float64(a1 * b1)
			c12 += float64(a1 * b2)
			c13 += float64(a1 * b3)
			ia, ib = ia+sa, ib+sb
		}
		q0[0], q0[1], q0[2], q0[3] = c00, c01, c02, c03
		q1[0], q1[1], q1[2], q1[3] = c10, c11, c12, c13
	}
	for ; o < p; o++ {
		s0, s1 := c[r*p+o], c[(r+1)*p+o]
		for j := 0; j < k; j++ {
			bv := b[j*p+o]
			s0 += float64(a[r*ars+j*acs] * bv)
			s1 += float64(a[(r+1)*ars+j*acs] * bv)
		}
		c[r*p+o], c[(r+1)*p+o] = s0, s1
	}
}

// gemmOneRowGo computes columns from..p-1 of row r of C += A·B (see
// gemmColsGo), four columns at a time with their sums in registers, four
// steps of j per loop iteration. k must be ≥ 1.
func gemmOneRowGo(c, a, b []float64, r, k, p, ars, acs, from int) {
	_ = a[r*ars+(k-1)*acs]
	_ = b[(k-1)*p+p-1]
	sa, sb := uintptr(acs*8), uintptr(p*8)
	k4 := k &^ 3
	o := from
	for ; o+4 <= p; o += 4 {
		q0 := (*[4]float64)(c[r*p+o : r*p+o+4])
		c00, c01, c02, c03 := q0[0], q0[1], q0[2], q0[3]
		pa0, pb := unsafe.Pointer(&a[r*ars]), unsafe.Pointer(&b[o])
		var ia, ib uintptr
		var bq *[4]float64
		var a0, b0, b1, b2, b3 float64
		j := 0
		for ; j < k4; j += 4 {
			bq = (*[4]float64)(unsafe.Add(pb, ib))
			a0 = *(*float64)(unsafe.Add(pa0, ia))
			b0, b1, b2, b3 = bq[0], bq[1], bq[2], bq[3]
			c00 += float64(a0 * b0)
			c01 += float64(a0 * b1)
			c02 += float64(a0 * b2)
			c03 += float64(a0 * b3)
			bq = (*[4]float64)(unsafe.Add(pb, ib+1*sb))
			a0 = *(*float64)(unsafe.Add(pa0, ia+1*sa))
			b0, b1, b2, b3 = bq[0], bq[1], bq[2], bq[3]
			c00 += float64(a0 * b0)
			c01 += float64(a0 * b1)
			c02 += float64(a0 * b2)
			c03 += float64(a0 * b3)
			bq = (*[4]float64)(unsafe.Add(pb, ib+2*sb))
			a0 = *(*float64)(unsafe.Add(pa0, ia+2*sa))
			b0, b1, b2, b3 = bq[0], bq[1], bq[2], bq[3]
			c00 += float64(a0 * b0)
			c01 += float64(a0 * b1)
			c02 += float64(a0 * b2)
			c03 += float64(a0 * b3)
			bq = (*[4]float64)(unsafe.Add(pb, ib+3*sb))
			a0 = *(*float64)(unsafe.Add(pa0, ia+3*sa))
			b0, b1, b2, b3 = bq[0], bq[1], bq[2], bq[3]
			c00 += float64(a0 * b0)
			c01 += float64(a0 * b1)
			c02 += float64(a0 * b2)
			c03 += float64(a0 * b3)
			ia, ib = ia+4*sa, ib+4*sb
		}
		for ; j < k; j++ {
			bq = (*[4]float64)(unsafe.Add(pb, ib))
			a0 = *(*float64)(unsafe.Add(pa0, ia))
			b0, b1, b2, b3 = bq[0], bq[1], bq[2], bq[3]
			c00 += float64(a0 * b0)
			c01 += float64(a0 * b1)
			c02 += float64(a0 * b2)
			c03 += float64(a0 * b3)
			ia, ib = ia+sa, ib+sb
		}
		q0[0], q0[1], q0[2], q0[3] = c00, c01, c02, c03
	}
	for ; o < p; o++ {
		s := c[r*p+o]
		for j := 0; j < k; j++ {
			s += float64(a[r*ars+j*acs] * b[j*p+o])
		}
		c[r*p+o] = s
	}
}

// tanhGradGo is the portable kernel of tanhGrad, four elements per loop
// iteration (see gemmColsGo on why long bodies matter in WebAssembly).
func tanhGradGo(d, y []float64) {
	y = y[:len(d)]
	i := 0
	for ; i+4 <= len(d); i += 4 {
		q, v := (*[4]float64)(d[i:i+4]), (*[4]float64)(y[i:i+4])
		q[0] -= float64(q[0] * float64(v[0]*v[0]))
		q[1] -= float64(q[1] * float64(v[1]*v[1]))
		q[2] -= float64(q[2] * float64(v[2]*v[2]))
		q[3] -= float64(q[3] * float64(v[3]*v[3]))
	}
	for ; i < len(d); i++ {
		d[i] -= float64(d[i] * float64(y[i]*y[i]))
	}
}

// scaleGo is the portable kernel of scale.
func scaleGo(x []float64, k float64) {
	for i := range x {
		x[i] *= k
	}
}

// colSumGo is the portable kernel of colSum: four columns at a time, each
// column's sum held in a register while it runs down the rows in order,
// so every sum adds the same values in the same order as a row-by-row
// loop.
func colSumGo(dst, x []float64, n, p int) {
	dst = dst[:p]
	if n <= 0 {
		return
	}
	x = x[:n*p]
	j := 0
	for ; j+4 <= p; j += 4 {
		q := (*[4]float64)(dst[j : j+4])
		s0, s1, s2, s3 := q[0], q[1], q[2], q[3]
		for r := j; r < len(x); r += p {
			v := (*[4]float64)(x[r : r+4])
			s0 += v[0]
			s1 += v[1]
			s2 += v[2]
			s3 += v[3]
		}
		q[0], q[1], q[2], q[3] = s0, s1, s2, s3
	}
	for ; j < p; j++ {
		s := dst[j]
		for r := j; r < len(x); r += p {
			s += x[r]
		}
		dst[j] = s
	}
}

// transposeGo writes the transpose of the r×c matrix src into dst (c×r),
// four by four so that each group of stores fills consecutive addresses.
func transposeGo(dst, src []float64, r, c int) {
	i := 0
	for ; i+4 <= r; i += 4 {
		s0 := src[i*c : (i+1)*c]
		s1 := src[(i+1)*c : (i+2)*c]
		s2 := src[(i+2)*c : (i+3)*c]
		s3 := src[(i+3)*c : (i+4)*c]
		for j := 0; j < c; j++ {
			d := dst[j*r+i : j*r+i+4]
			d[0], d[1], d[2], d[3] = s0[j], s1[j], s2[j], s3[j]
		}
	}
	for ; i < r; i++ {
		for j, v := range src[i*c : (i+1)*c] {
			dst[j*r+i] = v
		}
	}
}

// dotRowsGo is the portable kernel of dotRows.
func dotRowsGo(c, a, bt []float64, m, k, p int) {
	for r := 0; r < m; r++ {
		row := a[r*k : (r+1)*k]
		for o := 0; o < p; o++ {
			c[r*p+o] += dot(row, bt[o*k:(o+1)*k])
		}
	}
}
