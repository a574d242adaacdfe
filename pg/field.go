package pg

import (
	"math/rand/v2"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/policy"
)

// Bounds on log σ of the field's Gaussian after each update: ln 0.05 and
// ln 1 (the field is [−1, 1]² by default, so a wider σ only wastes samples).
const (
	MinLogSigma = -2.995732273553991
	MaxLogSigma = 0
)

// FieldSuccess is the reward above which a field rollout counts as a
// success in Stats and learning curves.
const FieldSuccess = 0.5

// A FieldTrainer runs REINFORCE with a Gaussian policy on the field task,
// as specified in the package documentation.
type FieldTrainer struct {
	field *env.Field
	pol   *policy.Gaussian
	cfg   Config
	rng   *rand.Rand

	grad           [policy.NumParams]float64
	sigma          [2]float64 // exp(log σ), refreshed after every change of the policy
	mean, meanNext float64

	pending, rollouts, updates int
	batchHits                  int     // rollouts of the batch above FieldSuccess
	batchReturn                float64 // and the sum of their rewards
	last                       Stats   // of the latest update, for Train's Recorder
}

// NewFieldTrainer returns a trainer of p on f with the settings c and the
// source r. Gamma is irrelevant to a one-step task but must be valid. The
// trainer owns p from now on: change it only through ResetLearning.
func NewFieldTrainer(f *env.Field, p *policy.Gaussian, c Config, r *rand.Rand) (*FieldTrainer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &FieldTrainer{field: f, pol: p, cfg: c, rng: r, sigma: p.Sigma()}, nil
}

// Config returns the settings in effect.
func (t *FieldTrainer) Config() Config { return t.cfg }

// SetConfig changes the settings, keeping the policy, the baseline and
// the partial batch; a partial batch of at least the new Batch rollouts is
// applied at once, and updated reports that.
func (t *FieldTrainer) SetConfig(c Config) (updated bool, err error) {
	if err := c.Validate(); err != nil {
		return false, err
	}
	t.cfg = c
	if t.pending >= c.Batch {
		t.last = t.update()
		return true, nil
	}
	return false, nil
}

// ResetLearning sets the policy to init, zeroes the baseline and drops the
// partial batch and the counters. The source of randomness continues.
func (t *FieldTrainer) ResetLearning(init policy.Gaussian) {
	*t.pol = init
	t.sigma = init.Sigma()
	t.grad = [policy.NumParams]float64{}
	t.mean, t.meanNext = 0, 0
	t.pending, t.rollouts, t.updates = 0, 0, 0
	t.batchHits, t.batchReturn = 0, 0
}

// Baseline returns the baseline in use.
func (t *FieldTrainer) Baseline() float64 {
	if t.cfg.Baseline == BaselineNone {
		return 0
	}
	return t.mean
}

// Rollouts returns the number of rollouts since the start or ResetLearning.
func (t *FieldTrainer) Rollouts() int { return t.rollouts }

// Updates returns the number of updates since the start or ResetLearning.
func (t *FieldTrainer) Updates() int { return t.updates }

// Rollout samples one point, scores it, adds it to the batch and updates
// the policy when the batch is full (updated reports that).
func (t *FieldTrainer) Rollout() (a [2]float64, reward float64, updated bool) {
	a = t.pol.SampleSigma(t.rng, t.sigma)
	reward = t.field.Reward(a)
	var g [policy.NumParams]float64
	t.pol.GradLogProbSigma(g[:], a, t.sigma)
	adv := reward - t.Baseline()
	for i := range g {
		t.grad[i] += float64(adv * g[i])
	}
	t.grad[2] += t.cfg.Entropy
	t.grad[3] += t.cfg.Entropy
	t.meanNext += float64(BaselineRate * (reward - t.meanNext))
	t.rollouts++
	t.pending++
	if reward > FieldSuccess {
		t.batchHits++
	}
	t.batchReturn += reward
	if t.pending >= t.cfg.Batch {
		t.last = t.update()
		updated = true
	}
	return a, reward, updated
}

// update applies the batch's gradient and returns the batch's statistics.
func (t *FieldTrainer) update() Stats {
	scale := t.cfg.LR / float64(t.pending)
	p := t.pol
	p.Mu[0] += float64(scale * t.grad[0])
	p.Mu[1] += float64(scale * t.grad[1])
	for i := range 2 {
		l := p.LogSigma[i] + float64(scale*t.grad[2+i])
		p.LogSigma[i] = min(max(l, MinLogSigma), MaxLogSigma)
	}
	t.sigma = p.Sigma()
	t.grad = [policy.NumParams]float64{}
	t.mean = t.meanNext
	t.updates++
	b := float64(t.pending)
	s := Stats{Rollouts: t.rollouts, Updates: t.updates, SuccessRate: float64(t.batchHits) / b, MeanReturn: t.batchReturn / b}
	t.pending, t.batchHits, t.batchReturn = 0, 0, 0
	return s
}

// Train runs n rollouts and calls rec (if not nil) after every update.
func (t *FieldTrainer) Train(n int, rec Recorder) error {
	for range n {
		if _, _, updated := t.Rollout(); updated && rec != nil {
			if err := rec.Record(t.last); err != nil {
				return err
			}
		}
	}
	return nil
}
