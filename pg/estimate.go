package pg

import "github.com/pgrad/pgrad/env"

// Estimate draws b rollouts with the current θ and writes their gradient
// estimate (1/b)·Σ_rollouts Σ_t [∇log π(a_t|s_t)·(G_t − b(s_t)) +
// β·∇H(π(·|s_t))] into dst (len States*4, at s*4+j): the step an update
// would take, divided by α. θ is not changed and the rollouts are not
// counted; the baselines then move through the rollouts, as after an
// update, so that successive estimates see the baselines training would.
// It returns how many of the rollouts reached the goal. It panics if a
// batch is partly gathered, if b < 1 or if dst has the wrong length.
func (t *GridTrainer) Estimate(dst []float64, b int) (goals int) {
	if t.pending != 0 || b < 1 || len(dst) != len(t.grad) {
		panic("pg: Estimate: a partial batch, b < 1 or a gradient buffer of the wrong length")
	}
	for range b {
		n, _, out, _ := t.sample(t.world.Start())
		t.accumulate(n)
		if out == env.Goal {
			goals++
		}
	}
	scale := 1 / float64(b)
	clear(dst)
	for _, s32 := range t.list {
		s := int(s32)
		k := s * env.NumActions
		for j := k; j < k+env.NumActions; j++ {
			dst[j] = float64(scale * t.grad[j])
			t.grad[j] = 0
		}
		t.touched[s] = false
		t.base[s] = t.baseNext[s]
	}
	t.list = t.list[:0]
	t.mean = t.meanNext
	return goals
}
