// Package fmath holds the few elementary functions whose results must be
// identical on every platform pgrad runs on.
//
// The standard library's math.Exp and math.Log use assembly on amd64 and
// portable Go under js/wasm, and the two can differ in the last bit. A
// browser run is only reproducible in the terminal if both use one
// implementation, so the learning code calls these instead. Every product
// below is wrapped in an explicit float64 conversion, which the Go
// specification guarantees is rounded on its own, so no platform may fuse it
// into a multiply-add.
package fmath

import "math"

const (
	ln2Hi  = 6.93147180369123816490e-01 // high bits of ln 2; k*ln2Hi is exact for |k| < 2^11
	ln2Lo  = 1.90821492927058770002e-10 // ln 2 - ln2Hi
	invLn2 = 1.44269504088896338700e+00
	expMax = 7.09782712893383973096e+02 // above this, e^x overflows
	expMin = -7.45133219101941108420e+02
)

// Exp returns e**x. It agrees with math.Exp to within two units in the last
// place and gives the same bits on every platform.
func Exp(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > expMax:
		return math.Inf(1)
	case x < expMin:
		return 0
	}
	k := math.Floor(float64(x*invLn2) + 0.5)
	r := float64(x-float64(k*ln2Hi)) - float64(k*ln2Lo)
	return scale(expSeries(r), int(k))
}

// expSeries returns e**r for |r| <= 0.35 from its Taylor series.
func expSeries(r float64) float64 {
	p := 1.0 / 6227020800 // 1/13!
	for _, c := range expCoef {
		p = float64(p*r) + c
	}
	return p
}

// expCoef holds 1/12!, 1/11!, …, 1/1!, 1/0! for Horner's rule.
var expCoef = [...]float64{
	1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320,
	1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1, 1,
}

// scale returns y * 2**k for the k that Exp can produce.
func scale(y float64, k int) float64 {
	switch {
	case k > 1023:
		return float64(y*pow2(k-1)) * 2
	case k < -1022:
		return float64(y*pow2(k+1000)) * pow2(-1000)
	}
	return float64(y * pow2(k))
}

func pow2(k int) float64 { return math.Float64frombits(uint64(k+1023) << 52) }

// Log returns the natural logarithm of x, with math.Log's special cases,
// and the same bits on every platform.
func Log(x float64) float64 {
	switch {
	case x != x || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	m, e := math.Frexp(x) // x = m * 2**e, m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	f := m - 1
	s := f / (2 + f)
	s2 := float64(s * s)
	// log(1+f) = 2 atanh(s) = 2(s + s³/3 + s⁵/5 + …); |s| < 0.172 here.
	p := 1.0 / 23
	for i := 21; i >= 1; i -= 2 {
		p = float64(p*s2) + 1/float64(i)
	}
	k := float64(e)
	return float64(k*ln2Hi) + (float64(2*float64(s*p)) + float64(k*ln2Lo))
}

// Tanh returns the hyperbolic tangent of x, with the same bits on every
// platform.
func Tanh(x float64) float64 {
	a := math.Abs(x)
	var t float64
	switch {
	case x != x:
		return x
	case a > 22:
		t = 1
	case a < 0.5:
		em := expm1Small(2 * a)
		t = em / (em + 2)
	default:
		t = 1 - 2/(Exp(2*a)+1)
	}
	return math.Copysign(t, x)
}

// expm1Small returns e**r - 1 for 0 <= r < 1 without cancellation.
func expm1Small(r float64) float64 {
	// Horner on r(1 + r/2(1 + r/3(1 + … ))) keeps every term relative.
	q := 1.0
	for i := 20; i >= 2; i-- {
		q = 1 + float64(float64(r*q)/float64(i))
	}
	return float64(r * q)
}

// Sigmoid returns 1/(1+e**-x) without overflow.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + Exp(-x))
	}
	e := Exp(x)
	return e / (1 + e)
}
