package nn

import "math"

// The Taylor coefficients cN = 1/N! of e^r and the reduction constants,
// the same values as in the assembly kernels' table.
const (
	c2, c3, c4, c5, c6, c7 = 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040
	c8, c9, c10, c11       = 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800
	c12, c13               = 1.0 / 479001600, 1.0 / 6227020800

	ln2Hi   = 6.93147180369123816490e-01 // k·ln2Hi is exact for the k used here
	ln2Lo   = 1.90821492927058770002e-10
	shifter = 6755399441055744.0 // 1.5·2^52: adding it rounds to an integer kept in the low bits
)

// tanhGo is the portable twin of the assembly tanh: the same formula,
// constants and evaluation order (Estrin's scheme), so the two agree to a
// few units in the last place. It is accurate to about 4e-16 absolute,
// which is all a hidden layer needs.
func tanhGo(x float64) float64 {
	a := math.Abs(x)
	if !(a <= 20) { // also catches NaN
		if a != a {
			return x
		}
		a = 20
	}
	t := 2 * a
	kd := t*(1/math.Ln2) + shifter
	k := kd - shifter
	r := t - k*ln2Hi
	r -= k * ln2Lo
	r2 := r * r
	r4 := r2 * r2
	p := (1 + r) + (c2+c3*r)*r2 + ((c4+c5*r)+(c6+c7*r)*r2)*r4 +
		(((c8+c9*r)+(c10+c11*r)*r2)+(c12+c13*r)*r4)*(r4*r4)
	e := p * math.Float64frombits(math.Float64bits(kd)<<52+0x3ff0000000000000)
	return math.Copysign(1-2/(e+1), x)
}

// tanhSliceGo replaces every element of y by tanhGo of it, bit for bit,
// with tanhGo's body written out in the loop: under WebAssembly a call per
// element costs a trip through Go's call and block dispatch, a third or
// more of tanh's time there.
func tanhSliceGo(y []float64) {
	for i, x := range y {
		a := math.Abs(x)
		if !(a <= 20) {
			if a != a {
				continue // tanh(NaN) is x itself, as in tanhGo
			}
			a = 20
		}
		t := 2 * a
		kd := t*(1/math.Ln2) + shifter
		k := kd - shifter
		r := t - k*ln2Hi
		r -= k * ln2Lo
		r2 := r * r
		r4 := r2 * r2
		p := (1 + r) + (c2+c3*r)*r2 + ((c4+c5*r)+(c6+c7*r)*r2)*r4 +
			(((c8+c9*r)+(c10+c11*r)*r2)+(c12+c13*r)*r4)*(r4*r4)
		e := p * math.Float64frombits(math.Float64bits(kd)<<52+0x3ff0000000000000)
		y[i] = math.Copysign(1-2/(e+1), x)
	}
}
