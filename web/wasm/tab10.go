package main

import (
	"math"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

// The frame kinds of the variance lab, the critic, the compare run and the
// clip widget (layouts in the package comment).
const (
	kindVariance = 10
	kindCritic   = 11
	kindCompare  = 12
	kindClip     = 13

	varianceBlock = 12 // slots per baseline's statistics
	clipEpochSlot = 8  // slots per epoch
	// maxEstimateStep bounds one varianceStep call, so a frame stays short.
	maxEstimateStep = 1000
)

// tabWidgets holds the sessions of the three widgets of issue 10, made on
// first use from the lab's grid (so they see its world and settings).
type tabWidgets struct {
	variance *lab.Variance
	critic   *lab.Critic
	compare  *lab.Compare
	clip     *lab.Clip

	varSnap  lab.VarianceSnapshot
	critSnap lab.CriticSnapshot
	clipSnap lab.ClipSnapshot
	buf      [4][]float64
	curve    [][4]float64
}

// varianceStart freezes the lab's policy (or the uniform one) and starts
// the clouds with set; X == Y picks the start cell's up and right.
func (b *bridge) varianceStart(set lab.VarianceSettings) ([]float64, error) {
	t := &b.tab
	if set.X == set.Y {
		set.X, set.Y = -1, -1
	}
	if t.variance == nil {
		v, err := lab.NewVariance(b.grid, set, b.seed)
		if err != nil {
			return nil, err
		}
		t.variance = v
	} else if err := t.variance.Adopt(b.grid, set); err != nil {
		return nil, err
	}
	return b.varianceFrame(), nil
}

// varianceStep draws up to n more estimates per baseline.
func (b *bridge) varianceStep(n int) ([]float64, error) {
	if b.tab.variance == nil {
		return nil, errorf("varianceStep: call varianceStart first")
	}
	if n > maxEstimateStep {
		return nil, errorf("varianceStep: n = %d is more than %d estimates in one call", n, maxEstimateStep)
	}
	b.tab.variance.Step(n)
	return b.varianceFrame(), nil
}

// varianceSet changes K, B, c or the projection.
func (b *bridge) varianceSet(set lab.VarianceSettings) ([]float64, error) {
	if b.tab.variance == nil {
		return nil, errorf("varianceSet: call varianceStart first")
	}
	if err := b.tab.variance.SetSettings(set); err != nil {
		return nil, err
	}
	return b.varianceFrame(), nil
}

func (b *bridge) varianceFrame() []float64 {
	t := &b.tab
	t.variance.SnapshotInto(&t.varSnap)
	t.buf[0] = encodeVariance(t.buf[0], &t.varSnap)
	return t.buf[0]
}

func bit(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

// encodeVariance writes the variance frame of s into dst.
func encodeVariance(dst []float64, s *lab.VarianceSnapshot) []float64 {
	n := headerLen + len(s.Clouds)*varianceBlock
	for _, c := range s.Clouds {
		n += 2 * len(c.Points)
	}
	dst = grow(dst, n)
	h := dst[:headerLen]
	set := s.Settings
	h[0], h[1], h[2], h[3], h[4] = kindVariance, float64(set.Estimates), float64(s.Drawn), float64(set.Batch), set.Offset
	h[5], h[6], h[7], h[8], h[9], h[10] = float64(set.X), float64(set.Y), s.Exact[0], s.Exact[1], s.Grad[0], s.Grad[1]
	h[11], h[12], h[13], h[14], h[15] = float64(s.Dims), s.Gamma, float64(len(s.Clouds)), s.J, float64(n)
	h[16], h[17], h[18], h[19] = float64(s.Credit), float64(s.StartX), float64(s.StartY), bit(set.Uniform)
	i := headerLen
	for _, c := range s.Clouds {
		copy(dst[i:], []float64{float64(c.Baseline), c.Mean[0], c.Mean[1], c.Bias, c.Noise, c.Trace, c.Ratio,
			c.Cov[0], c.Cov[1], c.Cov[2], float64(len(c.Points)), 0})
		i += varianceBlock
	}
	for _, c := range s.Clouds {
		for _, p := range c.Points {
			dst[i], dst[i+1] = p[0], p[1]
			i += 2
		}
	}
	return dst
}

// critic returns the critic session, made on the lab's world on first use.
func (b *bridge) criticSession() (*lab.Critic, error) {
	t := &b.tab
	if t.critic == nil {
		c, err := lab.NewCritic(b.grid.Config(), lab.DefaultCriticSettings(), b.seed)
		if err != nil {
			return nil, err
		}
		t.critic = c
	}
	return t.critic, nil
}

// criticStep runs n actor-critic rollouts.
func (b *bridge) criticStep(n int) ([]float64, error) {
	if m := b.maxStep(); n > m {
		return nil, errorf("criticStep: n = %d is more than %d rollouts in one call", n, m)
	}
	c, err := b.criticSession()
	if err != nil {
		return nil, err
	}
	if err := c.Step(n); err != nil {
		return nil, err
	}
	return b.criticFrame(), nil
}

// criticSet changes the critic's settings, keeping what it learned.
func (b *bridge) criticSet(s lab.CriticSettings) ([]float64, error) {
	c, err := b.criticSession()
	if err != nil {
		return nil, err
	}
	if err := c.SetSettings(s); err != nil {
		return nil, err
	}
	return b.criticFrame(), nil
}

// criticReset starts the critic over on the lab's world as it is now.
func (b *bridge) criticReset() ([]float64, error) {
	set := lab.DefaultCriticSettings()
	if b.tab.critic != nil {
		set = b.tab.critic.Settings()
	}
	c, err := lab.NewCritic(b.grid.Config(), set, b.seed)
	if err != nil {
		return nil, err
	}
	b.tab.critic = c
	return b.criticFrame(), nil
}

func (b *bridge) criticFrame() []float64 {
	t := &b.tab
	t.critic.SnapshotInto(&t.critSnap, maxCurve)
	t.buf[1] = encodeCritic(t.buf[1], &t.critSnap)
	return t.buf[1]
}

// encodeCritic writes the critic frame of s into dst.
func encodeCritic(dst []float64, s *lab.CriticSnapshot) []float64 {
	states := s.Size * s.Size
	n := headerLen + 6*states + len(s.Pits) + len(s.Walls) + 3*len(s.Curve)
	dst = grow(dst, n)
	idx := func(c env.Cell) float64 { return float64(c.Row*s.Size + c.Col) }
	h := dst[:headerLen]
	h[0], h[1], h[2], h[3], h[4] = kindCritic, float64(s.Size), float64(s.Rollouts), idx(s.Start), idx(s.Goal)
	h[5], h[6], h[7] = float64(len(s.Pits)), float64(len(s.Walls)), float64(len(s.Curve))
	h[8], h[9] = math.NaN(), math.NaN()
	if s.Rollouts > 0 {
		h[8], h[9] = s.SuccessRate, s.MeanReturn
	}
	set := s.Settings
	h[10], h[11], h[12], h[13], h[14], h[15] = s.MaxAbsErr, set.LR, set.CriticLR, set.Gamma, set.Lambda, float64(n)
	h[16], h[17], h[18], h[19] = float64(set.Batch), 0, 0, 0
	i := headerLen
	for _, p := range s.Probs {
		i += copy(dst[i:], p[:])
	}
	i += copy(dst[i:], s.V)
	i += copy(dst[i:], s.ExactV)
	for _, c := range s.Pits {
		dst[i] = idx(c)
		i++
	}
	for _, c := range s.Walls {
		dst[i] = idx(c)
		i++
	}
	for _, p := range s.Curve {
		dst[i], dst[i+1], dst[i+2] = float64(p.Rollouts), p.SuccessRate, p.MeanReturn
		i += 3
	}
	return dst
}

// compareStart starts the compare run on the lab's world as it is now,
// with the critic's settings.
func (b *bridge) compareStart() ([]float64, error) {
	c, err := b.criticSession()
	if err != nil {
		return nil, err
	}
	cm, err := lab.NewCompare(b.grid.Config(), c.Settings())
	if err != nil {
		return nil, err
	}
	b.tab.compare = cm
	return b.compareFrame(), nil
}

// compareStep advances the compare run by at most n rollouts.
func (b *bridge) compareStep(n int) ([]float64, error) {
	if b.tab.compare == nil {
		return nil, errorf("compareStep: call compareStart first")
	}
	if m := b.maxStep(); n > m {
		return nil, errorf("compareStep: n = %d is more than %d rollouts in one call", n, m)
	}
	b.tab.compare.Step(n)
	return b.compareFrame(), nil
}

func (b *bridge) compareFrame() []float64 {
	t := &b.tab
	t.buf[2] = encodeCompare(t.buf[2], t.compare, &t.curve)
	return t.buf[2]
}

// encodeCompare writes the compare frame of cm into dst.
func encodeCompare(dst []float64, cm *lab.Compare, scratch *[][4]float64) []float64 {
	algos := len(lab.CompareAlgos)
	blocks := cm.Blocks()
	n := headerLen + algos*(4*blocks+1)
	dst = grow(dst, n)
	h := dst[:headerLen]
	clear(h)
	h[0], h[1], h[2], h[3] = kindCompare, float64(blocks), lab.CompareRollouts/lab.CompareBlock, lab.CompareSeeds
	h[4], h[5], h[6], h[15] = lab.CompareRollouts, lab.CompareBlock, float64(algos), float64(n)
	i := headerLen
	for a := range algos {
		*scratch = cm.Curve(*scratch, a)
		for _, p := range *scratch {
			i += copy(dst[i:], p[:])
		}
	}
	for a := range algos {
		var sum float64
		for s := range lab.CompareSeeds {
			sum += cm.Success(a, s)
		}
		dst[i] = sum / lab.CompareSeeds
		i++
	}
	return dst
}

// compareCommand returns the command that reproduces one run.
func (b *bridge) compareCommand(algo, seed int) (string, error) {
	if b.tab.compare == nil {
		return "", errorf("compareCommand: call compareStart first")
	}
	if algo >= len(lab.CompareAlgos) || seed < 1 || seed > lab.CompareSeeds {
		return "", errorf("compareCommand: learner %d of 0…%d, seed %d of 1…%d", algo, len(lab.CompareAlgos)-1, seed, lab.CompareSeeds)
	}
	return b.tab.compare.Command(algo, seed), nil
}

// clipStart takes the lab's policy (or the uniform one) and collects a batch.
func (b *bridge) clipStart(set lab.ClipSettings) ([]float64, error) {
	t := &b.tab
	if t.clip == nil {
		c, err := lab.NewClip(b.grid, set, b.seed)
		if err != nil {
			return nil, err
		}
		t.clip = c
	} else if err := t.clip.Adopt(b.grid, set); err != nil {
		return nil, err
	}
	return b.clipFrame(), nil
}

// clipSet changes ε, K, α or B.
func (b *bridge) clipSet(set lab.ClipSettings) ([]float64, error) {
	if b.tab.clip == nil {
		return nil, errorf("clipSet: call clipStart first")
	}
	if err := b.tab.clip.SetSettings(set); err != nil {
		return nil, err
	}
	return b.clipFrame(), nil
}

// clipCollect draws a new batch with the same policy.
func (b *bridge) clipCollect() ([]float64, error) {
	if b.tab.clip == nil {
		return nil, errorf("clipCollect: call clipStart first")
	}
	b.tab.clip.Collect()
	return b.clipFrame(), nil
}

func (b *bridge) clipFrame() []float64 {
	t := &b.tab
	t.clip.SnapshotInto(&t.clipSnap)
	t.buf[3] = encodeClip(t.buf[3], &t.clipSnap)
	return t.buf[3]
}

// encodeClip writes the clip frame of s into dst.
func encodeClip(dst []float64, s *lab.ClipSnapshot) []float64 {
	n := headerLen + 3*len(s.Curve) + clipEpochSlot*(len(s.Plain)+len(s.Clip))
	dst = grow(dst, n)
	h := dst[:headerLen]
	clear(h)
	set := s.Settings
	h[0], h[1], h[2], h[3], h[4] = kindClip, set.Eps, float64(set.Epochs), set.LR, float64(set.Batch)
	h[5], h[6], h[7], h[8] = float64(s.Samples), float64(s.Batches), float64(s.Goals), float64(len(s.Curve))
	h[9], h[10], h[11], h[12], h[15] = s.PlainWorstJ, s.ClippedWorstJ, s.StartAdvMean, bit(set.Uniform), float64(n)
	h[13], h[14] = float64(s.Cells), float64(s.MixedCells)
	i := headerLen
	for _, p := range s.Curve {
		i += copy(dst[i:], p[:])
	}
	for _, run := range [2][]lab.ClipEpoch{s.Plain, s.Clip} {
		for _, e := range run {
			i += copy(dst[i:], e.Start[:])
			dst[i], dst[i+1], dst[i+2], dst[i+3] = e.J, e.MinRatio, e.MaxRatio, e.Clipped
			i += 4
		}
	}
	return dst
}
