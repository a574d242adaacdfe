// Package policy holds the tabular policies of pgrad: a softmax over the
// actions of each state, and a 2-D Gaussian with learnable mean and log
// standard deviation. Each has Sample (with an explicit source of
// randomness), LogProb, the analytic gradient of log π with respect to its
// parameters into a caller-owned buffer, and Entropy.
//
// Exponentials and logarithms come from internal/fmath, so a policy gives
// the same bits in the browser (wasm) and in the terminal.
package policy

import (
	"fmt"
	"math/rand/v2"

	"github.com/pgrad/pgrad/internal/fmath"
)

// A Softmax is a tabular policy: π(a|s) = exp θ[s][a] / Σ_b exp θ[s][b],
// with θ stored row by row in Theta (len States*Actions).
type Softmax struct {
	States, Actions int
	Theta           []float64
}

// NewSoftmax returns the uniform policy (θ = 0) over the given numbers of
// states and actions. It panics if either is not positive.
func NewSoftmax(states, actions int) *Softmax {
	if states <= 0 || actions <= 0 {
		panic(fmt.Sprintf("policy: NewSoftmax(%d, %d): sizes must be positive", states, actions))
	}
	return &Softmax{States: states, Actions: actions, Theta: make([]float64, states*actions)}
}

// Row returns θ[s], a view into Theta.
func (p *Softmax) Row(s int) []float64 { return p.Theta[s*p.Actions : (s+1)*p.Actions] }

// Probs writes π(·|s) into dst (len Actions).
func (p *Softmax) Probs(dst []float64, s int) {
	SoftmaxInto(dst, nil, p.Row(s))
}

// SoftmaxInto writes softmax(theta) into probs and, unless logp is nil,
// log softmax(theta) into logp, and returns the entropy. It takes one
// exponential per entry and one logarithm, which is what a learner that
// refreshes its cached rows after every update wants. It panics if the
// lengths differ.
func SoftmaxInto(probs, logp, theta []float64) (entropy float64) {
	if len(probs) != len(theta) || logp != nil && len(logp) != len(theta) {
		panic("policy: SoftmaxInto: length mismatch")
	}
	m := theta[0]
	for _, t := range theta[1:] {
		if t > m {
			m = t
		}
	}
	var z float64
	for i, t := range theta {
		e := fmath.Exp(t - m)
		probs[i] = e
		z += e
	}
	lz := fmath.Log(z)
	for i, t := range theta {
		probs[i] /= z
		l := (t - m) - lz
		if logp != nil {
			logp[i] = l
		}
		entropy -= float64(probs[i] * l)
	}
	return entropy
}

// Sample draws an action from π(·|s) using r.
func (p *Softmax) Sample(r *rand.Rand, s int) int {
	u := r.Float64()
	row := p.Row(s)
	var buf [16]float64
	pr := scratch(&buf, len(row))
	SoftmaxInto(pr, nil, row)
	var c float64
	for a, q := range pr {
		c += q
		if u < c {
			return a
		}
	}
	return len(row) - 1 // u fell in the rounding gap above the last sum
}

// LogProb returns log π(a|s).
func (p *Softmax) LogProb(s, a int) float64 {
	var pb, lb [16]float64
	lp := scratch(&lb, p.Actions)
	SoftmaxInto(scratch(&pb, p.Actions), lp, p.Row(s))
	return lp[a]
}

// GradLogProb writes ∂ log π(a|s) / ∂θ[s][·] = onehot(a) − π(·|s) into dst
// (len Actions). The gradient with respect to every other row is zero.
func (p *Softmax) GradLogProb(dst []float64, s, a int) {
	SoftmaxInto(dst, nil, p.Row(s))
	for i := range dst {
		dst[i] = -dst[i]
	}
	dst[a]++
}

// Entropy returns H(π(·|s)) = −Σ_a π(a|s) log π(a|s).
func (p *Softmax) Entropy(s int) float64 {
	var buf [16]float64
	return SoftmaxInto(scratch(&buf, p.Actions), nil, p.Row(s))
}

// GradEntropy writes ∂H(π(·|s))/∂θ[s][j] = −π(j|s)(log π(j|s) + H) into
// dst (len Actions).
func (p *Softmax) GradEntropy(dst []float64, s int) {
	var buf [16]float64
	pr := scratch(&buf, p.Actions)
	h := SoftmaxInto(pr, dst, p.Row(s))
	for j, l := range dst {
		dst[j] = -float64(pr[j] * (l + h))
	}
}

// scratch returns n entries of buf, or new ones when buf is too short.
func scratch(buf *[16]float64, n int) []float64 {
	if n <= len(buf) {
		return buf[:n]
	}
	return make([]float64, n)
}

// Greedy returns the most probable action in s (the lowest index on ties).
func (p *Softmax) Greedy(s int) int {
	row := p.Row(s)
	best := 0
	for a, t := range row {
		if t > row[best] {
			best = a
		}
	}
	return best
}

// Reset sets θ to zero, the uniform policy.
func (p *Softmax) Reset() { clear(p.Theta) }
