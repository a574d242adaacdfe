package policy

import (
	"math/rand/v2"

	"github.com/pgrad/pgrad/internal/fmath"
)

// log2πHalf is ½ log 2π.
const log2πHalf = 0.91893853320467274178

// A Gaussian is a policy over the plane: two independent normals with
// means Mu and standard deviations exp(LogSigma). Its parameters, in the
// order of GradLogProb, are μ₀, μ₁, log σ₀, log σ₁.
type Gaussian struct {
	Mu       [2]float64
	LogSigma [2]float64
}

// NumParams is the number of parameters of a Gaussian.
const NumParams = 4

// Sigma returns the standard deviations.
func (g *Gaussian) Sigma() [2]float64 {
	return [2]float64{fmath.Exp(g.LogSigma[0]), fmath.Exp(g.LogSigma[1])}
}

// Sample draws a point from the policy using r.
func (g *Gaussian) Sample(r *rand.Rand) [2]float64 {
	return g.SampleSigma(r, g.Sigma())
}

// SampleSigma is Sample with the standard deviations s = g.Sigma()
// computed by the caller, who may keep them between parameter changes.
func (g *Gaussian) SampleSigma(r *rand.Rand, s [2]float64) [2]float64 {
	return [2]float64{
		g.Mu[0] + float64(s[0]*fmath.Normal(r)),
		g.Mu[1] + float64(s[1]*fmath.Normal(r)),
	}
}

// LogProb returns log π(a) = Σ_i −(a_i−μ_i)²/(2σ_i²) − log σ_i − ½ log 2π.
func (g *Gaussian) LogProb(a [2]float64) float64 {
	var lp float64
	for i := range 2 {
		z := (a[i] - g.Mu[i]) / fmath.Exp(g.LogSigma[i])
		lp += -0.5*float64(z*z) - g.LogSigma[i] - log2πHalf
	}
	return lp
}

// GradLogProb writes the gradient of log π(a) into dst (len NumParams):
// ∂/∂μ_i = (a_i−μ_i)/σ_i² and ∂/∂log σ_i = (a_i−μ_i)²/σ_i² − 1. It panics
// if dst is shorter than NumParams.
func (g *Gaussian) GradLogProb(dst []float64, a [2]float64) {
	g.GradLogProbSigma(dst, a, g.Sigma())
}

// GradLogProbSigma is GradLogProb with s = g.Sigma() computed by the
// caller.
func (g *Gaussian) GradLogProbSigma(dst []float64, a, s [2]float64) {
	_ = dst[NumParams-1]
	for i := range 2 {
		z := (a[i] - g.Mu[i]) / s[i]
		dst[i] = z / s[i]
		dst[2+i] = float64(z*z) - 1
	}
}

// Entropy returns Σ_i (log σ_i + ½(1 + log 2π)), the entropy of each of
// the two independent dimensions summed. Its gradient is 0 with respect to
// μ and 1 with respect to each log σ_i.
func (g *Gaussian) Entropy() float64 {
	return g.LogSigma[0] + g.LogSigma[1] + 2*(0.5+log2πHalf)
}
