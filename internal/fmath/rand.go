package fmath

import (
	"math"
	"math/rand/v2"
)

// Normal returns a standard normal variate drawn from r by Marsaglia's polar
// method. rand.NormFloat64 calls math.Exp, whose last bit depends on the
// platform; this uses only Log and Sqrt, so a seed gives the same draws in
// the browser and in the terminal.
func Normal(r *rand.Rand) float64 {
	for {
		u := 2*r.Float64() - 1
		v := 2*r.Float64() - 1
		s := float64(u*u) + float64(v*v)
		if s > 0 && s < 1 {
			return float64(u * math.Sqrt(-2*Log(s)/s))
		}
	}
}
