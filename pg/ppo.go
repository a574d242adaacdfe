package pg

import (
	"math"
	"math/rand/v2"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/fmath"
	"github.com/pgrad/pgrad/policy"
)

// SurrogateStats describe a batch under the θ a Surrogate call saw.
type SurrogateStats struct {
	L                  float64 // the objective
	Clipped            int     // samples whose term is flat in θ (zero gradient)
	MinRatio, MaxRatio float64 // extremes of r = π(a|s)/π_old(a|s)
}

// Surrogate writes the gradient of PPO's objective (Schulman et al. 2017)
// at p's θ into grad (len States*4) and returns the objective:
//
//	L(θ) = (1/B)·Σ_i [ min(r_i·Â_i, clip(r_i, 1−ε, 1+ε)·Â_i) + β·H(π(·|s_i)) ]
//
// with r_i = π(a_i|s_i)/π_old(a_i|s_i) and B = rollouts, so that at θ_old
// the gradient is the actor-critic step's. With clip false the first term
// is the plain importance-weighted r_i·Â_i, whose gradient at θ_old is the
// same policy gradient. A term whose min picks the clipped side strictly
// (Â > 0 and r > 1+ε, or Â < 0 and r < 1−ε) is flat: it adds nothing to
// the gradient and counts as clipped. It panics if grad has the wrong
// length.
func Surrogate(grad []float64, p *policy.Softmax, batch []Sample, rollouts int, eps, beta float64, clip bool) SurrogateStats {
	if len(grad) != len(p.Theta) {
		panic("pg: Surrogate: gradient buffer has the wrong length")
	}
	clear(grad)
	st := SurrogateStats{MinRatio: 1, MaxRatio: 1}
	if len(batch) > 0 {
		st.MinRatio, st.MaxRatio = inf, -inf
	}
	inv := 1 / float64(rollouts)
	var pr, lp [4]float64
	var L float64
	for _, x := range batch {
		s := int(x.State)
		h := policy.SoftmaxInto(pr[:], lp[:], p.Row(s))
		a := int(x.Action)
		r := fmath.Exp(lp[a] - x.LogPOld)
		st.MinRatio, st.MaxRatio = min(st.MinRatio, r), max(st.MaxRatio, r)
		term := float64(r * x.Adv)
		active := true
		if clip {
			c := min(max(r, 1-eps), 1+eps)
			if ct := float64(c * x.Adv); ct < term {
				term, active = ct, false
				st.Clipped++
			}
		}
		L += term
		g := grad[s*4 : s*4+4]
		if active {
			w := float64(x.Adv * r)
			for j := range g {
				y := -pr[j]
				if j == a {
					y++
				}
				g[j] += float64(inv * float64(w*y))
			}
		}
		if beta != 0 {
			L += float64(beta * h)
			for j := range g {
				g[j] += float64(inv * float64(beta*-float64(pr[j]*(lp[j]+h))))
			}
		}
	}
	st.L = float64(L * inv)
	return st
}

var inf = math.Inf(1)

// PPOStats describe the last batch's epochs.
type PPOStats struct {
	Samples            int
	Clipped            int     // samples flat at the last epoch's θ
	MinRatio, MaxRatio float64 // of the θ after the last epoch
}

// A PPOTrainer runs tabular PPO: rollouts with the current θ fill a batch,
// whose advantages and critic targets come from the critic as in
// ACTrainer; then Epochs full-batch steps θ += α·∇L of Surrogate (clipped,
// entropy bonus β) on that batch; then the critic's step. The methods are
// those of ACTrainer.
//
// What the clip bounds: a flat sample adds nothing to the gradient, but a
// cell's row of θ is moved by all the samples of that cell, so a clipped
// sample's ratio keeps changing while another sample of its cell is active.
// With several moves in a cell, ratios can end far outside [1−ε, 1+ε]
// (Wang et al. 2019, "Truly proximal policy optimization"; Engstrom et al.
// 2020 measured it in deep PPO). When every sample of a cell took the same
// move, they share one ratio, which ends inside the band or outside it by
// no more than the largest change one epoch made to it; exactly where it
// crossed when the cell's advantages share one sign. (Tests:
// TestPPORatiosHeldWhenACellHasOneAction,
// TestPPOClippedSampleMovesOnlyWithItsCell,
// TestPPOClipDoesNotBoundSharedStates.)
type PPOTrainer struct {
	*ACTrainer
}

// NewPPOTrainer returns a PPO trainer of p on w with V = 0, or the error of
// c.ValidatePPO. It panics if p does not fit w.
func NewPPOTrainer(w *env.GridWorld, p *policy.Softmax, c ACConfig, r *rand.Rand) (*PPOTrainer, error) {
	if err := c.ValidatePPO(); err != nil {
		return nil, err
	}
	return &PPOTrainer{newAC(w, p, c, r, true)}, nil
}

// LastPPO returns the statistics of the latest update's epochs.
func (t *PPOTrainer) LastPPO() PPOStats { return t.lastPPO }

// ppoEpochs runs the epochs on t.batch and refreshes the caches.
func (t *ACTrainer) ppoEpochs() PPOStats {
	c := t.cfg
	theta := t.pol.Theta
	for range c.Epochs {
		Surrogate(t.grad, t.pol, t.batch, t.pending, c.Clip, c.Entropy, true)
		for _, s32 := range t.list {
			k := int(s32) * env.NumActions
			for j := k; j < k+env.NumActions; j++ {
				theta[j] += float64(c.LR * t.grad[j])
			}
		}
	}
	st := Surrogate(t.grad, t.pol, t.batch, t.pending, c.Clip, c.Entropy, true)
	clear(t.grad)
	for _, s32 := range t.list {
		t.refresh(int(s32), t.cfg.Entropy)
	}
	return PPOStats{Samples: len(t.batch), Clipped: st.Clipped, MinRatio: st.MinRatio, MaxRatio: st.MaxRatio}
}
