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
// produced them: what a checkpoint holds.
type Agent struct {
	Config Config
	Policy mlp.Policy
	Value  *mlp.Value
}

// Checkpoint section names.
const (
	secPolicy = "policy"
	secLogStd = "policy.log_std"
	secValue  = "value"
)

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
	f.Sections = append(f.Sections, ckpt.Section{Name: secPolicy, Data: pb}, ckpt.Section{Name: secValue, Data: vb})
	return f, nil
}

// Load reads an agent from a checkpoint written by Save. A truncated,
// corrupt or foreign file, or one whose networks do not fit its
// configuration, is an error.
func Load(path string) (*Agent, error) {
	f, err := ckpt.Load(path)
	if err != nil {
		return nil, err
	}
	return fromCheckpoint(path, f)
}

// Decode is Load for the bytes of a checkpoint already read (and checked)
// by the caller, such as internal/rundir's Run.ReadFile; path names it in
// errors.
func Decode(path string, data []byte) (*Agent, error) {
	f, err := ckpt.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return fromCheckpoint(path, f)
}

func fromCheckpoint(path string, f *ckpt.File) (*Agent, error) {
	var cfg Config
	if err := json.Unmarshal(f.Config, &cfg); err != nil {
		return nil, fmt.Errorf("deep: %s: bad configuration: %v", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	mk, _ := MakeEnv(cfg.Env)
	proto := mk()
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
	}{{secPolicy, pn, policyOutputs(cfg, proto)}, {secValue, vn, 1}} {
		want := append(append([]int{proto.ObsDim()}, cfg.Hidden...), n.out)
		if !slices.Equal(n.net.Sizes(), want) || n.net.Hidden() != act {
			return nil, fmt.Errorf("deep: %s: the %s network is %v %v, but the configuration says %v %v",
				path, n.name, n.net.Sizes(), n.net.Hidden(), want, act)
		}
		if !mlp.Finite(n.net.Params()) {
			return nil, fmt.Errorf("deep: %s: the %s network has NaN or infinite parameters", path, n.name)
		}
	}
	a := &Agent{Config: cfg, Value: mlp.ValueFrom(vn)}
	if proto.Discrete() {
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

// policyOutputs is the width of the policy network's output for cfg on
// env: the logits, the means, or the means and then the log σ.
func policyOutputs(cfg Config, env control.Env) int {
	if cfg.StateStd && !env.Discrete() {
		return 2 * env.ActDim()
	}
	return env.ActDim()
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
	mk, err := MakeEnv(a.Config.Env)
	if err != nil {
		return nil, err
	}
	return evaluate(ctx, a.Policy, mk, episodes, sample, seed, done)
}

func evaluate(ctx context.Context, pol mlp.Policy, mk func() control.Env, episodes int, sample bool, seed uint64, done func(int)) ([]float64, error) {
	// Each of k copies runs a fixed quota of episodes, so that short
	// episodes are not over-represented as they would be by taking the
	// first episodes to finish.
	k := min(episodes, 16)
	quota := make([]int, k)
	for i := range episodes {
		quota[i%k]++
	}
	rng := seeded.Rand(seed)
	vec := control.NewVec(mk, k, rng.Uint64())
	proto := mk()
	var low, high []float64
	if !proto.Discrete() {
		low, high = proto.ActionBounds()
	}
	d, aw := proto.ObsDim(), pol.ActionWidth()
	obs, final := make([]float64, k*d), make([]float64, k*d)
	act, envAct, logp := make([]float64, k*aw), make([]float64, k*aw), make([]float64, k)
	rewards := make([]float64, k)
	term, trunc := make([]bool, k), make([]bool, k)
	ws := pol.NewWorkspace(k)
	vec.Reset(obs)
	var returns []float64
	left := episodes
	for left > 0 {
		if err := ctx.Err(); err != nil {
			return returns, err
		}
		pol.Act(ws, obs, k, rng, !sample, act, logp)
		copy(envAct, act)
		if low != nil {
			pol.(*mlp.Gaussian).EnvActions(envAct, act, k, low, high)
		}
		vec.Step(envAct, obs, rewards, term, trunc, final)
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
