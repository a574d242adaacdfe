package deep

import (
	"context"
	"errors"
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

// Trainer runs one training run. It is not safe for concurrent use.
type Trainer struct {
	cfg   Config
	vec   *control.Vec
	pol   mlp.Policy
	val   *mlp.Value
	rng   *rand.Rand
	opts  []*nn.Adam // one per parameter group: the policy's, then the value's
	parms [][]float64
	grads [][]float64
	good  [][]float64 // parameters before the last update, for divergence recovery

	obsDim, aw, n, T int
	low, high        []float64 // action bounds of a continuous task

	// rollout storage, time-major (t*n+i)
	obs, act, logp, values, rewards []float64
	term, trunc                     []bool
	truncValues, adv, ret           []float64
	cur, final, envAct, last        []float64
	stepLogp                        []float64
	truncObs                        []float64
	truncIdx                        []int

	rollPol, rollVal *mlp.Workspace

	// minibatch storage
	perm                                 []int
	mObs, mAct, mLogp, mAdv, mRet, mOldV []float64
	newLogp, ent, dLogp, dV              []float64
	mbPol, mbVal                         *mlp.Workspace
	par                                  *pair
	valueJob                             func() // t.valueStep, bound once
	jobN                                 int
	jobLoss                              float64
	jobSq                                float64 // Σ of the value gradients squared

	iter, steps, episodes int
	recent                []float64 // ring of the last recentWindow returns
	recentN               int
}

// New returns a trainer for cfg seeded with seed: the networks' initial
// weights, the environments' resets and the sampled actions all derive
// from it.
func New(cfg Config, seed uint64) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	mk, _ := MakeEnv(cfg.Env)
	act, _ := cfg.activation()
	rng := seeded.Rand(seed)
	proto := mk()
	t := &Trainer{cfg: cfg, rng: rng, obsDim: proto.ObsDim(), n: cfg.Envs, T: cfg.Steps}
	if proto.Discrete() {
		t.pol = mlp.NewCategorical(t.obsDim, proto.ActDim(), cfg.Hidden, act, rng)
	} else {
		t.pol = mlp.NewGaussianWith(t.obsDim, proto.ActDim(), cfg.Hidden, act, cfg.LogStd0, cfg.gaussianOptions(), rng)
		t.low, t.high = proto.ActionBounds()
	}
	t.val = mlp.NewValue(t.obsDim, cfg.Hidden, act, rng)
	t.vec = control.NewVec(mk, cfg.Envs, rng.Uint64())
	t.init()
	return t, nil
}

// FromAgent returns a trainer that continues from a loaded agent's
// networks with its configuration; the optimiser state starts afresh.
func FromAgent(a *Agent, seed uint64) (*Trainer, error) {
	if err := a.Config.Validate(); err != nil {
		return nil, err
	}
	mk, _ := MakeEnv(a.Config.Env)
	proto := mk()
	rng := seeded.Rand(seed)
	t := &Trainer{cfg: a.Config, rng: rng, obsDim: proto.ObsDim(), n: a.Config.Envs, T: a.Config.Steps, pol: a.Policy, val: a.Value}
	if !proto.Discrete() {
		t.low, t.high = proto.ActionBounds()
	}
	t.vec = control.NewVec(mk, a.Config.Envs, rng.Uint64())
	t.init()
	return t, nil
}

func (t *Trainer) init() {
	cfg := t.cfg
	t.aw = t.pol.ActionWidth()
	nT := t.n * t.T
	f := func(k int) []float64 { return make([]float64, k) }
	t.obs, t.act, t.logp, t.values, t.rewards = f(nT*t.obsDim), f(nT*t.aw), f(nT), f(nT), f(nT)
	t.term, t.trunc = make([]bool, nT), make([]bool, nT)
	t.truncValues, t.adv, t.ret = f(nT), f(nT), f(nT)
	t.cur, t.final, t.envAct, t.last, t.stepLogp = f(t.n*t.obsDim), f(t.n*t.obsDim), f(t.n*t.aw), f(t.n), f(t.n)
	t.truncObs, t.truncIdx = f(nT*t.obsDim), make([]int, 0, nT)
	t.rollPol, t.rollVal = t.pol.NewWorkspace(t.n), t.val.NewWorkspace(nT)
	mb := nT / cfg.Minibatches
	t.perm = make([]int, nT)
	for i := range t.perm {
		t.perm[i] = i
	}
	t.mObs, t.mAct, t.mLogp, t.mAdv, t.mRet, t.mOldV = f(mb*t.obsDim), f(mb*t.aw), f(mb), f(mb), f(mb), f(mb)
	t.newLogp, t.ent, t.dLogp, t.dV = f(mb), f(mb), f(mb), f(mb)
	t.mbPol, t.mbVal = t.pol.NewWorkspace(mb), t.val.NewWorkspace(mb)
	t.parms = append(append([][]float64{}, t.pol.Params()...), t.val.Net().Params())
	t.grads = append(append([][]float64{}, t.pol.Grads()...), t.val.Net().Grads())
	for _, p := range t.parms {
		t.opts = append(t.opts, nn.NewAdam(len(p), cfg.LR, cfg.AdamEps))
		t.good = append(t.good, make([]float64, len(p)))
	}
	t.recent = f(recentWindow)
	t.vec.Reset(t.cur)
	t.par = &pair{serial: true}
	t.valueJob = t.valueStep
}

// SetParallel chooses whether each minibatch step runs the value network's
// passes on a helper goroutine, overlapped with the policy's. The results
// are the same either way. It is off by default because it does not pay
// for CleanRL-sized networks: on the 2-core development machine, idle,
// pgrad bench cartpole ran at about 278k steps/s serial and 250k with the
// helper, whose hand-off per minibatch costs more than the overlap saves.
func (t *Trainer) SetParallel(on bool) {
	if !on {
		t.par.close()
	}
	t.par.serial = !on
}

// Config returns the run's configuration.
func (t *Trainer) Config() Config { return t.cfg }

// Agent returns the trained networks with the configuration (shared, not
// copied).
func (t *Trainer) Agent() *Agent { return &Agent{Config: t.cfg, Policy: t.pol, Value: t.val} }

// Steps returns the environment steps taken so far.
func (t *Trainer) Steps() int { return t.steps }

// Iterations returns the number of iterations a full run takes.
func (t *Trainer) Iterations() int { return max(1, t.cfg.TotalSteps/(t.n*t.T)) }

// Close stops the helper goroutine that Iterate starts; Train calls it when
// it returns. The trainer stays usable: the next Iterate starts it again.
func (t *Trainer) Close() { t.par.close() }

// Train runs iterations until TotalSteps, ctx is done, or rec asks to stop.
// It returns nil on completion or ErrStop (or an error wrapping it),
// ctx.Err() on cancellation (after finishing the current iteration), a
// *DivergedError on divergence, or the recorder's error.
func (t *Trainer) Train(ctx context.Context, rec Recorder) error {
	defer t.Close()
	for t.iter < t.Iterations() {
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

// Iterate collects one rollout and updates the networks on it.
func (t *Trainer) Iterate() (Stats, error) {
	lr := t.cfg.LR
	if t.cfg.Anneal {
		lr *= 1 - float64(t.iter)/float64(t.Iterations())
	}
	for _, o := range t.opts {
		o.LR = lr
	}
	t.iter++
	t.rollout()
	s := t.update()
	s.LR = lr
	s.Iteration, s.Steps, s.Episodes = t.iter, t.steps, t.episodes
	s.Recent = t.Recent()
	if !finiteStats(s) || !mlp.Finite(t.parms...) {
		for g, p := range t.parms {
			copy(p, t.good[g])
		}
		return s, &DivergedError{Iteration: t.iter}
	}
	return s, nil
}

// Recent returns the mean return of the last 20 finished episodes, NaN
// before the first.
func (t *Trainer) Recent() float64 {
	k := min(t.recentN, recentWindow)
	if k == 0 {
		return math.NaN()
	}
	var s float64
	for _, r := range t.recent[:k] {
		s += r
	}
	return s / float64(k)
}

func (t *Trainer) rollout() {
	n, d, aw := t.n, t.obsDim, t.aw
	bootstrap := !t.cfg.NoTruncationBootstrap
	for step := 0; step < t.T; step++ {
		k := step * n
		copy(t.obs[k*d:(k+n)*d], t.cur)
		act := t.act[k*aw : (k+n)*aw]
		t.pol.Act(t.rollPol, t.cur, n, t.rng, false, act, t.logp[k:k+n])
		envAct := act
		if t.low != nil {
			// The environment gets the action clipped (or squashed) to its
			// bounds; the buffer keeps the raw sample, which is what π scored.
			envAct = t.envAct
			t.pol.(*mlp.Gaussian).EnvActions(envAct, act, n, t.low, t.high)
		}
		rw := t.rewards[k : k+n]
		term, trunc := t.term[k:k+n], t.trunc[k:k+n]
		t.vec.Step(envAct, t.cur, rw, term, trunc, t.final)
		for i := range rw {
			rw[i] *= t.cfg.RewardScale
		}
		if bootstrap {
			for i := range n {
				if trunc[i] && !term[i] {
					copy(t.truncObs[len(t.truncIdx)*d:], t.final[i*d:(i+1)*d])
					t.truncIdx = append(t.truncIdx, k+i)
				}
			}
		}
		for _, e := range t.vec.Finished() {
			t.recent[t.recentN%recentWindow] = e.Return
			t.recentN++
			t.episodes++
		}
	}
	t.steps += n * t.T
	// The value network sees the whole rollout at once: one forward pass
	// over T·N rows costs far less than T passes over N rows.
	copy(t.values, t.val.Forward(t.rollVal, t.obs, n*t.T))
	if m := len(t.truncIdx); m > 0 {
		v := t.val.Forward(t.rollVal, t.truncObs, m)
		for j, k := range t.truncIdx {
			t.truncValues[k] = v[j]
		}
		t.truncIdx = t.truncIdx[:0]
	}
	copy(t.last, t.val.Forward(t.rollVal, t.cur, n))
	lambda := t.cfg.Lambda
	if t.cfg.Algo == Reinforce {
		lambda = 1
	}
	GAE(t.adv, t.ret, t.rewards, t.values, t.term, t.trunc, t.truncValues, t.last, n, t.cfg.Gamma, lambda, bootstrap)
}

func (t *Trainer) update() Stats {
	cfg := t.cfg
	for g, p := range t.parms {
		copy(t.good[g], p)
	}
	nT := t.n * t.T
	mb := nT / cfg.Minibatches
	d, aw := t.obsDim, t.aw
	var s Stats
	var updates float64
	for range cfg.Epochs {
		if cfg.Epochs > 1 || cfg.Minibatches > 1 {
			t.rng.Shuffle(nT, func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
		}
		// As in CleanRL, a batch that does not divide evenly ends with a
		// smaller minibatch.
		for b := 0; b < nT; b += mb {
			m := min(mb, nT-b)
			for j, k := range t.perm[b : b+m] {
				copy(t.mObs[j*d:(j+1)*d], t.obs[k*d:(k+1)*d])
				copy(t.mAct[j*aw:(j+1)*aw], t.act[k*aw:(k+1)*aw])
				t.mLogp[j], t.mAdv[j], t.mRet[j], t.mOldV[j] = t.logp[k], t.adv[k], t.ret[k], t.values[k]
			}
			if cfg.NormAdv {
				NormalizeInPlace(t.mAdv[:m])
			}
			pl, vl, h, st := t.step(m)
			s.PolicyLoss += pl
			s.ValueLoss += vl
			s.Entropy += h
			s.ApproxKL += st.ApproxKL
			s.ClipFrac += st.ClipFrac
			updates++
		}
	}
	s.PolicyLoss /= updates
	s.ValueLoss /= updates
	s.Entropy /= updates
	s.ApproxKL /= updates
	s.ClipFrac /= updates
	s.ExplainedVar = ExplainedVariance(t.values, t.ret)
	return s
}

// step takes one gradient step on the minibatch in the m* buffers. With
// SetParallel(true) the value network's forward and backward passes run on
// the helper goroutine while the policy's run here; the two touch disjoint
// memory, so the result does not depend on scheduling.
func (t *Trainer) step(mb int) (pl, vl, h float64, st ClipStats) {
	cfg := t.cfg
	for _, g := range t.grads {
		clear(g)
	}
	t.jobN = mb
	t.par.run(t.valueJob)
	logp, dLogp := t.newLogp[:mb], t.dLogp[:mb]
	t.pol.Evaluate(t.mbPol, t.mObs, t.mAct, mb, logp, t.ent)
	if cfg.Algo == PPO {
		pl, st = ClippedSurrogateLoss(dLogp, logp, t.mLogp[:mb], t.mAdv[:mb], cfg.Clip)
	} else {
		// The diagnostics are still meaningful: the batch was collected by
		// the same parameters, so the ratio is 1 up to rounding. The
		// surrogate's gradient goes to scratch space.
		_, st = ClippedSurrogateLoss(dLogp, logp, t.mLogp[:mb], t.mAdv[:mb], cfg.Clip)
		pl = PolicyGradientLoss(dLogp, logp, t.mAdv[:mb])
	}
	for _, e := range t.ent[:mb] {
		h += e
	}
	h /= float64(mb)
	t.pol.Backward(t.mbPol, t.mAct, dLogp, -cfg.EntCoef/float64(mb), mb)
	t.par.wait()
	vl = t.jobLoss
	if cfg.MaxGradNorm > 0 {
		// The value network's share of the squared norm was summed on the
		// helper; the sum is taken in a fixed order, so it is the same on
		// every run.
		sq := t.jobSq
		for _, g := range t.pol.Grads() {
			sq += nn.SumSquares(g)
		}
		nn.ScaleToNorm(math.Sqrt(sq), cfg.MaxGradNorm, t.grads...)
	}
	for g, o := range t.opts {
		o.Step(t.parms[g], t.grads[g])
	}
	return pl, vl, h, st
}

// valueStep is the value network's half of a minibatch step, run on the
// helper goroutine with its size in jobN; it leaves the loss in jobLoss.
func (t *Trainer) valueStep() {
	mb := t.jobN
	v := t.val.Forward(t.mbVal, t.mObs, mb)
	clip := 0.0
	if t.cfg.ClipValue {
		clip = t.cfg.Clip
	}
	t.jobLoss = ValueLoss(t.dV[:mb], v, t.mOldV, t.mRet, clip)
	for i := range t.dV[:mb] {
		t.dV[i] *= t.cfg.VFCoef
	}
	t.val.Backward(t.mbVal, t.dV, mb)
	if t.cfg.MaxGradNorm > 0 {
		t.jobSq = nn.SumSquares(t.val.Net().Grads())
	}
}

func finiteStats(s Stats) bool {
	for _, v := range []float64{s.PolicyLoss, s.ValueLoss, s.Entropy, s.ApproxKL} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
