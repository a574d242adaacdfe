package nn

// gemmAcc computes C += A·B for an m×k matrix A, a k×p row-major matrix B
// and an m×p row-major matrix C. A's element (r, j) is a[r*ars+j*acs], which
// lets the backward pass read a stored matrix as its transpose.
func gemmAcc(c, a, b []float64, m, k, p, ars, acs int) {
	gemmAccGo(c, a, b, m, k, p, ars, acs)
}

// gemmAccGo is the portable kernel.
func gemmAccGo(c, a, b []float64, m, k, p, ars, acs int) {
	for r := 0; r < m; r++ {
		crow := c[r*p : (r+1)*p]
		for j := 0; j < k; j++ {
			av := a[r*ars+j*acs]
			brow := b[j*p : (j+1)*p]
			for o := range crow {
				crow[o] += av * brow[o]
			}
		}
	}
}
