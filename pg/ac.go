package pg

import (
	"fmt"
	"math/rand/v2"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/policy"
)

// ACConfig holds the settings of tabular actor-critic and PPO.
//
// The critic is a table V(s), held fixed during a batch. For each rollout
// the TD errors are δ_t = r_{t+1} + γ·V(s_{t+1}) − V(s_t), with V = 0 after
// the goal or a pit; a rollout cut by the step cap bootstraps from the
// state it stopped in, since the cap is not part of the task. The
// advantages are GAE(λ) (Schulman et al. 2016): Â_t = δ_t + γλ·Â_{t+1},
// Â past the end 0; λ = 0 gives the TD(0) advantage Â_t = δ_t, λ = 1 the
// return-to-go minus V(s_t). The actor's update is REINFORCE's with Â_t in
// place of G_t − b(s_t):
//
//	θ[s][j] += (α/B)·Σ_rollouts Σ_t [ Â_t·(1{j=a_t} − π(j|s_t)) + β·∂H/∂θ[s][j] ]
//
// and the critic moves each state visited in the batch toward the mean of
// its λ-return targets Â_t + V(s_t) over the batch's visits:
//
//	V(s) += α_V · mean_{t: s_t = s} Â_t
//
// (a mean, not a sum, so that α_V ≤ 1 never overshoots however often a
// rollout loops through s). Sums run rollout by rollout, t ascending.
type ACConfig struct {
	LR       float64 // actor step α, ≥ 0 (0 holds the policy: the critic alone learns, evaluating it)
	CriticLR float64 // critic step α_V, in (0, 1]
	Gamma    float64 // discount γ, in (0, 1]
	Lambda   float64 // GAE λ, in [0, 1]; 0 is TD(0)
	Batch    int     // rollouts per update, 1..MaxBatch
	Entropy  float64 // entropy bonus β, ≥ 0

	// PPO only (PPOTrainer): the clip ε in (0, 1) and the epochs K, 1..MaxEpochs,
	// of updates on each batch.
	Clip   float64
	Epochs int
}

// MaxEpochs is the largest number of PPO epochs per batch.
const MaxEpochs = 1000

// Validate reports the first setting out of range; the PPO fields are
// checked by ValidatePPO.
func (c ACConfig) Validate() error {
	switch {
	case bad(c.LR) || c.LR < 0 || c.LR > 1e6:
		return &SettingError{"lr", fmt.Sprintf("learning rate %v must be zero or positive and finite", c.LR)}
	case bad(c.CriticLR) || c.CriticLR <= 0 || c.CriticLR > 1:
		return &SettingError{"critic-lr", fmt.Sprintf("critic step %v must be in (0, 1]", c.CriticLR)}
	case bad(c.Gamma) || c.Gamma <= 0 || c.Gamma > 1:
		return &SettingError{"gamma", fmt.Sprintf("discount %v must be in (0, 1]", c.Gamma)}
	case bad(c.Lambda) || c.Lambda < 0 || c.Lambda > 1:
		return &SettingError{"lambda", fmt.Sprintf("GAE λ %v must be in [0, 1]", c.Lambda)}
	case c.Batch < 1 || c.Batch > MaxBatch:
		return &SettingError{"batch", fmt.Sprintf("batch %d must be between 1 and %d", c.Batch, MaxBatch)}
	case bad(c.Entropy) || c.Entropy < 0 || c.Entropy > 1e6:
		return &SettingError{"entropy", fmt.Sprintf("entropy bonus %v must be zero or positive and finite", c.Entropy)}
	}
	return nil
}

// ValidatePPO reports the first setting out of range, PPO's included.
func (c ACConfig) ValidatePPO() error {
	if err := c.Validate(); err != nil {
		return err
	}
	switch {
	case bad(c.Clip) || c.Clip <= 0 || c.Clip >= 1:
		return &SettingError{"clip", fmt.Sprintf("clip ε %v must be in (0, 1)", c.Clip)}
	case c.Epochs < 1 || c.Epochs > MaxEpochs:
		return &SettingError{"epochs", fmt.Sprintf("epochs %d must be between 1 and %d", c.Epochs, MaxEpochs)}
	}
	return nil
}

// A Sample is one step of a batch as PPO keeps it: the state, the action,
// log π_old(a|s) under the θ that drew it, the advantage Â_t and the
// critic's target Â_t + V(s_t).
type Sample struct {
	State   int32
	Action  env.Action
	LogPOld float64
	Adv     float64
	Target  float64
}

// An ACTrainer runs tabular actor-critic (ACConfig's documentation) with a
// softmax policy on a gridworld; a PPOTrainer wraps it. Like GridTrainer it
// reads the world's layout at every rollout.
type ACTrainer struct {
	tabular
	cfg ACConfig
	ppo bool

	v []float64 // the critic, per state

	grad       []float64
	vsum       []float64 // Σ Â over the batch's visits of s
	vcount     []int32
	touched    []bool
	list       []int32
	batch      []Sample // PPO: the batch's steps
	adv, delta []float64

	lastPPO PPOStats
	old     []float64 // PPO: θ before the epochs

	avg       []float64 // mean of V over the updates since StartAverage
	avgN      int       // those updates
	averaging bool
}

// NewACTrainer returns an actor-critic trainer of p on w with V = 0, or the
// error of c.Validate. It panics if p does not fit w.
func NewACTrainer(w *env.GridWorld, p *policy.Softmax, c ACConfig, r *rand.Rand) (*ACTrainer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return newAC(w, p, c, r, false), nil
}

func newAC(w *env.GridWorld, p *policy.Softmax, c ACConfig, r *rand.Rand, ppo bool) *ACTrainer {
	n, m := w.NumStates(), w.MaxSteps()
	na := n * env.NumActions
	t := &ACTrainer{
		tabular: newTabular("actor-critic", w, p, r), cfg: c, ppo: ppo,
		v:    make([]float64, n),
		grad: make([]float64, na), vsum: make([]float64, n), vcount: make([]int32, n),
		touched: make([]bool, n), list: make([]int32, 0, n),
		adv: make([]float64, m), delta: make([]float64, m),
		old: make([]float64, na), avg: make([]float64, n),
	}
	t.Sync()
	return t
}

// Sync recomputes the caches from θ; call it after changing θ from outside.
func (t *ACTrainer) Sync() { t.sync(t.cfg.Entropy) }

// Config returns the settings in effect.
func (t *ACTrainer) Config() ACConfig { return t.cfg }

// SetConfig changes the settings from the next rollout on, keeping θ, V
// and the partial batch; a partial batch that already holds the new Batch
// rollouts is applied at once (updated reports it).
func (t *ACTrainer) SetConfig(c ACConfig) (updated bool, err error) {
	if t.ppo {
		err = c.ValidatePPO()
	} else {
		err = c.Validate()
	}
	if err != nil {
		return false, err
	}
	t.cfg = c
	t.Sync()
	return t.applyIfFull(c.Batch, t.update), nil
}

// Values returns the critic V(s), a view that the next update changes
// and through which a caller may set it.
func (t *ACTrainer) Values() []float64 { return t.v }

// ResetLearning returns to the uniform policy and V = 0 and drops the
// partial batch and the counters; the source of randomness continues.
func (t *ACTrainer) ResetLearning() {
	t.pol.Reset()
	clear(t.v)
	clear(t.grad)
	clear(t.vsum)
	clear(t.vcount)
	clear(t.touched)
	t.list, t.batch = t.list[:0], t.batch[:0]
	t.resetCounts()
	clear(t.avg)
	t.avgN, t.averaging = 0, false
	t.Sync()
}

// StartAverage starts (or starts again) the running mean of the critic
// that AverageValues returns: from the next update on, each update adds
// the table V after it to the mean. ResetLearning stops it.
//
// This is iterate averaging (Polyak and Juditsky 1992), the way to turn the
// critic into an evaluation of a fixed policy (LR = 0) whose error shrinks
// like 1/√rollouts for every λ. With α_V = 1 an update replaces V(s), for
// each state the batch visited, by the batch's mean λ-return target, so
// V_{k+1} = T̂_k(V_k): T̂_k is the batch's empirical λ-Bellman operator,
// affine in V, and the T̂_k are independent and identically distributed.
// Their mean operator has V^π as its only fixed point (up to the ratio
// bias of a mean over a random number of visits, O(1/visits per batch)), so
// once the iterates have forgotten where they started (the error shrinks by
// the spectral radius of the V-coefficient of T̂ per batch, γ(1−λ)P_π(I −
// γλP_π)^{-1} in the mean), the mean of the next M iterates has mean V^π and
// covariance (I − A)^{-1}·Σ·(I − A)^{-T}/M, Σ the covariance of one batch's
// mean λ-return errors at V^π. A plain per-state step 1/n is not enough for
// TD(0): its error then shrinks only like n^-(1−ρ), ρ that radius (0.77 on
// the seed's world under the uniform policy; Szepesvári 1997).
func (t *ACTrainer) StartAverage() {
	clear(t.avg)
	t.avgN, t.averaging = 0, true
}

// AverageValues returns the mean of V over the updates since StartAverage
// (zero before the first) and their number; a view that the next update
// changes.
func (t *ACTrainer) AverageValues() ([]float64, int) { return t.avg, t.avgN }

// Rollout samples one episode, adds it to the batch and updates when the
// batch is full. The episode is valid until the next call.
func (t *ACTrainer) Rollout() *Episode { return t.rollout(t.world.Start()) }

// RolloutFrom is Rollout from state s instead of the world's start
// ("exploring starts", Sutton and Barto 2018, §5.3): with a fixed policy
// it lets the critic see the cells that rollouts from the start rarely
// reach, whose values V^π do not depend on where rollouts start. s must be
// a cell of the world that is not a wall, the goal or a pit.
func (t *ACTrainer) RolloutFrom(s int) (*Episode, error) {
	w := t.world
	if s < 0 || s >= w.NumStates() || w.Wall(s) || w.Terminal(s) != env.Running {
		return nil, &SettingError{"start", fmt.Sprintf("state %d is not a live cell of the %d×%d world", s, w.Size(), w.Size())}
	}
	return t.rollout(s), nil
}

func (t *ACTrainer) rollout(s int) *Episode {
	n, s, out, total := t.sample(s)
	t.accumulate(n, s, out)
	t.ep = Episode{States: t.bufS[:n], Actions: t.bufA[:n], Rewards: t.bufR[:n], Final: s, Outcome: out, Return: total}
	if t.counted(out, total, t.cfg.Batch) {
		t.last = t.update()
		t.ep.Updated = true
	}
	return &t.ep
}

// Advantages writes the TD errors and GAE(λ) advantages of a rollout of n
// moves through states (s_0 … s_{n−1}, then final) with rewards, under the
// critic v, into delta and adv (len ≥ n). The final state's value counts
// only when the rollout was cut (out == env.Capped).
func Advantages(delta, adv []float64, states []int32, rewards []float64, final int, out env.Outcome, v []float64, gamma, lambda float64) {
	n := len(states)
	var next float64
	if out == env.Capped {
		next = v[final]
	}
	var a float64
	gl := float64(gamma * lambda)
	for i := n - 1; i >= 0; i-- {
		s := states[i]
		d := rewards[i] + float64(gamma*next) - v[s]
		delta[i] = d
		a = d + float64(gl*a)
		adv[i] = a
		next = v[s]
	}
}

// accumulate adds a finished rollout of n moves to the batch.
func (t *ACTrainer) accumulate(n, final int, out env.Outcome) {
	states, actions := t.bufS[:n], t.bufA[:n]
	Advantages(t.delta, t.adv, states, t.bufR[:n], final, out, t.v, t.cfg.Gamma, t.cfg.Lambda)
	for i, s32 := range states {
		s := int(s32)
		A := t.adv[i]
		a := actions[i]
		t.vsum[s] += A
		t.vcount[s]++
		if !t.touched[s] {
			t.touched[s] = true
			t.list = append(t.list, s32)
		}
		if t.ppo {
			t.batch = append(t.batch, Sample{State: s32, Action: a, LogPOld: t.logp[s*4+int(a)], Adv: A, Target: A + t.v[s]})
			continue
		}
		k := s * env.NumActions
		p, eg, gr := t.probs[k:k+4], t.entGrad[k:k+4], t.grad[k:k+4]
		for j := range gr {
			x := -p[j]
			if j == int(a) {
				x++
			}
			gr[j] += float64(A*x) + eg[j]
		}
	}
}

// update applies the batch: the actor's step (REINFORCE-like, or PPO's
// epochs), then the critic's.
func (t *ACTrainer) update() Stats {
	theta := t.pol.Theta
	if t.ppo {
		t.lastPPO = t.ppoEpochs()
	} else {
		scale := t.cfg.LR / float64(t.pending)
		for _, s32 := range t.list {
			k := int(s32) * env.NumActions
			for j := k; j < k+env.NumActions; j++ {
				theta[j] += float64(scale * t.grad[j])
				t.grad[j] = 0
			}
			t.refresh(int(s32), t.cfg.Entropy)
		}
	}
	aV := t.cfg.CriticLR
	for _, s32 := range t.list {
		s := int(s32)
		t.v[s] += float64(aV * (t.vsum[s] / float64(t.vcount[s])))
		t.vsum[s], t.vcount[s], t.touched[s] = 0, 0, false
	}
	if t.averaging {
		t.avgN++
		inv := 1 / float64(t.avgN)
		for s, x := range t.v {
			t.avg[s] += float64(inv * (x - t.avg[s]))
		}
	}
	t.list, t.batch = t.list[:0], t.batch[:0]
	return t.closeBatch()
}

// Train runs n rollouts and calls rec (if not nil) after every update.
func (t *ACTrainer) Train(n int, rec Recorder) error { return t.train(n, t.Rollout, rec) }
