//go:build !purego

package nn

// tanhInPlace replaces every element by its hyperbolic tangent: tanhSliceGo's
// bits, from the assembly kernel tanhSliceWasm.
func tanhInPlace(y []float64) {
	if len(y) > 0 {
		tanhSliceWasm(&y[0], len(y))
	}
}

// tanhSliceWasm replaces each of the n ≥ 1 elements at y by tanhGo of it,
// with tanhSliceGo's operations in its order, so bit for bit. It is a leaf
// with no calls, so it runs without the block dispatch every loop
// iteration of compiled Go pays under WebAssembly. It is in tanh_wasm.s.
//
//go:noescape
func tanhSliceWasm(y *float64, n int)
