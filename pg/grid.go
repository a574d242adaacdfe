package pg

import (
	"math/rand/v2"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/policy"
)

// An Episode is one rollout of a GridTrainer. Its slices are views into
// the trainer's buffers, valid until the next rollout.
type Episode struct {
	States  []int32      // s_0 … s_{T−1}
	Actions []env.Action // a_0 … a_{T−1}
	Rewards []float64    // r_1 … r_T
	Final   int          // the state the last move led to
	Outcome env.Outcome  // Goal, Pit or Capped
	Return  float64      // undiscounted sum of the rewards
	Updated bool         // whether this rollout completed a batch and θ changed
}

// A GridTrainer runs REINFORCE with a tabular softmax policy on a
// gridworld, as specified in the package documentation. It reads the
// world's layout at every step, so moving the goal or a pit on the world
// takes effect at the next rollout and keeps the policy.
type GridTrainer struct {
	tabular
	cfg Config

	grad    []float64 // Σ of the batch so far, per state at s*4+j
	touched []bool
	list    []int32 // states touched in this batch

	mean, meanNext float64   // BaselineMean, frozen and moving
	base, baseNext []float64 // BaselineState, per state

	ret []float64 // G_t of the current episode
}

// NewGridTrainer returns a trainer of p on w with the settings c and the
// source r, or the error of c.Validate. It panics if p does not have
// w.NumStates() states and env.NumActions actions.
func NewGridTrainer(w *env.GridWorld, p *policy.Softmax, c Config, r *rand.Rand) (*GridTrainer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	n := w.NumStates()
	t := &GridTrainer{
		tabular: newTabular("NewGridTrainer", w, p, r), cfg: c,
		grad: make([]float64, n*env.NumActions), touched: make([]bool, n), list: make([]int32, 0, n),
		base: make([]float64, n), baseNext: make([]float64, n),
		ret: make([]float64, w.MaxSteps()),
	}
	t.Sync()
	return t, nil
}

// Sync recomputes every cache from the policy's θ. Call it after
// changing θ from outside.
func (t *GridTrainer) Sync() { t.sync(t.cfg.Entropy) }

// Config returns the settings in effect.
func (t *GridTrainer) Config() Config { return t.cfg }

// SetConfig changes the settings from the next rollout on; the policy,
// the baselines and the partial batch are kept. When the partial batch
// already holds at least the new Batch rollouts it is applied at once,
// and updated reports that.
func (t *GridTrainer) SetConfig(c Config) (updated bool, err error) {
	if err := c.Validate(); err != nil {
		return false, err
	}
	t.cfg = c
	t.Sync()
	return t.applyIfFull(c.Batch, t.update), nil
}

// ResetLearning returns to the uniform policy with zero baselines, drops
// the partial batch and the counters. The source of randomness continues.
func (t *GridTrainer) ResetLearning() {
	t.pol.Reset()
	clear(t.grad)
	clear(t.touched)
	t.list = t.list[:0]
	clear(t.base)
	clear(t.baseNext)
	t.mean, t.meanNext = 0, 0
	t.resetCounts()
	t.Sync()
}

// Baseline returns the baseline b(s) in use for state s.
func (t *GridTrainer) Baseline(s int) float64 {
	switch t.cfg.Baseline {
	case BaselineMean:
		return t.mean
	case BaselineState:
		return t.base[s]
	}
	return 0
}

// Rollout samples one episode, adds it to the batch and updates θ when
// the batch is full. The returned episode is valid until the next call.
func (t *GridTrainer) Rollout() *Episode {
	n, s, out, total := t.sample(t.world.Start())
	t.ep.Final, t.ep.Outcome, t.ep.Return, t.ep.Updated = s, out, total, false
	t.accumulate(n)
	if t.counted(out, total, t.cfg.Batch) {
		t.last = t.update()
		t.ep.Updated = true
	}
	e := &t.ep
	e.States, e.Actions, e.Rewards = t.bufS[:n], t.bufA[:n], t.bufR[:n]
	return e
}

// accumulate adds the first n steps of the episode buffers to the batch
// gradient and moves the running means behind the baselines.
func (t *GridTrainer) accumulate(n int) {
	states, actions, ret := t.bufS[:n], t.bufA[:n], t.ret[:n]
	ReturnsToGo(ret, t.bufR[:n], t.cfg.Gamma)
	if t.cfg.Credit == CreditReturn && n > 0 {
		// Every step gets the rollout's return G_0.
		for i := 1; i < n; i++ {
			ret[i] = ret[0]
		}
	}
	if c := t.cfg.Offset; c != 0 {
		for i := range ret {
			ret[i] += c
		}
	}
	kind := t.cfg.Baseline
	for i, g := range ret {
		s := int(states[i])
		var b float64
		switch kind {
		case BaselineMean:
			b = t.mean
		case BaselineState:
			b = t.base[s]
		}
		adv := g - b
		k := s * env.NumActions
		p := t.probs[k : k+env.NumActions]
		eg := t.entGrad[k : k+env.NumActions]
		gr := t.grad[k : k+env.NumActions]
		a := int(actions[i])
		for j := range gr {
			x := -p[j]
			if j == a {
				x++
			}
			gr[j] += float64(adv*x) + eg[j]
		}
		if !t.touched[s] {
			t.touched[s] = true
			t.list = append(t.list, int32(s))
		}
		t.meanNext += float64(BaselineRate * (g - t.meanNext))
		t.baseNext[s] += float64(BaselineRate * (g - t.baseNext[s]))
	}
}

// update applies the batch's gradient, refreshes the caches of the
// states it touched, lets the baselines catch up with the batch and
// returns the batch's statistics.
func (t *GridTrainer) update() Stats {
	scale := t.cfg.LR / float64(t.pending)
	theta := t.pol.Theta
	for _, s32 := range t.list {
		s := int(s32)
		k := s * env.NumActions
		gr := t.grad[k : k+env.NumActions]
		th := theta[k : k+env.NumActions]
		for j, g := range gr {
			th[j] += float64(scale * g)
			gr[j] = 0
		}
		t.refresh(s, t.cfg.Entropy)
		t.touched[s] = false
		t.base[s] = t.baseNext[s]
	}
	t.list = t.list[:0]
	t.mean = t.meanNext
	return t.closeBatch()
}

// Train runs n rollouts and calls rec (if not nil) after every update.
func (t *GridTrainer) Train(n int, rec Recorder) error { return t.train(n, t.Rollout, rec) }

// GreedyPath returns the path from the start of w that follows the most
// probable action of p in each state: the cells visited, starting with
// the start, and how it ended (Goal, Pit, Capped after the step cap, or
// Running when it came back to a cell it had visited). It appends to dst.
func GreedyPath(dst []env.Cell, w *env.GridWorld, p *policy.Softmax) ([]env.Cell, env.Outcome) {
	s := w.Start()
	dst = append(dst, w.Cell(s))
	start := len(dst) - 1
	for step := 0; step < w.MaxSteps(); step++ {
		next, _, o := w.Move(s, env.Action(p.Greedy(s)))
		dst = append(dst, w.Cell(next))
		if o != env.Running {
			return dst, o
		}
		nc := w.Cell(next)
		for _, c := range dst[start : len(dst)-1] {
			if c == nc {
				return dst, env.Running
			}
		}
		s = next
	}
	return dst, env.Capped
}
