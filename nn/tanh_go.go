//go:build (!amd64 && !wasm) || purego

package nn

// tanhInPlace replaces every element by its hyperbolic tangent.
func tanhInPlace(y []float64) { tanhSliceGo(y) }
