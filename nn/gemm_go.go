//go:build (!amd64 && !wasm) || purego

package nn

// gemm computes C = S + A·B; see gemmGo.
func gemm(c, src []float64, lds int, a, b []float64, m, k, p, ars, acs int) {
	gemmGo(c, src, lds, a, b, m, k, p, ars, acs)
}
