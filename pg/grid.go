package pg

import (
	"fmt"
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
	world *env.GridWorld
	pol   *policy.Softmax
	cfg   Config
	rng   *rand.Rand

	// Caches of the current θ, per state s at s*4+j, refreshed only for
	// the states an update touched.
	probs, cum, logp, entGrad []float64

	grad    []float64 // Σ of the batch so far, per state at s*4+j
	touched []bool
	list    []int32 // states touched in this batch

	mean, meanNext float64   // BaselineMean, frozen and moving
	base, baseNext []float64 // BaselineState, per state

	ep        Episode
	bufS      []int32 // episode buffers, len = the world's step cap
	bufA      []env.Action
	bufR, ret []float64 // rewards and G_t of the current episode

	pending           int // rollouts in the current batch
	rollouts, updates int
	batchGoals        int     // rollouts of the batch that reached the goal
	batchReturn       float64 // and the sum of their returns
	last              Stats   // of the latest update, for Train's Recorder
}

// NewGridTrainer returns a trainer of p on w with the settings c and the
// source r, or the error of c.Validate. It panics if p does not have
// w.NumStates() states and env.NumActions actions.
func NewGridTrainer(w *env.GridWorld, p *policy.Softmax, c Config, r *rand.Rand) (*GridTrainer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if p.States != w.NumStates() || p.Actions != env.NumActions {
		panic(fmt.Sprintf("pg: NewGridTrainer: policy is %d×%d, world needs %d×%d", p.States, p.Actions, w.NumStates(), env.NumActions))
	}
	n := w.NumStates()
	t := &GridTrainer{
		world: w, pol: p, cfg: c, rng: r,
		probs: make([]float64, n*env.NumActions), cum: make([]float64, n*env.NumActions),
		logp: make([]float64, n*env.NumActions), entGrad: make([]float64, n*env.NumActions),
		grad: make([]float64, n*env.NumActions), touched: make([]bool, n), list: make([]int32, 0, n),
		base: make([]float64, n), baseNext: make([]float64, n),
	}
	m := w.MaxSteps() // fixed for the world's life
	t.bufS, t.bufA = make([]int32, m), make([]env.Action, m)
	t.bufR, t.ret = make([]float64, m), make([]float64, m)
	t.Sync()
	return t, nil
}

// refresh recomputes the caches of state s from θ.
func (t *GridTrainer) refresh(s int) {
	i := s * env.NumActions
	lp := t.logp[i : i+env.NumActions]
	pr := t.probs[i : i+env.NumActions]
	h := policy.SoftmaxInto(pr, lp, t.pol.Row(s))
	var c float64
	for j, l := range lp {
		p := pr[j]
		c += p
		t.cum[i+j] = c
		t.entGrad[i+j] = float64(t.cfg.Entropy * -float64(p*(l+h)))
	}
}

// Sync recomputes every cache from the policy's θ. Call it after
// changing θ from outside.
func (t *GridTrainer) Sync() {
	for s := 0; s < t.pol.States; s++ {
		t.refresh(s)
	}
}

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
	if t.pending >= c.Batch {
		t.last = t.update()
		return true, nil
	}
	return false, nil
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
	t.pending, t.rollouts, t.updates = 0, 0, 0
	t.batchGoals, t.batchReturn = 0, 0
	t.Sync()
}

// Probs returns the cached π(·|s) of every state, at s*4+a; a view valid
// until the next update.
func (t *GridTrainer) Probs() []float64 { return t.probs }

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

// Rollouts returns the number of rollouts since the start or ResetLearning.
func (t *GridTrainer) Rollouts() int { return t.rollouts }

// Updates returns the number of updates since the start or ResetLearning.
func (t *GridTrainer) Updates() int { return t.updates }

// Rollout samples one episode, adds it to the batch and updates θ when
// the batch is full. The returned episode is valid until the next call.
func (t *GridTrainer) Rollout() *Episode {
	n, s, out, total := t.sample()
	t.ep.Final, t.ep.Outcome, t.ep.Return, t.ep.Updated = s, out, total, false
	t.accumulate(n)
	t.rollouts++
	t.pending++
	if out == env.Goal {
		t.batchGoals++
	}
	t.batchReturn += total
	if t.pending >= t.cfg.Batch {
		t.last = t.update()
		t.ep.Updated = true
	}
	e := &t.ep
	e.States, e.Actions, e.Rewards = t.bufS[:n], t.bufA[:n], t.bufR[:n]
	return e
}

// sample rolls out the current policy into the episode buffers and
// returns the number of moves, the final state, the outcome and the
// undiscounted return.
func (t *GridTrainer) sample() (n, s int, out env.Outcome, total float64) {
	w, r := t.world, t.rng
	maxSteps := w.MaxSteps()
	states, actions, rewards := t.bufS[:maxSteps], t.bufA[:maxSteps], t.bufR[:maxSteps]
	cum := t.cum
	s = w.Start()
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
		t.refresh(s)
		t.touched[s] = false
		t.base[s] = t.baseNext[s]
	}
	t.list = t.list[:0]
	t.mean = t.meanNext
	t.updates++
	b := float64(t.pending)
	s := Stats{Rollouts: t.rollouts, Updates: t.updates, SuccessRate: float64(t.batchGoals) / b, MeanReturn: t.batchReturn / b}
	t.pending, t.batchGoals, t.batchReturn = 0, 0, 0
	return s
}

// Train runs n rollouts and calls rec (if not nil) after every update.
func (t *GridTrainer) Train(n int, rec Recorder) error {
	for range n {
		if e := t.Rollout(); e.Updated && rec != nil {
			if err := rec.Record(t.last); err != nil {
				return err
			}
		}
	}
	return nil
}

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
