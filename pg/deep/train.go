package deep

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/nn"
	"github.com/pgrad/pgrad/policy/mlp"
)

// Stats summarise one iteration (a rollout and its update).
type Stats struct {
	Iteration int     // 1-based
	Steps     int     // environment steps so far, over all copies
	Episodes  int     // finished episodes so far
	Recent    float64 // mean return of the last 20 finished episodes (NaN before the first)
	LR        float64 // learning rate used by this update
	Epochs    int     // epochs the update ran (fewer than Config.Epochs when TargetKL stopped it)

	PolicyLoss   float64 // mean over minibatches
	ValueLoss    float64
	Entropy      float64
	ApproxKL     float64
	ClipFrac     float64
	ExplainedVar float64 // of the rollout's values against the targets
}

// A Recorder watches training. Record is called after every update; an
// error ends training and is returned by Train, except ErrStop, which ends
// it cleanly.
type Recorder interface {
	Record(s Stats) error
}

// RecorderFunc adapts a function to Recorder.
type RecorderFunc func(Stats) error

// Record calls f(s).
func (f RecorderFunc) Record(s Stats) error { return f(s) }

// recentWindow is the number of finished episodes Stats.Recent averages.
const recentWindow = 20

// Trainer runs one training run: each Iterate collects a rollout
// (rollout.go), computes its advantages (GAE, gae.go) and updates the
// networks on it (update.go). It is not safe for concurrent use.
type Trainer struct {
	cfg    Config
	space  Space
	newEnv func() control.Env
	pol    mlp.Policy
	val    *mlp.Value
	rng    *rand.Rand // actions, minibatch shuffles
	pcg    *rand.PCG  // rng's source, whose state Checkpoint saves

	obsNorm *RunningStats // with NormObs: updated by collect, shared with the Agent
	rewNorm *rewardNorm   // with NormReward

	opt   optimiser   // Adam per parameter group and the last good parameters
	roll  rollout     // the environments and the rollout's buffers
	mb    minibatches // the update's buffers
	count counters    // iterations, steps, episodes, recent returns
}

// counters are the run's position and its recent returns.
type counters struct {
	iter, steps, episodes int
	recent                [recentWindow]float64 // ring of the last returns
	recentN               int
}

func (c *counters) episode(ret float64) {
	c.recent[c.recentN%recentWindow] = ret
	c.recentN++
	c.episodes++
}

// optimiser holds one Adam per parameter group (the policy's, then the
// value network's) and a copy of the parameters before the last update,
// restored when an update diverges.
type optimiser struct {
	adam   []*nn.Adam
	params [][]float64
	grads  [][]float64
	good   [][]float64
}

func newOptimiser(pol mlp.Policy, val *mlp.Value, lr, eps float64) optimiser {
	var o optimiser
	o.params = append(append([][]float64{}, pol.Params()...), val.Net().Params())
	o.grads = append(append([][]float64{}, pol.Grads()...), val.Net().Grads())
	for _, p := range o.params {
		o.adam = append(o.adam, nn.NewAdam(len(p), lr, eps))
		o.good = append(o.good, make([]float64, len(p)))
	}
	return o
}

func (o *optimiser) setLR(lr float64) {
	for _, a := range o.adam {
		a.LR = lr
	}
}

func (o *optimiser) zeroGrads() {
	for _, g := range o.grads {
		clear(g)
	}
}

func (o *optimiser) step() {
	for g, a := range o.adam {
		a.Step(o.params[g], o.grads[g])
	}
}

// keep copies the parameters aside; restore puts the copy back.
func (o *optimiser) keep() {
	for g, p := range o.params {
		copy(o.good[g], p)
	}
}

func (o *optimiser) restore() {
	for g, p := range o.params {
		copy(p, o.good[g])
	}
}

// New returns a trainer for cfg on the registered task cfg.Env, seeded
// with seed: the networks' initial weights, the environments' resets and
// the sampled actions all derive from it.
func New(cfg Config, seed uint64) (*Trainer, error) {
	mk, err := MakeEnv(cfg.Env)
	if err != nil {
		return nil, err
	}
	return NewWithEnv(cfg, mk, seed)
}

// NewWithEnv returns a trainer for cfg on the task newEnv makes, which
// need not be registered: cfg.Env only names it (in errors and in the
// checkpoint; LoadWithEnv reads such a checkpoint back). Each call of
// newEnv must return a new, independent copy. Otherwise it is New.
func NewWithEnv(cfg Config, newEnv func() control.Env, seed uint64) (*Trainer, error) {
	if newEnv == nil {
		return nil, &EnvError{Env: cfg.Env, Err: ErrBadSpace, Field: "constructor", Value: "nil"}
	}
	sp, err := spaceOfConstructor(cfg.Env, newEnv)
	if err != nil {
		return nil, err
	}
	if err := cfg.validate(sp); err != nil {
		return nil, err
	}
	act, _ := cfg.activation()
	pcg := seeded.PCG(seed)
	rng := rand.New(pcg)
	hidden := cfg.Hidden.Widths()
	var pol mlp.Policy
	if sp.Discrete {
		pol = mlp.NewCategorical(sp.ObsDim, sp.ActDim, hidden, act, rng)
	} else {
		pol = mlp.NewGaussianWith(sp.ObsDim, sp.ActDim, hidden, act, cfg.LogStd0, cfg.gaussianOptions(), rng)
	}
	val := mlp.NewValue(sp.ObsDim, hidden, act, rng)
	return newTrainer(cfg, sp, newEnv, pol, val, nil, pcg)
}

// FromAgent returns a trainer that continues from a loaded agent's
// networks with its configuration and task; the optimiser, the counts and
// the environments start afresh, so this is fine-tuning, not resumption.
func FromAgent(a *Agent, seed uint64) (*Trainer, error) {
	mk, err := a.envConstructor()
	if err != nil {
		return nil, err
	}
	if err := a.Config.validate(a.Space); err != nil {
		return nil, err
	}
	return newTrainer(a.Config, a.Space, mk, a.Policy, a.Value, a.ObsNorm, seeded.PCG(seed))
}

// newTrainer assembles a trainer; obsNorm, if not nil, holds the
// observation statistics so far (a loaded agent's).
func newTrainer(cfg Config, sp Space, newEnv func() control.Env, pol mlp.Policy, val *mlp.Value, obsNorm *RunningStats, pcg *rand.PCG) (*Trainer, error) {
	rng := rand.New(pcg)
	t := &Trainer{cfg: cfg, space: sp, newEnv: newEnv, pol: pol, val: val, rng: rng, pcg: pcg}
	if cfg.NormObs {
		if obsNorm == nil {
			obsNorm = NewRunningStats(sp.ObsDim)
		}
		t.obsNorm = obsNorm
	}
	if cfg.NormReward {
		t.rewNorm = newRewardNorm(cfg.Envs, cfg.Gamma)
	}
	vec, err := newVec(cfg.Env, newEnv, sp, cfg.Envs, rng.Uint64())
	if err != nil {
		return nil, err
	}
	t.roll = newRollout(vec, sp, pol, val, cfg.Steps, t.obsNorm != nil)
	t.mb = newMinibatches(t)
	t.opt = newOptimiser(pol, val, cfg.LR, cfg.AdamEps)
	if err := t.roll.reset(cfg.Env, t.obsNorm); err != nil {
		return nil, err
	}
	return t, nil
}

// SetParallel chooses whether each minibatch step runs the value network's
// passes on a helper goroutine, overlapped with the policy's. The results
// are the same either way. It is off by default because it does not pay
// for CleanRL-sized networks: on the 2-core development machine, idle,
// pgrad bench cartpole ran at about 278k steps/s serial and 250k with the
// helper, whose hand-off per minibatch costs more than the overlap saves.
func (t *Trainer) SetParallel(on bool) {
	if !on {
		t.mb.par.close()
	}
	t.mb.par.serial = !on
}

// Config returns the run's configuration.
func (t *Trainer) Config() Config { return t.cfg }

// Space returns the task's observation and action spaces.
func (t *Trainer) Space() Space { return t.space }

// Agent returns the trained networks with the configuration and the task
// (shared, not copied).
func (t *Trainer) Agent() *Agent {
	a := &Agent{Config: t.cfg, Space: t.space, Policy: t.pol, Value: t.val, ObsNorm: t.obsNorm, newEnv: t.newEnv}
	a.preds = newPredictors(a)
	return a
}

// Steps returns the environment steps taken so far.
func (t *Trainer) Steps() int { return t.count.steps }

// Episodes returns the number of episodes finished so far.
func (t *Trainer) Episodes() int { return t.count.episodes }

// Iteration returns the number of iterations run so far.
func (t *Trainer) Iteration() int { return t.count.iter }

// Iterations returns the number of iterations a full run takes:
// TotalSteps/(Envs×Steps), rounded down (Validate ensures at least one).
func (t *Trainer) Iterations() int { return max(1, t.cfg.TotalSteps/(t.cfg.Envs*t.cfg.Steps)) }

// Budget returns the environment steps a full run takes: Iterations()
// whole rollouts, at most Config.TotalSteps.
func (t *Trainer) Budget() int { return t.Iterations() * t.cfg.Envs * t.cfg.Steps }

// Close stops the helper goroutine that Iterate starts; Train calls it when
// it returns. The trainer stays usable: the next Iterate starts it again.
func (t *Trainer) Close() { t.mb.par.close() }

// Train runs iterations until the budget is spent, ctx is done, or rec
// asks to stop. It returns nil on completion or ErrStop (or an error
// wrapping it), ctx.Err() on cancellation (after finishing the current
// iteration), a *DivergedError on divergence, an *EnvStepError when the
// task misbehaves, or the recorder's error. On every error the parameters
// are those of the last good update.
func (t *Trainer) Train(ctx context.Context, rec Recorder) error {
	defer t.Close()
	for t.count.iter < t.Iterations() {
		if err := ctx.Err(); err != nil {
			return err
		}
		s, err := t.Iterate()
		if err != nil {
			return err
		}
		if rec != nil {
			if err := rec.Record(s); errors.Is(err, ErrStop) {
				return nil
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}

// ErrBudget is what Iterate returns once the run's budget is spent: more
// iterations would extend the learning-rate schedule past its end.
var ErrBudget = errors.New("deep: the run's budget of steps is spent")

// Iterate collects one rollout and updates the networks on it. Past the
// budget (Iterations) it returns ErrBudget and changes nothing.
func (t *Trainer) Iterate() (Stats, error) {
	if t.count.iter >= t.Iterations() {
		return Stats{Iteration: t.count.iter, Steps: t.count.steps, Episodes: t.count.episodes, Recent: t.Recent()},
			fmt.Errorf("%w (%d iterations of %d steps)", ErrBudget, t.Iterations(), t.cfg.Envs*t.cfg.Steps)
	}
	lr := t.learningRate()
	t.opt.setLR(lr)
	t.count.iter++
	if err := t.collect(); err != nil {
		s := t.stats(Stats{LR: lr})
		return s, err
	}
	t.advantages()
	s := t.stats(t.update())
	s.LR = lr
	if !finiteStats(s) || !mlp.Finite(t.opt.params...) {
		t.opt.restore()
		return s, &DivergedError{Iteration: t.count.iter}
	}
	return s, nil
}

// learningRate is the schedule's rate for the coming iteration, the
// (iter+1)-th of Iterations: linear reaches LR/I at the last, cosine
// ½(1 + cos(π·(I−1)/I))·LR.
func (t *Trainer) learningRate() float64 {
	lr := t.cfg.LR
	frac := float64(t.count.iter) / float64(t.Iterations())
	switch t.cfg.schedule() {
	case "linear":
		lr *= 1 - frac
	case "cosine":
		lr *= 0.5 * (1 + math.Cos(math.Pi*frac))
	}
	return lr
}

// schedule is the learning-rate schedule in effect.
func (c Config) schedule() string {
	switch {
	case c.LRSchedule != "":
		return c.LRSchedule
	case c.Anneal:
		return "linear"
	}
	return "constant"
}

func (t *Trainer) stats(s Stats) Stats {
	s.Iteration, s.Steps, s.Episodes = t.count.iter, t.count.steps, t.count.episodes
	s.Recent = t.Recent()
	return s
}

// Recent returns the mean return of the last 20 finished episodes, NaN
// before the first.
func (t *Trainer) Recent() float64 {
	k := min(t.count.recentN, recentWindow)
	if k == 0 {
		return math.NaN()
	}
	var s float64
	for _, r := range t.count.recent[:k] {
		s += r
	}
	return s / float64(k)
}

func finiteStats(s Stats) bool {
	for _, v := range []float64{s.PolicyLoss, s.ValueLoss, s.Entropy, s.ApproxKL} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
