package nn

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

// gemmColsGo computes columns from..p-1 of C += A·B. Four rows of C are
// updated per row of B, so each B value loaded serves four multiply-adds.
func gemmColsGo(c, a, b []float64, m, k, p, ars, acs, from int) {
	r := 0
	for ; r+4 <= m; r += 4 {
		c0 := c[r*p+from : (r+1)*p]
		c1 := c[(r+1)*p+from : (r+2)*p]
		c2 := c[(r+2)*p+from : (r+3)*p]
		c3 := c[(r+3)*p+from : (r+4)*p]
		for j := 0; j < k; j++ {
			a0, a1 := a[r*ars+j*acs], a[(r+1)*ars+j*acs]
			a2, a3 := a[(r+2)*ars+j*acs], a[(r+3)*ars+j*acs]
			brow := b[j*p+from : (j+1)*p]
			brow = brow[:len(c0)]
			c1, c2, c3 := c1[:len(brow)], c2[:len(brow)], c3[:len(brow)]
			for o, bv := range brow {
				c0[o] += a0 * bv
				c1[o] += a1 * bv
				c2[o] += a2 * bv
				c3[o] += a3 * bv
			}
		}
	}
	for ; r < m; r++ {
		crow := c[r*p+from : (r+1)*p]
		for j := 0; j < k; j++ {
			av := a[r*ars+j*acs]
			brow := b[j*p+from : (j+1)*p]
			brow = brow[:len(crow)]
			for o := range crow {
				crow[o] += av * brow[o]
			}
		}
	}
}

// tanhGradGo is the portable kernel of tanhGrad.
func tanhGradGo(d, y []float64) {
	y = y[:len(d)]
	for i, v := range y {
		d[i] -= d[i] * (v * v)
	}
}

// colSumGo is the portable kernel of colSum.
func colSumGo(dst, x []float64, n, p int) {
	dst = dst[:p]
	for r := 0; r < n; r++ {
		row := x[r*p : (r+1)*p]
		for j, v := range row {
			dst[j] += v
		}
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
