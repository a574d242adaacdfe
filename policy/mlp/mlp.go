// Package mlp holds neural policies for the control tasks: a categorical
// head for discrete actions, a diagonal Gaussian head for continuous ones
// (log σ learnable and state-independent, or computed from the state;
// actions clipped, or tanh-squashed with the log-probability's
// change-of-variables correction), and a value network.
//
// Every method works on a batch of n rows laid out row-major and writes
// into caller-owned buffers or a Workspace, so a training loop that reuses
// its buffers allocates nothing per step. The layout of an action batch is
// n×ActionWidth: one float holding the index for a categorical policy, the
// raw (unclipped, unsquashed) sample for a Gaussian one, which is the
// action that is stored and scored; Gaussian.EnvActions turns it into the
// environment's action.
//
// Exponentials and logarithms go through nn.Exp and nn.Log, which follow
// nn.SetPortable: the standard library's (assembly on amd64) by default,
// internal/fmath's platform-identical ones in portable mode, so that a
// seeded run gives the same bits natively and in the browser. The
// Gaussian's normal draws always come from fmath.Normal, which keeps every
// random source explicit and platform-identical.
package mlp

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pgrad/pgrad/internal/fmath"
	"github.com/pgrad/pgrad/nn"
)

// Policy is what a policy-gradient algorithm needs from a stochastic policy.
type Policy interface {
	// ActionWidth returns the number of floats one stored action takes.
	ActionWidth() int
	// NewWorkspace returns scratch space for batches of up to maxBatch rows.
	NewWorkspace(maxBatch int) *Workspace
	// Act writes an action per observation into act and its log-probability
	// into logp: sampled with r, or the most likely action when
	// deterministic is true (r may then be nil).
	Act(ws *Workspace, obs []float64, n int, r *rand.Rand, deterministic bool, act, logp []float64)
	// Evaluate writes log π(act|obs) into logp and the entropy of π(·|obs)
	// into ent, and keeps what Backward needs in ws.
	Evaluate(ws *Workspace, obs, act []float64, n int, logp, ent []float64)
	// Backward accumulates into Grads the gradient of
	// Σ_rows gLogp[row]·log π(act|obs) + gEnt·Σ_rows H(π(·|obs))
	// for the batch of the last Evaluate on ws.
	Backward(ws *Workspace, act, gLogp []float64, gEnt float64, n int)
	// Params returns the parameter groups; Grads the matching gradients.
	Params() [][]float64
	Grads() [][]float64
}

// Workspace holds the scratch buffers of one batch size. It is not safe to
// use one Workspace from two goroutines at once.
type Workspace struct {
	net   *nn.Workspace
	max   int
	probs []float64 // n×k softmax probabilities (categorical)
	lse   []float64 // n log-normalisers (categorical)
	ent   []float64 // n entropies (categorical)
	out   []float64 // view of the last forward output
	dOut  []float64 // n×out gradient with respect to the network output
	std   []float64 // σ per action dimension (Gaussian), set once per batch
	inv   []float64 // 1/σ per action dimension (Gaussian)
}

func newWorkspace(net *nn.MLP, maxBatch int) *Workspace {
	if maxBatch < 1 {
		panic(fmt.Sprintf("mlp: workspace for %d rows", maxBatch))
	}
	k := net.Out()
	return &Workspace{
		net:   net.NewWorkspace(maxBatch),
		max:   maxBatch,
		probs: make([]float64, maxBatch*k),
		lse:   make([]float64, maxBatch),
		ent:   make([]float64, maxBatch),
		dOut:  make([]float64, maxBatch*k),
		std:   make([]float64, k),
		inv:   make([]float64, k),
	}
}

func (ws *Workspace) check(n int) {
	if n < 0 || n > ws.max {
		panic(fmt.Sprintf("mlp: batch of %d rows in a workspace for %d", n, ws.max))
	}
}

// Gains returns CleanRL's orthogonal-initialisation gains for an MLP with
// the given number of hidden layers: √2 for hidden layers and out for the
// output layer (0.01 for a policy, 1 for a value network).
func Gains(hidden int, out float64) []float64 {
	g := make([]float64, hidden+1)
	for i := range hidden {
		g[i] = math.Sqrt2
	}
	g[hidden] = out
	return g
}

func sizes(in int, hidden []int, out int) []int {
	s := append([]int{in}, hidden...)
	return append(s, out)
}

// Categorical is a softmax policy over K actions whose logits an MLP
// computes from the observation.
type Categorical struct {
	net    *nn.MLP
	params [][]float64
	grads  [][]float64
}

// NewCategorical returns a categorical policy for obsDim-wide observations
// and k actions with the given hidden layer widths, initialised
// orthogonally with gain √2 for hidden layers and 0.01 for the logits so
// the initial policy is close to uniform.
func NewCategorical(obsDim, k int, hidden []int, act nn.Activation, r *rand.Rand) *Categorical {
	return CategoricalFrom(nn.NewMLP(sizes(obsDim, hidden, k), act, Gains(len(hidden), 0.01), r))
}

// CategoricalFrom wraps an existing network whose outputs are the logits.
func CategoricalFrom(net *nn.MLP) *Categorical {
	return &Categorical{net: net, params: [][]float64{net.Params()}, grads: [][]float64{net.Grads()}}
}

// Net returns the logits network.
func (c *Categorical) Net() *nn.MLP { return c.net }

// ActionWidth returns 1: an action is stored as its index.
func (c *Categorical) ActionWidth() int { return 1 }

// NewWorkspace returns scratch space for batches of up to maxBatch rows.
func (c *Categorical) NewWorkspace(maxBatch int) *Workspace { return newWorkspace(c.net, maxBatch) }

// Params returns the network's parameters as the only group.
func (c *Categorical) Params() [][]float64 { return c.params }

// Grads returns the network's gradients as the only group.
func (c *Categorical) Grads() [][]float64 { return c.grads }

// Act writes a sampled (or, if deterministic, the most likely) action index
// per row into act and its log-probability into logp.
func (c *Categorical) Act(ws *Workspace, obs []float64, n int, r *rand.Rand, deterministic bool, act, logp []float64) {
	ws.check(n)
	k := c.net.Out()
	logits := c.net.Forward(ws.net, obs, n)
	for i := range n {
		z := logits[i*k : i*k+k]
		p := ws.probs[i*k : i*k+k]
		lse := logSumExp(p, z)
		var a int
		if deterministic {
			a = argmax(z)
		} else {
			a = SampleCategorical(p, r)
		}
		act[i] = float64(a)
		logp[i] = z[a] - lse
	}
}

// Evaluate writes log π(act|obs) and the entropy of π(·|obs) per row.
func (c *Categorical) Evaluate(ws *Workspace, obs, act []float64, n int, logp, ent []float64) {
	ws.check(n)
	k := c.net.Out()
	logits := c.net.Forward(ws.net, obs, n)
	ws.out = logits
	for i := range n {
		z := logits[i*k : i*k+k]
		p := ws.probs[i*k : i*k+k]
		lse := logSumExp(p, z)
		h := categoricalEntropy(p, z, lse)
		ws.lse[i], ws.ent[i] = lse, h
		logp[i] = z[int(act[i])] - lse
		ent[i] = h
	}
}

// Backward accumulates the gradient of Σ gLogp[i]·log π(act_i) + gEnt·Σ H_i
// for the batch of the last Evaluate on ws.
func (c *Categorical) Backward(ws *Workspace, act, gLogp []float64, gEnt float64, n int) {
	ws.check(n)
	k := c.net.Out()
	for i := range n {
		categoricalGrad(ws.dOut[i*k:i*k+k], ws.probs[i*k:i*k+k], ws.out[i*k:i*k+k], ws.lse[i], ws.ent[i], int(act[i]), gLogp[i], gEnt)
	}
	c.net.Backward(ws.net, ws.dOut[:n*k], n)
}

// GaussianOptions selects the variants of a Gaussian policy. The zero
// value is the default: a state-independent log σ and actions clipped to
// the bounds by the caller.
type GaussianOptions struct {
	// StateStd makes log σ a function of the state: the network has 2·d
	// outputs, the means and then the log standard deviations (a shared
	// trunk, as in SAC), instead of d means and d free log σ parameters.
	StateStd bool
	// Squash passes each sampled u through tanh, so the action a = tanh(u)
	// lies in (−1, 1)^d, and the log-probability carries the change of
	// variables: log π(a) = log N(u; μ, σ) − Σ_j log(1 − tanh²(u_j)).
	// EnvActions then maps (−1, 1) affinely onto the task's bounds instead
	// of clipping.
	Squash bool
}

// Gaussian is a diagonal Gaussian policy whose means an MLP computes from
// the observation. Its log standard deviations are by default free
// parameters shared by every state; with GaussianOptions.StateStd the same
// network computes them too.
//
// A stored action is always the raw Gaussian sample u (n×d). With Squash,
// the action the task receives is tanh(u) rescaled to its bounds, and
// LogProb is the density of tanh(u); because the correction term depends
// on u only, its gradient with respect to the parameters is zero and the
// parameter gradient is the Gaussian's. The entropy reported (and the
// entropy bonus) is that of the Gaussian over u in both cases, since the
// squashed distribution's has no closed form.
type Gaussian struct {
	net     *nn.MLP
	d       int
	opt     GaussianOptions
	logStd  []float64 // nil with StateStd
	dLogStd []float64
	params  [][]float64
	grads   [][]float64
}

// NewGaussian returns a Gaussian policy for obsDim-wide observations and
// actDim-dimensional actions, with output gain 0.01 so the initial means
// are near zero, and every log σ set to logStd0.
func NewGaussian(obsDim, actDim int, hidden []int, act nn.Activation, logStd0 float64, r *rand.Rand) *Gaussian {
	return NewGaussianWith(obsDim, actDim, hidden, act, logStd0, GaussianOptions{}, r)
}

// NewGaussianWith is NewGaussian with options. With StateStd the network
// has 2·actDim outputs, all with output gain 0.01, and the biases of the
// log σ outputs start at logStd0, so every state's initial log σ is close
// to logStd0.
func NewGaussianWith(obsDim, actDim int, hidden []int, act nn.Activation, logStd0 float64, opt GaussianOptions, r *rand.Rand) *Gaussian {
	out := actDim
	if opt.StateStd {
		out = 2 * actDim
	}
	net := nn.NewMLP(sizes(obsDim, hidden, out), act, Gains(len(hidden), 0.01), r)
	if opt.StateStd {
		p := net.Params()
		// The output biases are the last out parameters.
		for j := range actDim {
			p[len(p)-actDim+j] = logStd0
		}
	}
	g, err := GaussianWith(net, opt)
	if err != nil {
		panic(err) // the shape is built above to fit
	}
	for i := range g.logStd {
		g.logStd[i] = logStd0
	}
	return g
}

// GaussianFrom wraps an existing network whose outputs are the means, with
// every log σ zero.
func GaussianFrom(net *nn.MLP) *Gaussian {
	g, _ := GaussianWith(net, GaussianOptions{})
	return g
}

// GaussianWith wraps an existing network: its outputs are the means (and
// then the log σ with StateStd, which needs an even number of outputs).
// A state-independent log σ starts at zero.
func GaussianWith(net *nn.MLP, opt GaussianOptions) (*Gaussian, error) {
	d := net.Out()
	if opt.StateStd {
		if d%2 != 0 {
			return nil, fmt.Errorf("mlp: a state-dependent σ needs an even number of network outputs, got %d", d)
		}
		d /= 2
	}
	g := &Gaussian{net: net, d: d, opt: opt}
	if opt.StateStd {
		g.params = [][]float64{net.Params()}
		g.grads = [][]float64{net.Grads()}
	} else {
		g.logStd, g.dLogStd = make([]float64, d), make([]float64, d)
		g.params = [][]float64{net.Params(), g.logStd}
		g.grads = [][]float64{net.Grads(), g.dLogStd}
	}
	return g, nil
}

// Net returns the network: the means, then with StateStd the log σ.
func (g *Gaussian) Net() *nn.MLP { return g.net }

// Options returns the options the policy was made with.
func (g *Gaussian) Options() GaussianOptions { return g.opt }

// LogStd returns the state-independent log standard deviations (the
// parameters, not a copy), or nil with StateStd.
func (g *Gaussian) LogStd() []float64 { return g.logStd }

// ActionWidth returns the action dimension.
func (g *Gaussian) ActionWidth() int { return g.d }

// NewWorkspace returns scratch space for batches of up to maxBatch rows.
func (g *Gaussian) NewWorkspace(maxBatch int) *Workspace { return newWorkspace(g.net, maxBatch) }

// Params returns the network's parameters and, without StateStd, the log
// standard deviations.
func (g *Gaussian) Params() [][]float64 { return g.params }

// Grads returns the gradients matching Params.
func (g *Gaussian) Grads() [][]float64 { return g.grads }

// scales writes σ and 1/σ of one row into ws: the shared ones once per
// batch (row < 0), or those of row i of the last forward output out with
// StateStd. It returns that row's log σ.
func (g *Gaussian) scales(ws *Workspace, out []float64, row int) []float64 {
	ls := g.logStd
	if g.opt.StateStd {
		if row < 0 {
			return nil
		}
		k := 2 * g.d
		ls = out[row*k+g.d : row*k+k]
	} else if row >= 0 {
		return ls
	}
	for j, l := range ls {
		ws.std[j], ws.inv[j] = nn.Exp(l), nn.Exp(-l)
	}
	return ls
}

// mean returns row i's means in the last forward output.
func (g *Gaussian) mean(out []float64, i int) []float64 {
	k := g.net.Out()
	return out[i*k : i*k+g.d]
}

// Act writes μ + σ·ε per row (or μ if deterministic) into act and its
// log-density into logp (of tanh of it, with Squash). The stored action is
// not clipped or squashed; EnvActions turns it into the task's action.
func (g *Gaussian) Act(ws *Workspace, obs []float64, n int, r *rand.Rand, deterministic bool, act, logp []float64) {
	ws.check(n)
	d := g.d
	out := g.net.Forward(ws.net, obs, n)
	g.scales(ws, out, -1)
	for i := range n {
		a := act[i*d : i*d+d]
		m := g.mean(out, i)
		ls := g.scales(ws, out, i)
		for j := range d {
			a[j] = m[j]
			if !deterministic {
				a[j] += ws.std[j] * fmath.Normal(r)
			}
		}
		logp[i] = gaussianLogProb(a, m, ls, ws.inv)
		if g.opt.Squash {
			logp[i] -= TanhLogDet(a)
		}
	}
}

// Evaluate writes log π(act|obs) and the entropy per row.
func (g *Gaussian) Evaluate(ws *Workspace, obs, act []float64, n int, logp, ent []float64) {
	ws.check(n)
	d := g.d
	out := g.net.Forward(ws.net, obs, n)
	ws.out = out
	g.scales(ws, out, -1)
	h := 0.0
	if !g.opt.StateStd {
		h = GaussianEntropy(g.logStd)
	}
	for i := range n {
		ls := g.scales(ws, out, i)
		a := act[i*d : i*d+d]
		logp[i] = gaussianLogProb(a, g.mean(out, i), ls, ws.inv)
		if g.opt.Squash {
			logp[i] -= TanhLogDet(a)
		}
		if g.opt.StateStd {
			h = GaussianEntropy(ls)
		}
		ent[i] = h
	}
}

// Backward accumulates the gradient of Σ gLogp[i]·log π(act_i) + gEnt·Σ H_i
// for the batch of the last Evaluate on ws.
func (g *Gaussian) Backward(ws *Workspace, act, gLogp []float64, gEnt float64, n int) {
	ws.check(n)
	d, k := g.d, g.net.Out()
	if !g.opt.StateStd {
		for i := range n {
			gaussianGrad(ws.dOut[i*k:i*k+d], g.dLogStd, act[i*d:i*d+d], g.mean(ws.out, i), ws.inv, gLogp[i])
		}
		for j := range g.dLogStd {
			g.dLogStd[j] += gEnt * float64(n)
		}
	} else {
		for i := range n {
			g.scales(ws, ws.out, i)
			dLs := ws.dOut[i*k+d : i*k+k]
			clear(dLs)
			gaussianGrad(ws.dOut[i*k:i*k+d], dLs, act[i*d:i*d+d], g.mean(ws.out, i), ws.inv, gLogp[i])
			for j := range dLs {
				dLs[j] += gEnt
			}
		}
	}
	g.net.Backward(ws.net, ws.dOut[:n*k], n)
}

// Dist writes the means and log standard deviations of π(·|obs) for n
// observations into mean and logStd (n×d each), on the scale of the stored
// action u (before any squashing).
func (g *Gaussian) Dist(ws *Workspace, obs []float64, n int, mean, logStd []float64) {
	ws.check(n)
	d := g.d
	out := g.net.Forward(ws.net, obs, n)
	for i := range n {
		copy(mean[i*d:i*d+d], g.mean(out, i))
		if g.opt.StateStd {
			k := 2 * d
			copy(logStd[i*d:i*d+d], out[i*k+d:i*k+k])
		} else {
			copy(logStd[i*d:i*d+d], g.logStd)
		}
	}
}

// EnvActions turns n stored actions (raw samples u, n×d) into the actions
// the task receives, in dst: with Squash low + (tanh(u)+1)·(high−low)/2,
// else u clipped to [low, high]. dst may be act.
func (g *Gaussian) EnvActions(dst, act []float64, n int, low, high []float64) {
	d := g.d
	for i := range n * d {
		j := i % d
		if g.opt.Squash {
			dst[i] = Squash(act[i], low[j], high[j])
		} else {
			dst[i] = min(max(act[i], low[j]), high[j])
		}
	}
}

// Squash maps u to low + (tanh(u)+1)·(high−low)/2, inside [low, high].
func Squash(u, low, high float64) float64 {
	return low + (Tanh(u)+1)*(0.5*(high-low))
}

// Tanh returns tanh(u) as −expm1(−2|u|)/(2 + expm1(−2|u|)) with the sign
// of u: accurate near 0, and, unlike math.Tanh, which calls math.Exp
// (assembly on amd64), the same bits on every platform.
func Tanh(u float64) float64 {
	e := math.Expm1(-2 * math.Abs(u))
	return math.Copysign(-e/(2+e), u)
}

// TanhLogDet returns Σ_j log(1 − tanh²(u_j)), the log-determinant of the
// Jacobian of a = tanh(u), computed as 2·(log 2 − u − softplus(−2u)) per
// dimension so that it stays finite where tanh²(u) rounds to 1.
func TanhLogDet(u []float64) float64 {
	var s float64
	for _, v := range u {
		s += 2 * (math.Ln2 - v - softplus(-2*v))
	}
	return s
}

// softplus returns log(1 + eˣ) without overflow.
func softplus(x float64) float64 {
	return max(x, 0) + math.Log1p(math.Expm1(-math.Abs(x))+1)
}

// Value is a state-value network V(s) with one output.
type Value struct {
	net *nn.MLP
}

// NewValue returns a value network with the given hidden widths, initialised
// orthogonally with gain √2 for hidden layers and 1 for the output.
func NewValue(obsDim int, hidden []int, act nn.Activation, r *rand.Rand) *Value {
	return &Value{net: nn.NewMLP(sizes(obsDim, hidden, 1), act, Gains(len(hidden), 1), r)}
}

// ValueFrom wraps an existing network with one output.
func ValueFrom(net *nn.MLP) *Value {
	if net.Out() != 1 {
		panic(fmt.Sprintf("mlp: value network with %d outputs", net.Out()))
	}
	return &Value{net: net}
}

// Net returns the network.
func (v *Value) Net() *nn.MLP { return v.net }

// NewWorkspace returns scratch space for batches of up to maxBatch rows.
func (v *Value) NewWorkspace(maxBatch int) *Workspace { return newWorkspace(v.net, maxBatch) }

// Forward returns V for n observations, a view into ws valid until its
// next use.
func (v *Value) Forward(ws *Workspace, obs []float64, n int) []float64 {
	ws.check(n)
	return v.net.Forward(ws.net, obs, n)[:n]
}

// Backward accumulates the gradient of Σ dV[i]·V(obs_i) for the batch of
// the last Forward on ws.
func (v *Value) Backward(ws *Workspace, dV []float64, n int) {
	ws.check(n)
	v.net.Backward(ws.net, dV[:n], n)
}

// Finite reports whether every element of the parameter groups is
// neither NaN nor infinite: Finite(p.Params()...) checks a policy.
func Finite(groups ...[]float64) bool {
	for _, g := range groups {
		for _, v := range g {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}
