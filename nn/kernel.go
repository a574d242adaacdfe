package nn

// gemmAccGo is the portable kernel of gemmAcc.
func gemmAccGo(c, a, b []float64, m, k, p, ars, acs int) {
	gemmColsGo(c, a, b, m, k, p, ars, acs, 0)
}

// gemmColsGo computes columns from..p-1 of C += A·B.
func gemmColsGo(c, a, b []float64, m, k, p, ars, acs, from int) {
	for r := 0; r < m; r++ {
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
