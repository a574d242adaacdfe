package pg

import (
	"fmt"
	"math/rand/v2"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/policy"
)

// tabular is what the two tabular learners, GridTrainer (REINFORCE) and
// ACTrainer (actor-critic and PPO), share: the world and the softmax
// policy, the caches of its θ, the buffers of one rollout, the sampling of
// a rollout, and the counts and statistics of the batch so far.
type tabular struct {
	world *env.GridWorld
	pol   *policy.Softmax
	rng   *rand.Rand

	// Caches of the current θ, per state s at s*4+j, refreshed only for
	// the states an update touched: π, its running sum (for sampling),
	// log π and the entropy bonus's gradient β·∂H/∂θ[s][j].
	probs, cum, logp, entGrad []float64

	ep   Episode
	bufS []int32 // rollout buffers, len = the world's step cap
	bufA []env.Action
	bufR []float64

	pending           int // rollouts in the current batch
	rollouts, updates int
	batchGoals        int     // rollouts of the batch that reached the goal
	batchReturn       float64 // and the sum of their returns
	last              Stats   // of the latest update, for Train's Recorder
}

// newTabular returns the shared part of a learner of p on w; who names the
// learner in the panic when p does not have w.NumStates() states and
// env.NumActions actions.
func newTabular(who string, w *env.GridWorld, p *policy.Softmax, r *rand.Rand) tabular {
	if p.States != w.NumStates() || p.Actions != env.NumActions {
		panic(fmt.Sprintf("pg: %s: policy is %d×%d, world needs %d×%d", who, p.States, p.Actions, w.NumStates(), env.NumActions))
	}
	na, m := w.NumStates()*env.NumActions, w.MaxSteps() // the step cap is fixed for the world's life
	return tabular{
		world: w, pol: p, rng: r,
		probs: make([]float64, na), cum: make([]float64, na), logp: make([]float64, na), entGrad: make([]float64, na),
		bufS: make([]int32, m), bufA: make([]env.Action, m), bufR: make([]float64, m),
	}
}

// refresh recomputes the caches of state s from θ, with entropy bonus beta.
func (t *tabular) refresh(s int, beta float64) {
	i := s * env.NumActions
	lp := t.logp[i : i+env.NumActions]
	pr := t.probs[i : i+env.NumActions]
	h := policy.SoftmaxInto(pr, lp, t.pol.Row(s))
	var c float64
	for j, l := range lp {
		p := pr[j]
		c += p
		t.cum[i+j] = c
		t.entGrad[i+j] = float64(beta * -float64(p*(l+h)))
	}
}

// sync recomputes every cache from θ.
func (t *tabular) sync(beta float64) {
	for s := range t.pol.States {
		t.refresh(s, beta)
	}
}

// Probs returns the cached π(·|s) of every state, at s*4+a; a view valid
// until the next update.
func (t *tabular) Probs() []float64 { return t.probs }

// Rollouts returns the number of rollouts since the start or ResetLearning.
func (t *tabular) Rollouts() int { return t.rollouts }

// Updates returns the number of updates since the start or ResetLearning.
func (t *tabular) Updates() int { return t.updates }

// sample rolls out the current policy from state s into the rollout
// buffers and returns the number of moves, the final state, the outcome
// and the undiscounted return.
func (t *tabular) sample(s int) (n, final int, out env.Outcome, total float64) {
	w, r := t.world, t.rng
	maxSteps := w.MaxSteps()
	states, actions, rewards := t.bufS[:maxSteps], t.bufA[:maxSteps], t.bufR[:maxSteps]
	cum := t.cum
	out = env.Capped
	for n < maxSteps {
		u := r.Float64()
		c := cum[s*env.NumActions : s*env.NumActions+env.NumActions]
		a := env.Action(3)
		if u < c[0] {
			a = 0
		} else if u < c[1] {
			a = 1
		} else if u < c[2] {
			a = 2
		}
		next, rew, o := w.Move(s, a)
		states[n], actions[n], rewards[n] = int32(s), a, rew
		total += rew
		n++
		s = next
		if o != env.Running {
			out = o
			break
		}
	}
	return n, s, out, total
}

// counted adds a rollout that ended with out and the return total to the
// batch's counts and reports whether the batch now holds batch rollouts.
func (t *tabular) counted(out env.Outcome, total float64, batch int) (full bool) {
	t.rollouts++
	t.pending++
	if out == env.Goal {
		t.batchGoals++
	}
	t.batchReturn += total
	return t.pending >= batch
}

// closeBatch counts an update and returns the statistics of the batch it
// applied, starting the next batch.
func (t *tabular) closeBatch() Stats {
	t.updates++
	b := float64(t.pending)
	s := Stats{Rollouts: t.rollouts, Updates: t.updates, SuccessRate: float64(t.batchGoals) / b, MeanReturn: t.batchReturn / b}
	t.dropBatch()
	return s
}

// applyIfFull applies the partial batch with update when it already holds
// batch rollouts (a smaller batch was just set) and reports whether it did.
func (t *tabular) applyIfFull(batch int, update func() Stats) bool {
	if t.pending < batch {
		return false
	}
	t.last = update()
	return true
}

// dropBatch forgets the counts of the partial batch.
func (t *tabular) dropBatch() { t.pending, t.batchGoals, t.batchReturn = 0, 0, 0 }

// resetCounts forgets the partial batch and the counters.
func (t *tabular) resetCounts() {
	t.dropBatch()
	t.rollouts, t.updates = 0, 0
}

// train runs n rollouts and calls rec (if not nil) after every update.
func (t *tabular) train(n int, rollout func() *Episode, rec Recorder) error {
	for range n {
		if e := rollout(); e.Updated && rec != nil {
			if err := rec.Record(t.last); err != nil {
				return err
			}
		}
	}
	return nil
}
