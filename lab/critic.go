package lab

import (
	"fmt"
	"math"
	"strings"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/pg"
	"github.com/pgrad/pgrad/pg/exact"
	"github.com/pgrad/pgrad/policy"
)

// CriticSettings are the actor-critic settings a person changes.
type CriticSettings struct {
	LR       float64 `json:"lr"`     // actor step α
	CriticLR float64 `json:"vlr"`    // critic step α_V
	Gamma    float64 `json:"gamma"`  // discount γ
	Lambda   float64 `json:"lambda"` // GAE λ; 0 is TD(0)
	Batch    int     `json:"batch"`  // rollouts per update

	// Algo is "ac" (the default when empty) or "ppo", which adds the clip ε
	// and the epochs K per batch.
	Algo   string  `json:"algo,omitempty"`
	Clip   float64 `json:"clip,omitempty"`
	Epochs int     `json:"epochs,omitempty"`
}

// DefaultCriticSettings are the page's and `pgrad train gridworld -algo
// ac`'s: α = 0.5 as REINFORCE's, α_V = 0.5, γ = 0.9, λ = 0.9, batches of 4.
func DefaultCriticSettings() CriticSettings {
	return CriticSettings{LR: 0.5, CriticLR: 0.5, Gamma: 0.9, Lambda: 0.9, Batch: 4}
}

// DefaultPPOSettings are `pgrad train gridworld -algo ppo`'s: actor-critic's
// with ε = 0.2 and 4 epochs per batch.
func DefaultPPOSettings() CriticSettings {
	s := DefaultCriticSettings()
	s.Algo, s.Clip, s.Epochs = "ppo", 0.2, 4
	return s
}

// Config returns the pg settings s stands for, or why it is invalid.
func (s CriticSettings) Config() (pg.ACConfig, error) {
	c := pg.ACConfig{LR: s.LR, CriticLR: s.CriticLR, Gamma: s.Gamma, Lambda: s.Lambda, Batch: s.Batch}
	var err error
	switch s.Algo {
	case "", "ac":
		err = c.Validate()
	case "ppo":
		c.Clip, c.Epochs = s.Clip, s.Epochs
		err = c.ValidatePPO()
	default:
		return c, &pg.SettingError{Name: "algo", Msg: fmt.Sprintf("pg: unknown algorithm %q (want reinforce, ac or ppo)", s.Algo)}
	}
	if err == nil && c.LR <= 0 {
		err = &pg.SettingError{Name: "lr", Msg: fmt.Sprintf("pg: learning rate %v must be positive", c.LR)}
	}
	return c, err
}

// A Critic is the critic widget's session: tabular actor-critic on a
// gridworld, the learned V(s) beside the exact V^π of the current policy
// (pg/exact.Values, the task without the step cap, which is what a critic
// that bootstraps at the cap learns).
type Critic struct {
	world  *env.GridWorld
	pol    *policy.Softmax
	tr     *pg.ACTrainer
	set    CriticSettings
	seed   uint64
	hist   history
	exactV []float64
	fresh  bool // exactV is that of the current θ
}

// NewCritic returns a critic session on the world cfg.
func NewCritic(cfg env.GridConfig, set CriticSettings, seed uint64) (*Critic, error) {
	c, err := set.Config()
	if err != nil {
		return nil, err
	}
	w, err := env.NewGridWorld(cfg)
	if err != nil {
		return nil, err
	}
	p := policy.NewSoftmax(w.NumStates(), env.NumActions)
	var tr *pg.ACTrainer
	if set.Algo == "ppo" {
		pt, err := pg.NewPPOTrainer(w, p, c, seeded.Rand(seed))
		if err != nil {
			return nil, err
		}
		tr = pt.ACTrainer
	} else if tr, err = pg.NewACTrainer(w, p, c, seeded.Rand(seed)); err != nil {
		return nil, err
	}
	return &Critic{world: w, pol: p, tr: tr, set: set, seed: seed, hist: newHistory(), exactV: make([]float64, w.NumStates())}, nil
}

// Step runs n rollouts.
func (c *Critic) Step(n int) error {
	if n < 0 {
		return ErrSteps
	}
	for range n {
		e := c.tr.Rollout()
		c.hist.add(e.Outcome == env.Goal, e.Return, len(e.Actions))
		if e.Updated {
			c.hist.updated(c.tr.Rollouts())
			c.fresh = false
		}
	}
	return nil
}

// SetSettings changes the settings, keeping θ, V and the history; the
// algorithm stays the one the session was made with.
func (c *Critic) SetSettings(s CriticSettings) error {
	s.Algo = c.set.Algo
	cfg, err := s.Config()
	if err != nil {
		return err
	}
	updated, err := c.tr.SetConfig(cfg)
	if err != nil {
		return err
	}
	if updated {
		c.hist.updated(c.tr.Rollouts())
	}
	c.set, c.fresh = s, false
	return nil
}

// Settings returns the settings in effect.
func (c *Critic) Settings() CriticSettings { return c.set }

// Config returns the world's configuration.
func (c *Critic) Config() env.GridConfig { return c.world.Config() }

// Reset returns to the uniform policy and V = 0 and clears the history.
func (c *Critic) Reset() {
	c.tr.ResetLearning()
	c.hist.reset()
	c.fresh = false
}

// Window returns the success rate and mean return of the last Window
// rollouts.
func (c *Critic) Window() (successRate, meanReturn float64) { return c.hist.window() }

// GridSnapshot returns the session as a GridSnapshot (no trajectories),
// for fronts that summarise every tabular learner alike; its Settings carry
// α, γ, the batch and the baseline "critic".
func (c *Critic) GridSnapshot() GridSnapshot {
	w := c.world
	start, goal, pits, walls := w.Layout()
	s := GridSnapshot{Size: w.Size(), Start: start, Goal: goal, Pits: append([]env.Cell(nil), pits...), Walls: append([]env.Cell(nil), walls...),
		Rollouts: c.tr.Rollouts(), Updates: c.tr.Updates(), Probs: make([][4]float64, w.NumStates()),
		Curve: append([]CurvePoint(nil), c.hist.curve...), Settings: Settings{LR: c.set.LR, Gamma: c.set.Gamma, Batch: c.set.Batch, Baseline: "critic"}}
	for i := range s.Probs {
		copy(s.Probs[i][:], c.tr.Probs()[i*4:])
	}
	s.GreedyPath, s.GreedyEnd = pg.GreedyPath(nil, w, c.pol)
	s.SuccessRate, s.MeanReturn = c.hist.window()
	return s
}

// A CriticSnapshot is what the critic widget draws.
type CriticSnapshot struct {
	Size        int
	Start, Goal env.Cell
	Pits, Walls []env.Cell
	Rollouts    int
	Probs       [][4]float64
	V, ExactV   []float64 // learned and exact, per state (0 on walls, goal, pits)
	MaxAbsErr   float64   // max over live states of |V − V^π|
	SuccessRate float64
	MeanReturn  float64
	Curve       []CurvePoint
	Settings    CriticSettings
}

// SnapshotInto fills dst with at most curve points of the learning curve.
func (c *Critic) SnapshotInto(dst *CriticSnapshot, curve int) {
	w := c.world
	start, goal, pits, walls := w.Layout()
	n := w.NumStates()
	dst.Size, dst.Start, dst.Goal = w.Size(), start, goal
	dst.Pits = append(dst.Pits[:0], pits...)
	dst.Walls = append(dst.Walls[:0], walls...)
	dst.Rollouts = c.tr.Rollouts()
	if cap(dst.Probs) < n {
		dst.Probs = make([][4]float64, n)
	}
	dst.Probs = dst.Probs[:n]
	pr := c.tr.Probs()
	for s := range n {
		copy(dst.Probs[s][:], pr[s*4:])
	}
	if !c.fresh {
		if err := exact.Values(c.exactV, nil, w, c.pol, c.set.Gamma); err != nil {
			for i := range c.exactV {
				c.exactV[i] = math.NaN()
			}
		}
		c.fresh = true
	}
	dst.V = append(dst.V[:0], c.tr.Values()...)
	dst.ExactV = append(dst.ExactV[:0], c.exactV...)
	dst.MaxAbsErr = 0
	for s := range n {
		if !w.Wall(s) && w.Terminal(s) == env.Running {
			dst.MaxAbsErr = max(dst.MaxAbsErr, math.Abs(dst.V[s]-dst.ExactV[s]))
		}
	}
	dst.SuccessRate, dst.MeanReturn = c.hist.window()
	dst.Curve = thinCurve(dst.Curve[:0], c.hist.curve, curve)
	dst.Settings = c.set
}

// The compare run: three learners, CompareSeeds seeds each, CompareRollouts
// rollouts per run, the success rate taken per block of CompareBlock.
const (
	CompareSeeds    = 20
	CompareRollouts = 1000
	CompareBlock    = 20
	compareBlocks   = CompareRollouts / CompareBlock
	// tQuantile is Student's t quantile for 0.975 with 19 degrees of freedom:
	// the 95 % band of the mean of 20 runs is mean ± tQuantile·sd/√20.
	tQuantile = 2.093024054408263
)

// CompareAlgos names the compare run's learners, in the order of its
// curves: REINFORCE without a baseline, with the per-state baseline, and
// actor-critic.
var CompareAlgos = [...]string{"reinforce", "reinforce+baseline", "ac"}

// A Compare runs the three learners over seeds 1 … CompareSeeds on one
// world with shared α, γ and batch (actor-critic adds α_V and λ), a bounded
// amount of work per Step.
type Compare struct {
	cfg   env.GridConfig
	set   CriticSettings
	runs  [len(CompareAlgos)][CompareSeeds]func() *pg.Episode
	goals [len(CompareAlgos)][CompareSeeds][compareBlocks]int
	block int // blocks done by every run
	algo  int // the learner whose block runs next, then the seed
	seed  int
}

// NewCompare returns a compare run on cfg with the settings set.
func NewCompare(cfg env.GridConfig, set CriticSettings) (*Compare, error) {
	ac, err := set.Config()
	if err != nil {
		return nil, err
	}
	cm := &Compare{cfg: cfg, set: set}
	for s := range CompareSeeds {
		seed := uint64(s + 1)
		for a := range CompareAlgos {
			w, err := env.NewGridWorld(cfg)
			if err != nil {
				return nil, err
			}
			p := policy.NewSoftmax(w.NumStates(), env.NumActions)
			if a == 2 {
				tr, err := pg.NewACTrainer(w, p, ac, seeded.Rand(seed))
				if err != nil {
					return nil, err
				}
				cm.runs[a][s] = tr.Rollout
				continue
			}
			rs := DefaultSettings()
			rs.LR, rs.Gamma, rs.Batch, rs.Baseline = set.LR, set.Gamma, set.Batch, "none"
			if a == 1 {
				rs.Baseline = "state"
			}
			c, err := rs.Config()
			if err != nil {
				return nil, err
			}
			tr, err := pg.NewGridTrainer(w, p, c, seeded.Rand(seed))
			if err != nil {
				return nil, err
			}
			cm.runs[a][s] = tr.Rollout
		}
	}
	return cm, nil
}

// Step runs at most n rollouts, whole blocks only, and reports whether
// every run is complete.
func (cm *Compare) Step(n int) (done bool) {
	for n >= CompareBlock && cm.block < compareBlocks {
		roll := cm.runs[cm.algo][cm.seed]
		g := 0
		for range CompareBlock {
			if roll().Outcome == env.Goal {
				g++
			}
		}
		cm.goals[cm.algo][cm.seed][cm.block] = g
		n -= CompareBlock
		if cm.seed++; cm.seed == CompareSeeds {
			cm.seed = 0
			if cm.algo++; cm.algo == len(CompareAlgos) {
				cm.algo = 0
				cm.block++
			}
		}
	}
	return cm.block >= compareBlocks
}

// Blocks returns how many blocks every run has finished.
func (cm *Compare) Blocks() int { return cm.block }

// Curve writes, for learner a and each finished block, the mean success
// rate over the seeds and its 95 % band (t interval, clamped to [0, 1]) as
// (rollouts at the block's end, mean, low, high).
func (cm *Compare) Curve(dst [][4]float64, a int) [][4]float64 {
	dst = dst[:0]
	for b := range cm.block {
		var sum, sum2 float64
		for s := range CompareSeeds {
			x := float64(cm.goals[a][s][b]) / CompareBlock
			sum += x
			sum2 += x * x
		}
		m := sum / CompareSeeds
		sd := math.Sqrt(max(0, (sum2-CompareSeeds*m*m)/(CompareSeeds-1)))
		h := tQuantile * sd / math.Sqrt(CompareSeeds)
		dst = append(dst, [4]float64{float64((b + 1) * CompareBlock), m, max(0, m-h), min(1, m+h)})
	}
	return dst
}

// Success returns the success rate of learner a with seed 1…CompareSeeds
// (index s) over the last 100 rollouts of the finished blocks: what `pgrad
// train gridworld … -json` prints as success_rate at the end of the run.
func (cm *Compare) Success(a, s int) float64 {
	k := min(cm.block, 100/CompareBlock)
	if k == 0 {
		return math.NaN()
	}
	g := 0
	for b := cm.block - k; b < cm.block; b++ {
		g += cm.goals[a][s][b]
	}
	return float64(g) / float64(k*CompareBlock)
}

// Command returns the `pgrad train` command that reproduces learner a's
// run with seed (1…CompareSeeds).
func (cm *Compare) Command(a int, seed int) string {
	var b strings.Builder
	b.WriteString("pgrad train gridworld")
	d := env.DefaultGrid()
	if cm.cfg.Size != d.Size || cm.cfg.Start != d.Start {
		fmt.Fprintf(&b, " -size %d -start %d,%d", cm.cfg.Size, cm.cfg.Start.Row, cm.cfg.Start.Col)
	}
	if cm.cfg.Goal != d.Goal {
		fmt.Fprintf(&b, " -goal %d,%d", cm.cfg.Goal.Row, cm.cfg.Goal.Col)
	}
	if fmt.Sprint(cm.cfg.Pits) != fmt.Sprint(d.Pits) {
		ps := make([]string, len(cm.cfg.Pits))
		for i, p := range cm.cfg.Pits {
			ps[i] = fmt.Sprintf("%d,%d", p.Row, p.Col)
		}
		fmt.Fprintf(&b, " -pits '%s'", strings.Join(ps, ";"))
	}
	s := cm.set
	switch a {
	case 0:
		b.WriteString(" -algo reinforce -baseline none")
	case 1:
		b.WriteString(" -algo reinforce -baseline state")
	case 2:
		fmt.Fprintf(&b, " -algo ac -critic-lr %v -lambda %v", s.CriticLR, s.Lambda)
	}
	fmt.Fprintf(&b, " -lr %v -gamma %v -batch %d -rollouts %d -seed %d", s.LR, s.Gamma, s.Batch, CompareRollouts, seed)
	return b.String()
}
