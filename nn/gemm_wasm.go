//go:build !purego

package nn

// gemm computes C = S + A·B; see gemmGo. It gives gemmGo's bits: every
// element of C is summed in the same order (see gemmColsGo).
func gemm(c, src []float64, lds int, a, b []float64, m, k, p, ars, acs int) {
	if !aliases(c, src, lds, p) {
		for r := 0; r < m; r++ {
			copy(c[r*p:(r+1)*p], src[r*lds:r*lds+p])
		}
	}
	gemmColsWasm(c, a, b, m, k, p, ars, acs)
}

// gemmColsWasm computes C += A·B like gemmColsGo(c, a, b, m, k, p, ars,
// acs, 0): rows in pairs and columns in fours go to the assembly kernel
// gemmTwoRowsWasm, a leftover row and the last p mod 4 columns to the Go
// kernels. The assembly is a leaf function with no calls, so it runs
// without the block dispatch every loop iteration of compiled Go pays under
// WebAssembly. The strides must be ≥ 0.
func gemmColsWasm(c, a, b []float64, m, k, p, ars, acs int) {
	if m <= 0 || k <= 0 || p <= 0 {
		return
	}
	// The largest index the kernels read or write in each slice: with
	// strides ≥ 0 every address the assembly forms lies inside them.
	_ = c[m*p-1]
	_ = a[(m-1)*ars+(k-1)*acs]
	_ = b[(k-1)*p+p-1]
	n4 := p / 4
	r := 0
	for ; r+2 <= m; r += 2 {
		if n4 > 0 {
			gemmTwoRowsWasm(&c[r*p], &a[r*ars], &b[0], n4, k, p, ars, acs)
		}
		if 4*n4 < p {
			gemmTwoRowsGo(c, a, b, r, k, p, ars, acs, 4*n4)
		}
	}
	if r < m {
		gemmOneRowGo(c, a, b, r, k, p, ars, acs, 0)
	}
}

// gemmTwoRowsWasm adds to rows 0 and 1 of the n4 blocks of four columns
// of C at c (row stride p) the products of the two rows of A at a (row
// stride ars, column stride acs) with the k rows of B at b (row stride p),
// in gemmTwoRowsGo's order. n4 and k must be ≥ 1. It is in gemm_wasm.s.
//
//go:noescape
func gemmTwoRowsWasm(c, a, b *float64, n4, k, p, ars, acs int)
