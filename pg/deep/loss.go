package deep

import (
	"math"

	"github.com/pgrad/pgrad/nn"
)

// PolicyGradientLoss returns −mean(adv·logp), the vanilla policy-gradient
// (REINFORCE and A2C) objective to minimise, and writes its gradient with
// respect to each logp into dLogp.
func PolicyGradientLoss(dLogp, logp, adv []float64) float64 {
	inv := 1 / float64(len(logp))
	var loss float64
	for i, l := range logp {
		loss -= adv[i] * l
		dLogp[i] = -adv[i] * inv
	}
	return loss * inv
}

// ClipStats are the diagnostics of one evaluation of the clipped surrogate.
type ClipStats struct {
	ApproxKL float64 // mean of (r−1) − log r, an unbiased, non-negative estimate of KL(old‖new)
	ClipFrac float64 // fraction of samples with |r−1| > clip
}

// ClippedSurrogateLoss returns PPO's clipped surrogate
// mean(max(−A·r, −A·clip(r, 1−ε, 1+ε))) with r = exp(logp − oldLogp), and
// writes its gradient with respect to each logp into dLogp. The gradient of
// a sample is zero exactly when the clipped term is the larger one, that is
// when the ratio has already moved past the clip range in the direction the
// advantage favours.
func ClippedSurrogateLoss(dLogp, logp, oldLogp, adv []float64, clip float64) (float64, ClipStats) {
	inv := 1 / float64(len(logp))
	var loss, kl, frac float64
	for i, l := range logp {
		logr := l - oldLogp[i]
		r := nn.Exp(logr)
		a := adv[i]
		unclipped := -a * r
		clipped := -a * math.Min(math.Max(r, 1-clip), 1+clip)
		if unclipped >= clipped {
			loss += unclipped
			dLogp[i] = unclipped * inv // ∂(−A·r)/∂logp = −A·r
		} else {
			loss += clipped
			dLogp[i] = 0
		}
		kl += (r - 1) - logr
		if math.Abs(r-1) > clip {
			frac++
		}
	}
	return loss * inv, ClipStats{ApproxKL: kl * inv, ClipFrac: frac * inv}
}

// ValueLoss returns ½·mean((v − ret)²), or with clip > 0 CleanRL's clipped
// form ½·mean(max((v−ret)², (old + clip(v−old, −ε, ε) − ret)²)), and writes
// its gradient with respect to each v into dV. old is ignored when clip is
// not positive.
func ValueLoss(dV, v, old, ret []float64, clip float64) float64 {
	inv := 1 / float64(len(v))
	var loss float64
	for i, x := range v {
		e := x - ret[i]
		if clip <= 0 {
			loss += e * e
			dV[i] = e * inv
			continue
		}
		d := x - old[i]
		inside := d > -clip && d < clip
		d = math.Min(math.Max(d, -clip), clip)
		ec := old[i] + d - ret[i]
		if e*e >= ec*ec {
			loss += e * e
			dV[i] = e * inv
		} else {
			loss += ec * ec
			if inside {
				dV[i] = ec * inv
			} else {
				dV[i] = 0
			}
		}
	}
	return 0.5 * loss * inv
}

// NormalizeInPlace subtracts the mean of x and divides by its sample
// standard deviation (n−1 in the denominator, as torch.std) plus 1e-8.
func NormalizeInPlace(x []float64) {
	n := float64(len(x))
	if len(x) < 2 {
		return
	}
	var m float64
	for _, v := range x {
		m += v
	}
	m /= n
	var s float64
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	sd := math.Sqrt(s/(n-1)) + 1e-8
	for i := range x {
		x[i] = (x[i] - m) / sd
	}
}

// ExplainedVariance returns 1 − Var(ret − pred)/Var(ret) (population
// variances), or NaN when the targets have no variance.
func ExplainedVariance(pred, ret []float64) float64 {
	n := float64(len(ret))
	var mr, md float64
	for i := range ret {
		mr += ret[i]
		md += ret[i] - pred[i]
	}
	mr /= n
	md /= n
	var vr, vd float64
	for i := range ret {
		a := ret[i] - mr
		b := ret[i] - pred[i] - md
		vr += a * a
		vd += b * b
	}
	if vr == 0 {
		return math.NaN()
	}
	return 1 - vd/vr
}
