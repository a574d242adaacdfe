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

// Limits of the variance lab's settings.
const (
	MinEstimates, MaxEstimates = 20, 1000
	MaxVarianceBatch           = 64
	MaxOffset                  = 10
	// VarianceWarmup is the number of estimates each baseline draws, and
	// discards, before the ones shown: the running means behind the mean
	// and per-state baselines start at 0 and need them to settle.
	VarianceWarmup = 50
)

// VarianceSettings are what a person changes in the variance lab.
type VarianceSettings struct {
	Estimates int     `json:"k"` // K, estimates per baseline, MinEstimates..MaxEstimates
	Batch     int     `json:"b"` // B, rollouts per estimate, 1..MaxVarianceBatch
	Offset    float64 `json:"c"` // c added to every return G_t, |c| ≤ MaxOffset
	X         int     `json:"x"` // the θ entries (state·4 + action) of the 2-D projection
	Y         int     `json:"y"`
	Uniform   bool    `json:"uniform"` // freeze the uniform policy instead of the lab's
}

// DefaultVarianceSettings: 200 estimates of batch 4, no offset, projected
// on the start cell's logits for up and right (set by NewVariance).
func DefaultVarianceSettings() VarianceSettings {
	return VarianceSettings{Estimates: 200, Batch: 4, X: -1, Y: -1}
}

// VarianceBaselines are the estimators the variance lab compares, in the
// order of its snapshots: pg's three baselines.
var VarianceBaselines = [...]pg.Baseline{pg.BaselineNone, pg.BaselineMean, pg.BaselineState}

// A VarianceCloud is one estimator's estimates and their statistics, over
// all θ entries (D of them) unless said otherwise.
type VarianceCloud struct {
	Baseline pg.Baseline
	Points   [][2]float64 // the estimates projected on (X, Y)
	Mean     [2]float64   // their mean, projected
	Bias     float64      // ‖mean − exact mean‖ over all entries
	Noise    float64      // √(trace/k): the bias's size expected from noise alone
	Trace    float64      // trace of the sample covariance (the total variance)
	Ratio    float64      // the no-baseline estimator's trace over this one's
	Cov      [3]float64   // projected sample covariance: xx, xy, yy
}

// A VarianceSnapshot is what the variance lab draws.
type VarianceSnapshot struct {
	Settings       VarianceSettings
	Drawn          int        // estimates drawn so far per baseline (≤ Settings.Estimates)
	Exact          [2]float64 // the estimator's exact mean, projected (pg/exact)
	Grad           [2]float64 // the exact ∇J, projected (differs when γ < 1 with return-to-go)
	ExactNorm      float64    // ‖exact mean‖ over all entries
	J              float64    // the frozen policy's exact J
	Dims           int
	Gamma          float64
	Credit         pg.Credit
	Clouds         [len(VarianceBaselines)]VarianceCloud
	StartX, StartY int // the default projection: the start cell's up and right
}

// A Variance is the variance lab: a frozen policy, and for each baseline a
// trainer that draws gradient estimates without updating, as
// pg.GridTrainer.Estimate does. The exact mean comes from pg/exact.
type Variance struct {
	seed    uint64
	set     VarianceSettings
	lab     Settings
	world   *env.GridWorld
	theta   []float64
	pol     *policy.Softmax // each trainer's copy
	trs     [len(VarianceBaselines)]*pg.GridTrainer
	pols    [len(VarianceBaselines)]*policy.Softmax
	est     []float64
	drawn   int
	warm    int
	points  [len(VarianceBaselines)][][2]float64
	sum     [len(VarianceBaselines)][]float64
	sum2    [len(VarianceBaselines)][]float64
	exact   []float64
	grad    []float64
	j       float64
	rng     *rand.Rand
	batches int
}

// NewVariance returns the variance lab on g's world with g's γ, credit and
// entropy bonus, its policy frozen as g has it (or uniform, as settings
// say), drawing from seed.
func NewVariance(g *Grid, set VarianceSettings, seed uint64) (*Variance, error) {
	v := &Variance{seed: seed}
	if err := v.Adopt(g, set); err != nil {
		return nil, err
	}
	return v, nil
}

// check validates s for a world of n states, filling a default projection.
func (s *VarianceSettings) check(n, start int) error {
	if s.X < 0 && s.Y < 0 {
		s.X, s.Y = start*4+int(env.Up), start*4+int(env.Right)
	}
	switch {
	case s.Estimates < MinEstimates || s.Estimates > MaxEstimates:
		return &SettingError{Name: "k", Msg: fmt.Sprintf("lab: %d estimates is out of range (%d to %d)", s.Estimates, MinEstimates, MaxEstimates)}
	case s.Batch < 1 || s.Batch > MaxVarianceBatch:
		return &SettingError{Name: "b", Msg: fmt.Sprintf("lab: batch %d is out of range (1 to %d)", s.Batch, MaxVarianceBatch)}
	case math.IsNaN(s.Offset) || math.Abs(s.Offset) > MaxOffset:
		return &SettingError{Name: "c", Msg: fmt.Sprintf("lab: offset %v is out of range (−%d to %d)", s.Offset, MaxOffset, MaxOffset)}
	case s.X < 0 || s.X >= 4*n || s.Y < 0 || s.Y >= 4*n || s.X == s.Y:
		return &SettingError{Name: "x", Msg: fmt.Sprintf("lab: projection (%d, %d) must be two different θ entries from 0 to %d", s.X, s.Y, 4*n-1)}
	}
	return nil
}

// Adopt freezes g's current policy (or the uniform one) on g's world and
// settings and starts the clouds over with set. On error nothing changes.
func (v *Variance) Adopt(g *Grid, set VarianceSettings) error {
	w, err := env.NewGridWorld(g.Config())
	if err != nil {
		return err
	}
	if err := set.check(w.NumStates(), w.Start()); err != nil {
		return err
	}
	theta := make([]float64, len(g.pol.Theta))
	if !set.Uniform {
		copy(theta, g.pol.Theta)
	}
	v.world, v.theta, v.set, v.lab = w, theta, set, g.Settings()
	v.restart()
	return nil
}

// SetSettings changes K, B, c or the projection and starts the clouds over
// (a new projection only re-projects). Uniform needs Adopt.
func (v *Variance) SetSettings(set VarianceSettings) error {
	set.Uniform = v.set.Uniform
	if err := set.check(v.world.NumStates(), v.world.Start()); err != nil {
		return err
	}
	old := v.set
	v.set = set
	if set.Batch == old.Batch && set.Offset == old.Offset && set.Estimates >= old.Estimates {
		return nil // same estimates, more room or another projection
	}
	v.restart()
	return nil
}

// Settings returns the settings in effect.
func (v *Variance) Settings() VarianceSettings { return v.set }

// restart recomputes the exact mean and draws anew from the session's seed.
func (v *Variance) restart() {
	n := v.world.NumStates()
	c, _ := v.lab.Config() // a Grid's settings are valid
	c.Batch = v.set.Batch
	c.Offset = v.set.Offset
	v.rng = seeded.Rand(v.seed)
	for i, b := range VarianceBaselines {
		c.Baseline = b
		p := &policy.Softmax{States: n, Actions: env.NumActions, Theta: append([]float64(nil), v.theta...)}
		tr, err := pg.NewGridTrainer(v.world, p, c, v.rng)
		if err != nil {
			panic("lab: variance settings: " + err.Error()) // checked by Adopt
		}
		v.trs[i], v.pols[i] = tr, p
		v.points[i] = v.points[i][:0]
		v.sum[i] = make([]float64, 4*n)
		v.sum2[i] = make([]float64, 4*n)
	}
	v.est = make([]float64, 4*n)
	v.drawn, v.warm = 0, 0
	e := exact.New(v.world, c.Gamma)
	e.Compute(v.world, v.pols[0])
	v.exact = make([]float64, 4*n)
	v.grad = make([]float64, 4*n)
	e.EstimatorMean(v.exact, c.Credit == pg.CreditReturn, c.Entropy)
	e.Grad(v.grad)
	v.j = e.J
}

// Step draws up to n more estimates per baseline (warm-up first), and
// reports whether the clouds are complete.
func (v *Variance) Step(n int) (done bool) {
	for range n {
		if v.drawn >= v.set.Estimates {
			return true
		}
		for i, tr := range v.trs {
			tr.Estimate(v.est, v.set.Batch)
			if v.warm < VarianceWarmup {
				continue
			}
			v.points[i] = append(v.points[i], [2]float64{v.est[v.set.X], v.est[v.set.Y]})
			for j, x := range v.est {
				v.sum[i][j] += x
				v.sum2[i][j] += float64(x * x)
			}
		}
		if v.warm < VarianceWarmup {
			v.warm++
			continue
		}
		v.drawn++
	}
	return v.drawn >= v.set.Estimates
}

// Rollouts returns the rollouts one Step(1) costs: three baselines × B.
func (v *Variance) Rollouts() int { return len(v.trs) * v.set.Batch }

// Theta returns the frozen θ; a view.
func (v *Variance) Theta() []float64 { return v.theta }

// SnapshotInto fills dst, reusing its slices.
func (v *Variance) SnapshotInto(dst *VarianceSnapshot) {
	x, y := v.set.X, v.set.Y
	dst.Settings, dst.Drawn = v.set, v.drawn
	dst.Exact = [2]float64{v.exact[x], v.exact[y]}
	dst.Grad = [2]float64{v.grad[x], v.grad[y]}
	dst.ExactNorm = norm(v.exact)
	dst.J, dst.Dims = v.j, len(v.exact)
	dst.Gamma, dst.Credit = v.lab.Gamma, v.credit()
	s := v.world.Start()
	dst.StartX, dst.StartY = s*4+int(env.Up), s*4+int(env.Right)
	k := float64(v.drawn)
	var none float64
	for i := range v.trs {
		c := &dst.Clouds[i]
		c.Baseline = VarianceBaselines[i]
		c.Points = append(c.Points[:0], v.points[i]...)
		*c = VarianceCloud{Baseline: c.Baseline, Points: c.Points, Ratio: math.NaN(), Bias: math.NaN(), Noise: math.NaN(), Trace: math.NaN()}
		if v.drawn < 2 {
			continue
		}
		var bias2, tr float64
		for j := range v.exact {
			m := v.sum[i][j] / k
			d := m - v.exact[j]
			bias2 += d * d
			tr += (v.sum2[i][j] - k*m*m) / (k - 1)
		}
		c.Bias, c.Trace = math.Sqrt(bias2), tr
		c.Noise = math.Sqrt(tr / k)
		c.Mean = [2]float64{v.sum[i][x] / k, v.sum[i][y] / k}
		var xx, xy, yy float64
		for _, p := range c.Points {
			dx, dy := p[0]-c.Mean[0], p[1]-c.Mean[1]
			xx += dx * dx
			xy += dx * dy
			yy += dy * dy
		}
		c.Cov = [3]float64{xx / (k - 1), xy / (k - 1), yy / (k - 1)}
		if i == 0 {
			none = tr
		}
		c.Ratio = none / tr
	}
}

func (v *Variance) credit() pg.Credit {
	c, _ := v.lab.Config()
	return c.Credit
}

func norm(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}
