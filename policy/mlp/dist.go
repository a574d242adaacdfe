package mlp

import (
	"math/rand/v2"

	"github.com/pgrad/pgrad/nn"
)

// halfLog2Pi is ½·ln(2π), the constant term of a unit Gaussian's log-density.
const halfLog2Pi = 0.91893853320467274178

// logSumExp returns log Σ exp(logits) and leaves softmax(logits) in probs.
// It subtracts the largest logit first so that large logits cannot
// overflow Exp.
func logSumExp(probs, logits []float64) float64 {
	m := logits[0]
	for _, l := range logits[1:] {
		if l > m {
			m = l
		}
	}
	var z float64
	for j, l := range logits {
		e := 1.0 // exp(0) for the largest logit, the common two-action case's half
		if l != m {
			e = nn.Exp(l - m)
		}
		probs[j] = e
		z += e
	}
	inv := 1 / z
	for j := range probs {
		probs[j] *= inv
	}
	return m + nn.Log(z)
}

// CategoricalEntropy returns −Σ p log p of softmax(logits), given the
// probabilities and the log-normaliser written by logSumExp.
func categoricalEntropy(probs, logits []float64, lse float64) float64 {
	var h float64
	for j, p := range probs {
		h -= p * (logits[j] - lse)
	}
	return h
}

// CategoricalGrad writes into dLogits the gradient with respect to the
// logits of gLogp·log π(a) + gEnt·H(π), given the softmax probabilities,
// the logits and their log-normaliser. With ∂log π(a)/∂z_j = 1[j=a] − p_j
// and ∂H/∂z_j = −p_j (log p_j + H), one pass suffices.
func categoricalGrad(dLogits, probs, logits []float64, lse, h float64, a int, gLogp, gEnt float64) {
	for j, p := range probs {
		logp := logits[j] - lse
		dLogits[j] = -gLogp*p - gEnt*p*(logp+h)
	}
	dLogits[a] += gLogp
}

// SampleCategorical draws an index from probs by inverting the cumulative
// distribution with one uniform variate from r.
func SampleCategorical(probs []float64, r *rand.Rand) int {
	u := r.Float64()
	var c float64
	for j, p := range probs {
		c += p
		if u < c {
			return j
		}
	}
	// Rounding can leave the total just below u; the last non-zero
	// probability is then the right answer.
	for j := len(probs) - 1; j > 0; j-- {
		if probs[j] > 0 {
			return j
		}
	}
	return 0
}

// argmax returns the index of the largest element, the first on ties.
func argmax(x []float64) int {
	best := 0
	for j, v := range x {
		if v > x[best] {
			best = j
		}
	}
	return best
}

// gaussianLogProb returns the log-density of the diagonal Gaussian with
// means mu and log standard deviations logStd at a, summed over dimensions,
// given invStd[i] = exp(−logStd[i]), which callers compute once per batch.
func gaussianLogProb(a, mu, logStd, invStd []float64) float64 {
	var s float64
	for i := range a {
		z := (a[i] - mu[i]) * invStd[i]
		s += -0.5*z*z - logStd[i] - halfLog2Pi
	}
	return s
}

// GaussianEntropy returns the entropy of a diagonal Gaussian with the given
// log standard deviations, Σ (log σ_i + ½ log 2πe); it does not depend on
// the mean.
func GaussianEntropy(logStd []float64) float64 {
	var s float64
	for _, l := range logStd {
		s += l + halfLog2Pi + 0.5
	}
	return s
}

// gaussianGrad accumulates the gradient of gLogp·log π(a) with respect to
// the means into dMu and with respect to log σ into dLogStd (added, since
// log σ is shared by every row of a batch), given invStd[i] = exp(−log σ_i).
// The entropy term is added once per batch by the caller because
// ∂H/∂log σ_i = 1 for every row.
func gaussianGrad(dMu, dLogStd, a, mu, invStd []float64, gLogp float64) {
	for i := range a {
		inv := invStd[i]
		z := (a[i] - mu[i]) * inv
		dMu[i] = gLogp * z * inv
		dLogStd[i] += gLogp * (z*z - 1)
	}
}
