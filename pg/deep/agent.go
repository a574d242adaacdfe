package deep

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/internal/ckpt"
	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/nn"
	"github.com/pgrad/pgrad/policy/mlp"
)

// Agent is a trained policy and value network with the configuration that
// produced them and the spaces of its task: what a checkpoint holds.
type Agent struct {
	Config Config
	Space  Space // the task's observation and action spaces
	Policy mlp.Policy
	Value  *mlp.Value

	// ObsNorm holds, with Config.NormObs, the observation statistics the
	// networks' inputs are normalised with: (obs − Mean)/√(Var + NormEps),
	// clipped to ±NormClip (RunningStats.Normalize). Predict and Evaluate
	// apply it and never change it. It is nil without NormObs.
	ObsNorm *RunningStats

	newEnv func() control.Env // the task, when it is not looked up by name
	preds  *predictors        // for Predict and its relatives
}

// Checkpoint section names.
const (
	secPolicy = "policy"
	secLogStd = "policy.log_std"
	secValue  = "value"
	secSpace  = "space"    // JSON of the Space
	secNorm   = "obs_norm" // JSON of the observation statistics, with NormObs
)

// envConstructor returns the agent's task: the constructor it was made
// with, else the one registered under Config.Env.
func (a *Agent) envConstructor() (func() control.Env, error) {
	if a.newEnv != nil {
		return a.newEnv, nil
	}
	return MakeEnv(a.Config.Env)
}

// Save writes the agent to path as a checkpoint (atomically).
func (a *Agent) Save(path string) error {
	f, err := a.checkpoint()
	if err != nil {
		return err
	}
	return ckpt.Save(path, f)
}

// Encode returns the bytes of the checkpoint Save writes, for a writer
// that stores them itself (internal/rundir's Writer.Put).
func (a *Agent) Encode() ([]byte, error) {
	f, err := a.checkpoint()
	if err != nil {
		return nil, err
	}
	return ckpt.Encode(f)
}

func (a *Agent) checkpoint() (*ckpt.File, error) {
	cfg, err := json.Marshal(a.Config)
	if err != nil {
		return nil, err
	}
	f := &ckpt.File{Config: cfg}
	var net *nn.MLP
	switch p := a.Policy.(type) {
	case *mlp.Categorical:
		net = p.Net()
	case *mlp.Gaussian:
		net = p.Net()
		if p.Options().StateStd {
			break // log σ is part of the network
		}
		b := make([]byte, 0, 8*len(p.LogStd()))
		for _, v := range p.LogStd() {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		f.Sections = append(f.Sections, ckpt.Section{Name: secLogStd, Data: b})
	default:
		return nil, fmt.Errorf("deep: cannot save a policy of type %T", a.Policy)
	}
	pb, err := net.MarshalBinary()
	if err != nil {
		return nil, err
	}
	vb, err := a.Value.Net().MarshalBinary()
	if err != nil {
		return nil, err
	}
	sb, err := json.Marshal(a.Space)
	if err != nil {
		return nil, err
	}
	f.Sections = append(f.Sections, ckpt.Section{Name: secPolicy, Data: pb}, ckpt.Section{Name: secValue, Data: vb},
		ckpt.Section{Name: secSpace, Data: sb})
	if a.Config.NormObs {
		if a.ObsNorm == nil {
			return nil, errors.New("deep: an agent with NormObs has no observation statistics")
		}
		nb, err := json.Marshal(a.ObsNorm)
		if err != nil {
			return nil, err
		}
		f.Sections = append(f.Sections, ckpt.Section{Name: secNorm, Data: nb})
	}
	return f, nil
}

// Load reads an agent from a checkpoint written by Save, for the task
// registered under the name the checkpoint records (an unregistered name
// is an *EnvError naming it, matching ErrUnknownEnv). A truncated, corrupt
// or foreign file, one whose networks do not fit its configuration, or
// one whose recorded spaces differ from the task's, is an error.
func Load(path string) (*Agent, error) {
	return load(path, nil)
}

// LoadWithEnv is Load for a checkpoint of a task that is not registered,
// such as one trained with NewWithEnv: newEnv makes the task, whose spaces
// must be those the checkpoint records.
func LoadWithEnv(path string, newEnv func() control.Env) (*Agent, error) {
	if newEnv == nil {
		return nil, &EnvError{Err: ErrBadSpace, Field: "constructor", Value: "nil"}
	}
	return load(path, newEnv)
}

// Decode is Load for the bytes of a checkpoint already read (and checked)
// by the caller, such as internal/rundir's Run.ReadFile; path names it in
// errors.
func Decode(path string, data []byte) (*Agent, error) {
	return DecodeWithEnv(path, data, nil)
}

// DecodeWithEnv is Decode for a task that is not registered (LoadWithEnv);
// with a nil newEnv it is Decode.
func DecodeWithEnv(path string, data []byte, newEnv func() control.Env) (*Agent, error) {
	f, err := ckpt.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return fromCheckpoint(path, f, newEnv)
}

func load(path string, newEnv func() control.Env) (*Agent, error) {
	f, err := ckpt.Load(path)
	if err != nil {
		return nil, err
	}
	return fromCheckpoint(path, f, newEnv)
}

func fromCheckpoint(path string, f *ckpt.File, newEnv func() control.Env) (*Agent, error) {
	var err error
	var cfg Config
	if err := json.Unmarshal(f.Config, &cfg); err != nil {
		return nil, fmt.Errorf("deep: %s: bad configuration: %v", path, err)
	}
	mk := newEnv
	if mk == nil {
		if mk, err = MakeEnv(cfg.Env); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	sp, err := spaceOfConstructor(cfg.Env, mk)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if b, ok := f.Section(secSpace); ok {
		// Checkpoints before the spaces were recorded have none; their
		// task is one of the built-in ones.
		var saved Space
		if err := json.Unmarshal(b, &saved); err != nil {
			return nil, fmt.Errorf("deep: %s: bad %q section: %v", path, secSpace, err)
		}
		if !saved.Equal(sp) {
			return nil, fmt.Errorf("deep: %s: the checkpoint's spaces %+v are not those of environment %q, %+v", path, saved, cfg.Env, sp)
		}
	}
	if err := cfg.validate(sp); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	section := func(name string) (*nn.MLP, error) {
		b, ok := f.Section(name)
		if !ok {
			return nil, fmt.Errorf("deep: %s: no %q section", path, name)
		}
		var m nn.MLP
		if err := m.UnmarshalBinary(b); err != nil {
			return nil, fmt.Errorf("deep: %s: %s: %w", path, name, err)
		}
		return &m, nil
	}
	pn, err := section(secPolicy)
	if err != nil {
		return nil, err
	}
	vn, err := section(secValue)
	if err != nil {
		return nil, err
	}
	act, _ := cfg.activation()
	for _, n := range []struct {
		name string
		net  *nn.MLP
		out  int
	}{{secPolicy, pn, policyOutputs(cfg, sp)}, {secValue, vn, 1}} {
		want := append(append([]int{sp.ObsDim}, cfg.Hidden.Widths()...), n.out)
		if !slices.Equal(n.net.Sizes(), want) || n.net.Hidden() != act {
			return nil, fmt.Errorf("deep: %s: the %s network is %v %v, but the configuration says %v %v",
				path, n.name, n.net.Sizes(), n.net.Hidden(), want, act)
		}
		if !mlp.Finite(n.net.Params()) {
			return nil, fmt.Errorf("deep: %s: the %s network has NaN or infinite parameters", path, n.name)
		}
	}
	a := &Agent{Config: cfg, Space: sp, Value: mlp.ValueFrom(vn), newEnv: newEnv}
	a.preds = newPredictors(a)
	if cfg.NormObs {
		b, ok := f.Section(secNorm)
		var st RunningStats
		if !ok {
			return nil, fmt.Errorf("deep: %s: NormObs but no %q section", path, secNorm)
		}
		if err := json.Unmarshal(b, &st); err != nil {
			return nil, fmt.Errorf("deep: %s: bad %q section: %v", path, secNorm, err)
		}
		if err := st.check(sp.ObsDim); err != nil {
			return nil, fmt.Errorf("deep: %s: %q section: %v", path, secNorm, err)
		}
		a.ObsNorm = &st
	}
	if sp.Discrete {
		a.Policy = mlp.CategoricalFrom(pn)
	} else {
		g, err := mlp.GaussianWith(pn, cfg.gaussianOptions())
		if err != nil {
			return nil, fmt.Errorf("deep: %s: %w", path, err)
		}
		if cfg.StateStd {
			a.Policy = g
			return a, nil
		}
		b, ok := f.Section(secLogStd)
		if !ok || len(b) != 8*len(g.LogStd()) {
			return nil, fmt.Errorf("deep: %s: missing or malformed %q section", path, secLogStd)
		}
		for i := range g.LogStd() {
			g.LogStd()[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
		if !mlp.Finite(g.LogStd()) {
			return nil, fmt.Errorf("deep: %s: NaN or infinite log σ %v", path, g.LogStd())
		}
		a.Policy = g
	}
	return a, nil
}

// policyOutputs is the width of the policy network's output for cfg on a
// task of spaces sp: the logits, the means, or the means and then the log σ.
func policyOutputs(cfg Config, sp Space) int {
	if cfg.StateStd && !sp.Discrete {
		return 2 * sp.ActDim
	}
	return sp.ActDim
}

// Evaluate runs episodes full episodes of the agent's task with its policy,
// acting deterministically (the most likely action, or the mean) unless
// sample is true, and returns their undiscounted returns in the order of
// the copies that ran them. The copies' resets derive from seed.
func (a *Agent) Evaluate(episodes int, sample bool, seed uint64) ([]float64, error) {
	return a.EvaluateContext(context.Background(), episodes, sample, seed, nil)
}

// EvaluateContext is Evaluate with a way to watch and to stop it: done, if
// not nil, is called with the number of finished episodes each time one
// finishes, and when ctx is done the evaluation stops within a step of the
// copies and returns the returns of the episodes finished so far with
// ctx.Err(). Uninterrupted, it returns what Evaluate returns.
func (a *Agent) EvaluateContext(ctx context.Context, episodes int, sample bool, seed uint64, done func(int)) ([]float64, error) {
	if episodes <= 0 {
		return nil, errors.New("deep: the number of evaluation episodes must be positive")
	}
	mk, err := a.envConstructor()
	if err != nil {
		return nil, err
	}
	return a.evaluate(ctx, mk, episodes, sample, seed, done)
}

// evaluate runs the episodes with the agent's Predictor: Predict's
// actions, or Sample's with sample.
func (a *Agent) evaluate(ctx context.Context, mk func() control.Env, episodes int, sample bool, seed uint64, done func(int)) (returns []float64, err error) {
	env := a.Config.Env
	// Each of k copies runs a fixed quota of episodes, so that short
	// episodes are not over-represented as they would be by taking the
	// first episodes to finish.
	k := min(episodes, 16)
	quota := make([]int, k)
	for i := range episodes {
		quota[i%k]++
	}
	rng := seeded.Rand(seed)
	sp, err := spaceOfConstructor(env, mk)
	if err != nil {
		return nil, err
	}
	if !a.Space.Equal(sp) {
		if a.Space.ObsDim != 0 {
			return nil, fmt.Errorf("deep: the agent's spaces %+v are not those of environment %q, %+v", a.Space, env, sp)
		}
		// An Agent put together by hand, without its Space: the task's.
		b := *a
		b.Space, b.preds = sp, nil
		a = &b
	}
	vec, err := newVec(env, mk, sp, k, rng.Uint64())
	if err != nil {
		return nil, err
	}
	d, aw := sp.ObsDim, a.Policy.ActionWidth()
	obs, final := make([]float64, k*d), make([]float64, k*d)
	envAct := make([]float64, k*aw)
	rewards := make([]float64, k)
	term, trunc := make([]bool, k), make([]bool, k)
	pred := a.NewPredictor(k)
	at := 0
	defer func() {
		if p := recover(); p != nil {
			err = envPanic(env, "Step", at, p)
		}
	}()
	poison(obs)
	vec.Reset(obs)
	if err := checkObs(env, 0, obs, d); err != nil {
		return nil, err
	}
	left := episodes
	for left > 0 {
		if err := ctx.Err(); err != nil {
			return returns, err
		}
		if sample {
			err = pred.Sample(envAct, obs, k, rng)
		} else {
			err = pred.Predict(envAct, obs, k)
		}
		if err != nil {
			return returns, err
		}
		if err := vec.CheckActions(envAct); err != nil {
			return returns, &EnvStepError{Env: env, Step: at, What: "action", Err: err}
		}
		poison(obs)
		vec.Step(envAct, obs, rewards, term, trunc, final)
		if err := checkObs(env, at, obs, d); err != nil {
			return returns, err
		}
		for i, r := range rewards {
			if math.IsNaN(r) || math.IsInf(r, 0) {
				return returns, &EnvStepError{Env: env, Step: at + i, Copy: i, What: "reward", Value: r}
			}
		}
		at += k
		for _, e := range vec.Finished() {
			if quota[e.Env] > 0 {
				quota[e.Env]--
				returns = append(returns, e.Return)
				left--
				if done != nil {
					done(len(returns))
				}
			}
		}
	}
	return returns, nil
}
