package deep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/pgrad/pgrad/nn"
	"github.com/pgrad/pgrad/policy/mlp"
)

// Predictor computes an agent's actions for batches of up to a fixed
// number of observations without allocating: the batched form of
// Agent.Predict. A Predictor is not safe for concurrent use; make one per
// goroutine (Agent.Predict does so through a pool).
//
// Every method checks its input: a batch larger than the Predictor's, a
// destination or an observation slice of the wrong length, or an
// observation with NaN or infinite elements is an error, and nothing is
// written.
type Predictor struct {
	a    *Agent
	max  int
	ws   *mlp.Workspace
	net  *nn.Workspace // categorical probabilities
	logp []float64
	raw  []float64 // continuous: raw actions before the bounds
	norm []float64 // normalised observations, with Agent.ObsNorm
}

// NewPredictor returns a Predictor for batches of up to maxBatch rows (at
// least 1).
func (a *Agent) NewPredictor(maxBatch int) *Predictor {
	maxBatch = max(maxBatch, 1)
	p := &Predictor{a: a, max: maxBatch, ws: a.Policy.NewWorkspace(maxBatch), logp: make([]float64, maxBatch)}
	if a.ObsNorm != nil {
		p.norm = make([]float64, maxBatch*a.Space.ObsDim)
	}
	switch pol := a.Policy.(type) {
	case *mlp.Categorical:
		p.net = pol.Net().NewWorkspace(maxBatch)
	default:
		p.raw = make([]float64, maxBatch*a.Policy.ActionWidth())
	}
	return p
}

// PredictError reports an input Predict and its relatives cannot use.
type PredictError struct {
	What  string  // "batch", "observations", "destination" or "observation element"
	Got   int     // the length (or row count) given; for an element, its index
	Want  int     // the length wanted (or the Predictor's largest batch)
	Value float64 // for an element: its value
}

// Error says what was wrong with the input.
func (e *PredictError) Error() string {
	if e.What == "observation element" {
		return fmt.Sprintf("deep: predict: observation element %d is %g", e.Got, e.Value)
	}
	return fmt.Sprintf("deep: predict: %s of %d, want %d", e.What, e.Got, e.Want)
}

func (p *Predictor) check(obs []float64, n int, dst []float64, width int) error {
	d := p.a.Space.ObsDim
	switch {
	case n < 1 || n > p.max:
		return &PredictError{What: "batch", Got: n, Want: p.max}
	case len(obs) != n*d:
		return &PredictError{What: "observations", Got: len(obs), Want: n * d}
	case len(dst) != n*width:
		return &PredictError{What: "destination", Got: len(dst), Want: n * width}
	}
	for i, v := range obs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &PredictError{What: "observation element", Got: i, Want: -1, Value: v}
		}
	}
	return nil
}

// input returns the n observations as the networks take them: normalised
// with the agent's frozen statistics, if it has them.
func (p *Predictor) input(obs []float64, n int) []float64 {
	if p.a.ObsNorm == nil {
		return obs
	}
	x := p.norm[:n*p.a.Space.ObsDim]
	p.a.ObsNorm.Normalize(x, obs, n)
	return x
}

// Predict writes into dst (n×ActionWidth) the deterministic action for
// each of the n observations in obs (n×ObsDim): the most likely index, as
// a float, for a discrete task; the Gaussian's mean mapped into the task's
// bounds (clipped, or squashed with Config.Squash) for a continuous one,
// which is the action Evaluate gives the task.
func (p *Predictor) Predict(dst, obs []float64, n int) error {
	return p.act(dst, obs, n, nil)
}

// Sample is Predict with actions drawn from the policy with r instead of
// the most likely ones, mapped into the bounds like Predict's.
func (p *Predictor) Sample(dst, obs []float64, n int, r *rand.Rand) error {
	if r == nil {
		return &PredictError{What: "random source (nil)", Got: 0, Want: 1}
	}
	return p.act(dst, obs, n, r)
}

func (p *Predictor) act(dst, obs []float64, n int, r *rand.Rand) error {
	aw := p.a.Policy.ActionWidth()
	if err := p.check(obs, n, dst, aw); err != nil {
		return err
	}
	obs = p.input(obs, n)
	if g, ok := p.a.Policy.(*mlp.Gaussian); ok {
		raw := p.raw[:n*aw]
		g.Act(p.ws, obs, n, r, r == nil, raw, p.logp)
		g.EnvActions(dst, raw, n, p.a.Space.Low, p.a.Space.High)
		return nil
	}
	p.a.Policy.Act(p.ws, obs, n, r, r == nil, dst, p.logp)
	return nil
}

// Probs writes into dst (n×ActDim) the action probabilities of a
// discrete task's policy for each observation. For a continuous task it is
// an error; use MeanStd.
func (p *Predictor) Probs(dst, obs []float64, n int) error {
	c, ok := p.a.Policy.(*mlp.Categorical)
	if !ok {
		return fmt.Errorf("deep: Probs: %q has continuous actions (use MeanStd)", p.a.Config.Env)
	}
	k := p.a.Space.ActDim
	if err := p.check(obs, n, dst, k); err != nil {
		return err
	}
	obs = p.input(obs, n)
	logits := c.Net().Forward(p.net, obs, n)
	for i := range n {
		z, q := logits[i*k:i*k+k], dst[i*k:i*k+k]
		m := z[0]
		for _, v := range z[1:] {
			m = max(m, v)
		}
		var s float64
		for j, v := range z {
			q[j] = math.Exp(v - m)
			s += q[j]
		}
		for j := range q {
			q[j] /= s
		}
	}
	return nil
}

// MeanStd writes into mean and std (n×ActDim each) the Gaussian policy's
// mean and standard deviation for each observation, on the scale of the
// raw action before clipping or squashing. For a discrete task it is an
// error; use Probs.
func (p *Predictor) MeanStd(mean, std, obs []float64, n int) error {
	g, ok := p.a.Policy.(*mlp.Gaussian)
	if !ok {
		return fmt.Errorf("deep: MeanStd: %q has discrete actions (use Probs)", p.a.Config.Env)
	}
	d := p.a.Space.ActDim
	if err := p.check(obs, n, mean, d); err != nil {
		return err
	}
	if len(std) != n*d {
		return &PredictError{What: "destination", Got: len(std), Want: n * d}
	}
	obs = p.input(obs, n)
	g.Dist(p.ws, obs, n, mean, std)
	for i, l := range std {
		std[i] = math.Exp(l)
	}
	return nil
}

// predictors pools one-row Predictors of an agent for its methods that
// take one observation, which several goroutines may call at once.
type predictors struct{ pool sync.Pool }

func newPredictors(a *Agent) *predictors {
	ps := &predictors{}
	ps.pool.New = func() any { return a.NewPredictor(1) }
	return ps
}

func (a *Agent) predictor() (*Predictor, func()) {
	if a.preds == nil {
		// An Agent built by hand has no pool: a Predictor per call.
		return a.NewPredictor(1), func() {}
	}
	p := a.preds.pool.Get().(*Predictor)
	return p, func() { a.preds.pool.Put(p) }
}

// Predict returns the deterministic action for one observation: the index
// of the most likely action, as a float, for a discrete task; the mean
// mapped into the task's bounds for a continuous one (see
// Predictor.Predict). It is safe for concurrent use by several goroutines,
// as long as nothing changes the agent's parameters meanwhile (a Trainer
// training it does). Each call allocates its result; Predictor does not.
func (a *Agent) Predict(obs []float64) ([]float64, error) {
	p, done := a.predictor()
	defer done()
	dst := make([]float64, a.Policy.ActionWidth())
	if err := p.Predict(dst, obs, 1); err != nil {
		return nil, err
	}
	return dst, nil
}

// Sample is Predict with the action drawn from the policy with r. It is
// safe for concurrent use if each goroutine has its own r.
func (a *Agent) Sample(obs []float64, r *rand.Rand) ([]float64, error) {
	p, done := a.predictor()
	defer done()
	dst := make([]float64, a.Policy.ActionWidth())
	if err := p.Sample(dst, obs, 1, r); err != nil {
		return nil, err
	}
	return dst, nil
}

// Probs returns the action probabilities for one observation of a
// discrete task. It is safe for concurrent use.
func (a *Agent) Probs(obs []float64) ([]float64, error) {
	p, done := a.predictor()
	defer done()
	dst := make([]float64, a.Space.ActDim)
	if err := p.Probs(dst, obs, 1); err != nil {
		return nil, err
	}
	return dst, nil
}

// MeanStd returns the Gaussian policy's mean and standard deviation for one
// observation of a continuous task (before clipping or squashing). It is
// safe for concurrent use.
func (a *Agent) MeanStd(obs []float64) (mean, std []float64, err error) {
	p, done := a.predictor()
	defer done()
	mean, std = make([]float64, a.Space.ActDim), make([]float64, a.Space.ActDim)
	if err := p.MeanStd(mean, std, obs, 1); err != nil {
		return nil, nil, err
	}
	return mean, std, nil
}
