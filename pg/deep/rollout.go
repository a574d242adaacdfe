package deep

import (
	"fmt"
	"math"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/policy/mlp"
)

// rollout holds the environments and one rollout of T steps of N copies,
// time-major (index t*N+i): what collect fills and update reads.
type rollout struct {
	vec         *control.Vec
	n, T, d, aw int
	low, high   []float64 // action bounds of a continuous task

	obs, act, logp, values, rewards []float64
	term, trunc                     []bool
	truncValues, adv, ret           []float64

	cur, final, envAct, last []float64 // per step: N rows (cur as the networks see it)
	raw                      []float64 // the task's observations: cur itself without NormObs
	truncObs                 []float64 // final observations of truncated steps
	truncIdx                 []int

	polWS, valWS *mlp.Workspace
}

func newRollout(vec *control.Vec, sp Space, pol mlp.Policy, val *mlp.Value, T int, normObs bool) rollout {
	n, d, aw := vec.Len(), sp.ObsDim, sp.ActionWidth()
	nT := n * T
	f := func(k int) []float64 { return make([]float64, k) }
	r := rollout{
		vec: vec, n: n, T: T, d: d, aw: aw, low: sp.Low, high: sp.High,
		obs: f(nT * d), act: f(nT * aw), logp: f(nT), values: f(nT), rewards: f(nT),
		term: make([]bool, nT), trunc: make([]bool, nT),
		truncValues: f(nT), adv: f(nT), ret: f(nT),
		cur: f(n * d), final: f(n * d), envAct: f(n * aw), last: f(n),
		truncObs: f(nT * d), truncIdx: make([]int, 0, nT),
		polWS: pol.NewWorkspace(n), valWS: val.NewWorkspace(nT),
	}
	r.raw = r.cur
	if normObs {
		r.raw = f(n * d)
	}
	return r
}

// reset starts an episode in every copy, checking what the task returns.
func (r *rollout) reset(env string, norm *RunningStats) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = envPanic(env, "Reset", 0, p)
		}
	}()
	poison(r.raw)
	r.vec.Reset(r.raw)
	if err := checkObs(env, 0, r.raw, r.d); err != nil {
		return err
	}
	if norm != nil {
		norm.Update(r.raw, r.n)
		norm.Normalize(r.cur, r.raw, r.n)
	}
	return nil
}

// collect runs the policy for T steps in every copy, storing the
// observations, the raw actions and their log-probabilities, the scaled
// rewards and the episode ends, and then the value network's estimates
// that advantages needs.
func (t *Trainer) collect() (err error) {
	r := &t.roll
	n, d, aw := r.n, r.d, r.aw
	bootstrap := !t.cfg.NoTruncationBootstrap
	env := t.cfg.Env
	at := 0 // steps of this rollout so far
	defer func() {
		if p := recover(); p != nil {
			err = envPanic(env, "Step", t.count.steps+at, p)
		}
	}()
	for step := 0; step < r.T; step++ {
		k := step * n
		at = k
		copy(r.obs[k*d:(k+n)*d], r.cur)
		act := r.act[k*aw : (k+n)*aw]
		t.pol.Act(r.polWS, r.cur, n, t.rng, false, act, r.logp[k:k+n])
		envAct := act
		if r.low != nil {
			// The environment gets the action clipped (or squashed) to its
			// bounds; the buffer keeps the raw sample, which is what π scored.
			envAct = r.envAct
			t.pol.(*mlp.Gaussian).EnvActions(envAct, act, n, r.low, r.high)
		}
		if err := r.vec.CheckActions(envAct); err != nil {
			return &EnvStepError{Env: env, Step: t.count.steps + k, What: "action", Err: err}
		}
		rw := r.rewards[k : k+n]
		term, trunc := r.term[k:k+n], r.trunc[k:k+n]
		poison(r.raw)
		r.vec.Step(envAct, r.raw, rw, term, trunc, r.final)
		if err := checkObs(env, t.count.steps+k, r.raw, d); err != nil {
			return err
		}
		if t.obsNorm != nil {
			t.obsNorm.Update(r.raw, n)
			t.obsNorm.Normalize(r.cur, r.raw, n)
		}
		for i := range rw {
			if math.IsNaN(rw[i]) || math.IsInf(rw[i], 0) {
				return &EnvStepError{Env: env, Step: t.count.steps + k + i, Copy: i, What: "reward", Value: rw[i]}
			}
			rw[i] *= t.cfg.RewardScale
		}
		if t.rewNorm != nil {
			t.rewNorm.apply(rw, term, trunc)
		}
		if bootstrap {
			for i := range n {
				if trunc[i] && !term[i] {
					dst, src := r.truncObs[len(r.truncIdx)*d:][:d], r.final[i*d:(i+1)*d]
					if t.obsNorm != nil {
						t.obsNorm.Normalize(dst, src, 1)
					} else {
						copy(dst, src)
					}
					r.truncIdx = append(r.truncIdx, k+i)
				}
			}
		}
		for _, e := range r.vec.Finished() {
			t.count.episode(e.Return)
		}
	}
	t.count.steps += n * r.T
	// The value network sees the whole rollout at once: one forward pass
	// over T·N rows costs far less than T passes over N rows.
	copy(r.values, t.val.Forward(r.valWS, r.obs, n*r.T))
	if m := len(r.truncIdx); m > 0 {
		v := t.val.Forward(r.valWS, r.truncObs, m)
		for j, k := range r.truncIdx {
			r.truncValues[k] = v[j]
		}
		r.truncIdx = r.truncIdx[:0]
	}
	copy(r.last, t.val.Forward(r.valWS, r.cur, n))
	return nil
}

// advantages computes GAE(λ) advantages and value targets for the rollout
// (λ = 1 for REINFORCE: returns-to-go).
func (t *Trainer) advantages() {
	r := &t.roll
	lambda := t.cfg.Lambda
	if t.cfg.Algo == Reinforce {
		lambda = 1
	}
	bootstrap := !t.cfg.NoTruncationBootstrap
	GAE(r.adv, r.ret, r.rewards, r.values, r.term, r.trunc, r.truncValues, r.last, r.n, t.cfg.Gamma, lambda, bootstrap)
}

// EnvStepError reports a task that misbehaved during training or
// evaluation: a NaN or infinite observation or reward, an observation it
// did not write in full, an action it refused (its CheckAction), or a
// panic in Reset or Step. The trainer stops with its parameters those of
// the last good update.
type EnvStepError struct {
	Env   string  // the task's name
	Step  int     // environment steps of the run before the bad one (over all copies)
	Copy  int     // which copy, when known
	What  string  // "observation", "reward", "action" or "panic"
	Index int     // observation: the element
	Value float64 // observation or reward: the bad value (NaN also for an element not written)
	Panic any     // panic: the panic's value
	Err   error   // action: the task's error
}

// Error names the task, the step, the copy and the bad value.
func (e *EnvStepError) Error() string {
	switch e.What {
	case "panic":
		return fmt.Sprintf("deep: environment %q panicked near step %d: %v", e.Env, e.Step, e.Panic)
	case "action":
		return fmt.Sprintf("deep: environment %q refused an action at step %d: %v", e.Env, e.Step, e.Err)
	case "observation":
		return fmt.Sprintf("deep: environment %q returned observation element %d = %g at step %d (copy %d): NaN, infinite or not written",
			e.Env, e.Index, e.Value, e.Step, e.Copy)
	}
	return fmt.Sprintf("deep: environment %q returned %s %g at step %d (copy %d)", e.Env, e.What, e.Value, e.Step, e.Copy)
}

// Unwrap returns the task's error for a refused action.
func (e *EnvStepError) Unwrap() error { return e.Err }

// poison fills an observation buffer with NaN before the task writes it, so
// that an element it leaves unwritten is caught like a NaN it writes.
func poison(obs []float64) {
	for i := range obs {
		obs[i] = math.NaN()
	}
}

func checkObs(env string, step int, obs []float64, d int) error {
	for i, v := range obs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &EnvStepError{Env: env, Step: step + i/d, Copy: i / d, What: "observation", Index: i % d, Value: v}
		}
	}
	return nil
}

// envPanic is the *EnvStepError for a panic of the task in where.
func envPanic(env, where string, step int, p any) error {
	return &EnvStepError{Env: env, Step: step, What: "panic", Panic: fmt.Sprintf("in %s: %v", where, p)}
}

// newVec makes n copies with newEnv, checking that every copy has the
// spaces of the first (a panic of the constructor is an error).
func newVec(env string, newEnv func() control.Env, sp Space, n int, seed uint64) (v *control.Vec, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &EnvError{Env: env, Err: ErrBadSpace, Field: "constructor", Value: fmt.Sprintf("panicked: %v", r)}
		}
	}()
	var bad error
	mk := func() control.Env {
		e := newEnv()
		if s, err := SpaceOf(env, e); err != nil {
			bad = err
		} else if !s.Equal(sp) {
			bad = &EnvError{Env: env, Err: ErrBadSpace, Field: "constructor", Value: "returned copies of different spaces"}
		}
		return e
	}
	v = control.NewVec(mk, n, seed)
	if bad != nil {
		return nil, bad
	}
	return v, nil
}
