package nn

import (
	"fmt"
	"math"
)

// Adam is the Adam optimiser of Kingma and Ba with bias correction, in the
// form torch.optim.Adam uses: the step is lr·m̂/(√v̂ + ε).
type Adam struct {
	LR, Eps      float64
	Beta1, Beta2 float64
	m, v         []float64
	t            int
}

// NewAdam returns an optimiser for n parameters with β1 = 0.9, β2 = 0.999.
func NewAdam(n int, lr, eps float64) *Adam {
	return &Adam{LR: lr, Eps: eps, Beta1: 0.9, Beta2: 0.999, m: make([]float64, n), v: make([]float64, n)}
}

// Steps returns how many updates have been taken.
func (a *Adam) Steps() int { return a.t }

// Moments returns the first and second moment estimates (the optimiser's
// storage, not copies) and the step count: what a checkpoint saves to
// resume exactly.
func (a *Adam) Moments() (m, v []float64, steps int) { return a.m, a.v, a.t }

// SetMoments restores moment estimates and a step count returned by
// Moments. It panics if the lengths differ from the optimiser's size.
func (a *Adam) SetMoments(m, v []float64, steps int) {
	if len(m) != len(a.m) || len(v) != len(a.v) {
		panic(fmt.Sprintf("nn: Adam of size %d given moments of %d and %d", len(a.m), len(m), len(v)))
	}
	copy(a.m, m)
	copy(a.v, v)
	a.t = steps
}

// Reset forgets the moment estimates and the step count.
func (a *Adam) Reset() {
	clear(a.m)
	clear(a.v)
	a.t = 0
}

// Step moves params against grads (gradient descent). It panics if either
// slice's length differs from the optimiser's size.
func (a *Adam) Step(params, grads []float64) {
	n := len(a.m)
	if len(params) != n || len(grads) != n {
		panic(fmt.Sprintf("nn: Adam of size %d stepping %d params with %d grads", n, len(params), len(grads)))
	}
	a.t++
	b1, b2 := a.Beta1, a.Beta2
	// torch's formulation, p -= lr/c1 · m/(√v/√c2 + ε), with the division by
	// √c2 done as a multiplication by its reciprocal.
	c := [7]float64{b1, 1 - b1, b2, 1 - b2,
		a.LR / (1 - math.Pow(b1, float64(a.t))),
		1 / math.Sqrt(1-math.Pow(b2, float64(a.t))),
		a.Eps}
	adamStep(params, grads, a.m, a.v, &c)
}

// adamStepGo is the portable kernel of adamStep.
func adamStepGo(params, grads, m, v []float64, c *[7]float64) {
	n := len(params)
	grads, m, v = grads[:n], m[:n], v[:n]
	for i, g := range grads {
		mi := c[0]*m[i] + c[1]*g
		vi := c[2]*v[i] + c[3]*(g*g)
		m[i], v[i] = mi, vi
		params[i] -= c[4] * mi / (math.Sqrt(vi)*c[5] + c[6])
	}
}

// ClipGradNorm scales grads in place so that their Euclidean norm is at
// most maxNorm, and returns the norm before clipping.
func ClipGradNorm(grads []float64, maxNorm float64) float64 {
	norm := math.Sqrt(SumSquares(grads))
	ScaleToNorm(norm, maxNorm, grads)
	return norm
}

// ScaleToNorm scales every group in place so that the Euclidean norm of all
// of them together, given as norm, is at most maxNorm. Like torch's
// clip_grad_norm_ over all of a model's parameters, it multiplies by
// maxNorm/(norm+1e-6) whenever that factor is below one. Taking the norm
// as an argument lets a caller sum the squares of its groups where and in
// the order it likes (SumSquares of each).
func ScaleToNorm(norm, maxNorm float64, groups ...[]float64) {
	if k := maxNorm / (norm + 1e-6); k < 1 {
		for _, g := range groups {
			scale(g, k)
		}
	}
}

// SumSquares returns Σ x², the squared Euclidean norm of x.
func SumSquares(x []float64) float64 { return dot(x, x) }
