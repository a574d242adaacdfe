//go:build !amd64 || purego

package nn

var useAVX, useAVX512 = false, false

// useSix has no effect without the assembly kernels (see gemm_amd64.go).
var useSix = true

// setAssembly does nothing: this build has only the pure-Go kernels.
func setAssembly(bool) {}

// adamStep applies one Adam update with the constants c.
func adamStep(params, grads, m, v []float64, c *[7]float64) {
	adamStepGo(params, grads, m, v, c)
}

// tanhGrad multiplies d by 1 − y², the derivative of tanh at its output y.
func tanhGrad(d, y []float64) { tanhGradGo(d, y) }

// scale multiplies every element of x by k.
func scale(x []float64, k float64) { scaleGo(x, k) }

// colSum adds the column sums of the n×p row-major x to dst.
func colSum(dst, x []float64, n, p int) { colSumGo(dst, x, n, p) }

// dotRows adds to the m×p matrix c the products of the rows of the m×k
// matrix a with the rows of the p×k matrix bt: c += a·btᵀ.
func dotRows(c, a, bt []float64, m, k, p int) { dotRowsGo(c, a, bt, m, k, p) }

// transpose writes the transpose of the r×c matrix src into dst (c×r).
func transpose(dst, src []float64, r, c int) { transposeGo(dst, src, r, c) }
