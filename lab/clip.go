package lab

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/pg"
	"github.com/pgrad/pgrad/pg/exact"
	"github.com/pgrad/pgrad/policy"
)

// Limits of the clip widget's settings.
const (
	MaxClipEpochs = 50
	MaxClipBatch  = 64
	MaxClipLR     = 100
	// ClipCurvePoints is the number of r values at which L(r) is tabulated,
	// evenly from 0 to ClipCurveMax.
	ClipCurvePoints = 121
	ClipCurveMax    = 2.0
)

// ClipSettings are what a person changes in the clip widget.
type ClipSettings struct {
	Eps     float64 `json:"eps"`     // ε, in (0, 1)
	Epochs  int     `json:"k"`       // K, 1..MaxClipEpochs
	LR      float64 `json:"lr"`      // the (large) step α of every epoch
	Batch   int     `json:"b"`       // rollouts in the one batch
	Uniform bool    `json:"uniform"` // start from the uniform policy instead of the lab's
}

// DefaultClipSettings: ε = 0.2 (Schulman et al. 2017), 20 epochs, α = 5,
// a batch of 8 rollouts.
func DefaultClipSettings() ClipSettings {
	return ClipSettings{Eps: 0.2, Epochs: 20, LR: 5, Batch: 8}
}

func (s ClipSettings) check() error {
	switch {
	case math.IsNaN(s.Eps) || s.Eps <= 0 || s.Eps >= 1:
		return &SettingError{Name: "eps", Msg: fmt.Sprintf("lab: clip ε %v must be in (0, 1)", s.Eps)}
	case s.Epochs < 1 || s.Epochs > MaxClipEpochs:
		return &SettingError{Name: "k", Msg: fmt.Sprintf("lab: %d epochs is out of range (1 to %d)", s.Epochs, MaxClipEpochs)}
	case math.IsNaN(s.LR) || s.LR <= 0 || s.LR > MaxClipLR:
		return &SettingError{Name: "lr", Msg: fmt.Sprintf("lab: step %v is out of range (above 0, up to %d)", s.LR, MaxClipLR)}
	case s.Batch < 1 || s.Batch > MaxClipBatch:
		return &SettingError{Name: "b", Msg: fmt.Sprintf("lab: batch %d is out of range (1 to %d)", s.Batch, MaxClipBatch)}
	}
	return nil
}

// A ClipEpoch is the state of one objective's run after an epoch (epoch 0:
// before any): π at the start cell, the exact J, the spread of the batch's
// ratios and the share of samples whose clipped term is flat (for the plain
// objective: the share outside [1−ε, 1+ε]).
type ClipEpoch struct {
	Start              [4]float64
	J                  float64
	MinRatio, MaxRatio float64
	Clipped            float64
}

// A ClipSnapshot is what the clip widget draws.
type ClipSnapshot struct {
	Settings ClipSettings
	// Curve holds L(r) for Â = +1 and Â = −1 at ClipCurvePoints values of r.
	Curve         [ClipCurvePoints][3]float64 // r, L(r; Â=+1), L(r; Â=−1)
	Samples       int                         // steps in the batch
	Rollouts      int                         // rollouts in it
	Plain, Clip   []ClipEpoch                 // epochs 0 … K
	Batches       int                         // batches collected so far
	StartAdvMean  float64                     // mean advantage of the start cell's samples
	Goals         int                         // rollouts of the batch that reached the goal
	PlainWorstJ   float64                     // lowest J over the plain run's epochs
	ClippedWorstJ float64
	// Cells counts the cells the batch's samples are in, MixedCells those of
	// them whose samples took more than one move: only there can the clip
	// fail to hold a ratio within one epoch's change of [1−ε, 1+ε] (pg's
	// PPOTrainer documentation).
	Cells, MixedCells int
}

// A Clip is the clip widget's session: one batch collected with a policy,
// advantages Â_t = G^λ=1_t − V^π(s_t) from the exact V^π of that policy
// (pg.Advantages with λ = 1; a rollout cut by the step cap bootstraps), and
// K epochs of θ += α·∇L on it, once with the plain importance-weighted
// objective and once with PPO's clipped one (pg.Surrogate).
type Clip struct {
	set    ClipSettings
	world  *env.GridWorld
	theta  []float64
	gamma  float64
	rng    *rand.Rand
	batch  []pg.Sample
	rolls  int
	goals  int
	nbatch int
	plain  []ClipEpoch
	clip   []ClipEpoch
	ev     *exact.Eval
}

// NewClip returns the clip session on g's world with g's γ and policy (or
// uniform), and collects its first batch.
func NewClip(g *Grid, set ClipSettings, seed uint64) (*Clip, error) {
	c := &Clip{rng: seeded.Rand(seed)}
	if err := c.Adopt(g, set); err != nil {
		return nil, err
	}
	return c, nil
}

// Adopt takes g's world, γ and policy (or the uniform one) and collects a
// new batch. On error nothing changes.
func (c *Clip) Adopt(g *Grid, set ClipSettings) error {
	if err := set.check(); err != nil {
		return err
	}
	w, err := env.NewGridWorld(g.Config())
	if err != nil {
		return err
	}
	theta := make([]float64, len(g.pol.Theta))
	if !set.Uniform {
		copy(theta, g.pol.Theta)
	}
	c.set, c.world, c.theta, c.gamma = set, w, theta, g.Settings().Gamma
	c.ev = exact.New(w, c.gamma)
	c.Collect()
	return nil
}

// SetSettings changes ε, K, α or B; a new B collects a new batch, the
// others rerun the epochs on the same batch.
func (c *Clip) SetSettings(set ClipSettings) error {
	set.Uniform = c.set.Uniform
	if err := set.check(); err != nil {
		return err
	}
	old := c.set
	c.set = set
	if set.Batch != old.Batch {
		c.Collect()
		return nil
	}
	c.run()
	return nil
}

// Settings returns the settings in effect.
func (c *Clip) Settings() ClipSettings { return c.set }

// Collect draws a new batch with the session's policy and reruns both.
func (c *Clip) Collect() {
	w := c.world
	n := w.NumStates()
	p := &policy.Softmax{States: n, Actions: env.NumActions, Theta: append([]float64(nil), c.theta...)}
	v := make([]float64, n)
	if err := exact.Values(v, nil, w, p, c.gamma); err != nil {
		clear(v) // a baseline of 0 keeps the advantages unbiased
	}
	// The AC trainer samples exactly as the others do; α = 0 keeps θ.
	tr, _ := pg.NewACTrainer(w, p, pg.ACConfig{LR: 0, CriticLR: 1, Gamma: c.gamma, Lambda: 1, Batch: pg.MaxBatch}, c.rng)
	c.batch, c.rolls, c.goals = c.batch[:0], c.set.Batch, 0
	T := w.MaxSteps()
	delta, adv := make([]float64, T), make([]float64, T)
	var pr, lp [4]float64
	for range c.set.Batch {
		e := tr.Rollout()
		if e.Outcome == env.Goal {
			c.goals++
		}
		m := len(e.States)
		pg.Advantages(delta[:m], adv[:m], e.States, e.Rewards, e.Final, e.Outcome, v, c.gamma, 1)
		for i, s := range e.States {
			policy.SoftmaxInto(pr[:], lp[:], p.Row(int(s)))
			c.batch = append(c.batch, pg.Sample{State: s, Action: e.Actions[i], LogPOld: lp[e.Actions[i]], Adv: adv[i], Target: adv[i] + v[s]})
		}
	}
	c.nbatch++
	c.run()
}

// run computes both objectives' epochs on the batch.
func (c *Clip) run() {
	c.plain = c.epochs(c.plain[:0], false)
	c.clip = c.epochs(c.clip[:0], true)
}

func (c *Clip) epochs(dst []ClipEpoch, clip bool) []ClipEpoch {
	n := c.world.NumStates()
	p := &policy.Softmax{States: n, Actions: env.NumActions, Theta: append([]float64(nil), c.theta...)}
	g := make([]float64, len(p.Theta))
	start := c.world.Start()
	eps := c.set.Eps
	for k := 0; ; k++ {
		st := pg.Surrogate(g, p, c.batch, c.rolls, eps, 0, clip)
		var e ClipEpoch
		p.Probs(e.Start[:], start)
		c.ev.Compute(c.world, p)
		e.J = c.ev.J
		e.MinRatio, e.MaxRatio = st.MinRatio, st.MaxRatio
		if len(c.batch) > 0 {
			if clip {
				e.Clipped = float64(st.Clipped) / float64(len(c.batch))
			} else {
				out := 0
				for _, x := range c.batch {
					r := math.Exp(p.LogProb(int(x.State), int(x.Action)) - x.LogPOld)
					if r < 1-eps || r > 1+eps {
						out++
					}
				}
				e.Clipped = float64(out) / float64(len(c.batch))
			}
		}
		dst = append(dst, e)
		if k == c.set.Epochs {
			return dst
		}
		for i := range p.Theta {
			p.Theta[i] += float64(c.set.LR * g[i])
		}
	}
}

// SnapshotInto fills dst, reusing its slices.
func (c *Clip) SnapshotInto(dst *ClipSnapshot) {
	dst.Settings = c.set
	eps := c.set.Eps
	for i := range dst.Curve {
		r := ClipCurveMax * float64(i) / (ClipCurvePoints - 1)
		cl := min(max(r, 1-eps), 1+eps)
		dst.Curve[i] = [3]float64{r, min(r, cl), min(-r, -cl)}
	}
	dst.Samples, dst.Rollouts, dst.Batches, dst.Goals = len(c.batch), c.rolls, c.nbatch, c.goals
	dst.Plain = append(dst.Plain[:0], c.plain...)
	dst.Clip = append(dst.Clip[:0], c.clip...)
	dst.PlainWorstJ, dst.ClippedWorstJ = math.Inf(1), math.Inf(1)
	for i := range c.plain {
		dst.PlainWorstJ = min(dst.PlainWorstJ, c.plain[i].J)
		dst.ClippedWorstJ = min(dst.ClippedWorstJ, c.clip[i].J)
	}
	var first [env.MaxSize * env.MaxSize]int8 // the first move seen in each cell, +1; 0 for none
	var mixed [env.MaxSize * env.MaxSize]bool
	dst.Cells, dst.MixedCells = 0, 0
	for _, x := range c.batch {
		a := int8(x.Action) + 1
		switch f := &first[x.State]; {
		case *f == 0:
			*f = a
			dst.Cells++
		case *f != a && !mixed[x.State]:
			mixed[x.State] = true
			dst.MixedCells++
		}
	}
	start := int32(c.world.Start())
	var sum float64
	k := 0
	for _, x := range c.batch {
		if x.State == start {
			sum += x.Adv
			k++
		}
	}
	dst.StartAdvMean = math.NaN()
	if k > 0 {
		dst.StartAdvMean = sum / float64(k)
	}
}
