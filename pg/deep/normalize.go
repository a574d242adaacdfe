package deep

import (
	"errors"
	"fmt"
	"math"
)

// Constants of observation and reward normalisation, those of
// Stable-Baselines3's VecNormalize (clip_obs, clip_reward, epsilon) and of
// its RunningMeanStd (the prior count).
const (
	NormEps   = 1e-8 // added to the variance before the square root
	NormClip  = 10   // normalised observations and rewards are clipped to ±NormClip
	normPrior = 1e-4 // RunningMeanStd's initial count, with mean 0 and variance 1
)

// RunningStats are the running mean and (population) variance of a
// stream of vectors, updated a batch at a time by the parallel formula of
// Chan et al., as SB3's RunningMeanStd does, starting from mean 0,
// variance 1 and a count of 1e-4.
type RunningStats struct {
	Mean  []float64 `json:"mean"`
	Var   []float64 `json:"var"`
	Count float64   `json:"count"`
}

// NewRunningStats returns statistics of d-wide vectors before any data.
func NewRunningStats(d int) *RunningStats {
	s := &RunningStats{Mean: make([]float64, d), Var: make([]float64, d), Count: normPrior}
	for i := range s.Var {
		s.Var[i] = 1
	}
	return s
}

// Update adds n vectors, row-major in x (n×d), to the statistics. It
// allocates nothing.
func (s *RunningStats) Update(x []float64, n int) {
	d := len(s.Mean)
	if n <= 0 {
		return
	}
	bn := float64(n)
	tot := s.Count + bn
	for j := range d {
		var m float64
		for i := range n {
			m += x[i*d+j]
		}
		m /= bn
		var v float64
		for i := range n {
			e := x[i*d+j] - m
			v += e * e
		}
		v /= bn
		delta := m - s.Mean[j]
		s.Mean[j] += delta * bn / tot
		s.Var[j] = (s.Var[j]*s.Count + v*bn + delta*delta*s.Count*bn/tot) / tot
	}
	s.Count = tot
}

// Normalize writes (x − mean)/√(var + NormEps), clipped to ±NormClip, for
// the n rows of src into dst (which may be src).
func (s *RunningStats) Normalize(dst, src []float64, n int) {
	d := len(s.Mean)
	for j := range d {
		m, inv := s.Mean[j], 1/math.Sqrt(s.Var[j]+NormEps)
		for i := range n {
			k := i*d + j
			dst[k] = min(max((src[k]-m)*inv, -NormClip), NormClip)
		}
	}
}

func (s *RunningStats) clone() *RunningStats {
	return &RunningStats{Mean: append([]float64(nil), s.Mean...), Var: append([]float64(nil), s.Var...), Count: s.Count}
}

// check reports statistics that cannot normalise d-wide vectors.
func (s *RunningStats) check(d int) error {
	if len(s.Mean) != d || len(s.Var) != d {
		return fmt.Errorf("statistics of %d and %d values for %d", len(s.Mean), len(s.Var), d)
	}
	if !(s.Count > 0) || math.IsInf(s.Count, 0) {
		return fmt.Errorf("count %g", s.Count)
	}
	for j := range s.Mean {
		if math.IsNaN(s.Mean[j]) || math.IsInf(s.Mean[j], 0) || !(s.Var[j] >= 0) || math.IsInf(s.Var[j], 0) {
			return errors.New("NaN, infinite or negative statistics")
		}
	}
	return nil
}

// rewardNorm scales rewards by the running standard deviation of the
// discounted return, as VecNormalize does: each copy's return
// R ← γ·R + r (reset to 0 when its episode ends) feeds the statistics,
// and the reward becomes r/√(var(R) + NormEps), clipped to ±NormClip.
type rewardNorm struct {
	gamma float64
	ret   []float64 // running discounted return per copy
	stats *RunningStats
}

func newRewardNorm(n int, gamma float64) *rewardNorm {
	return &rewardNorm{gamma: gamma, ret: make([]float64, n), stats: NewRunningStats(1)}
}

// apply normalises the rewards of one step of the n copies in place.
func (r *rewardNorm) apply(rw []float64, term, trunc []bool) {
	for i := range rw {
		r.ret[i] = r.ret[i]*r.gamma + rw[i]
	}
	r.stats.Update(r.ret, len(r.ret))
	inv := 1 / math.Sqrt(r.stats.Var[0]+NormEps)
	for i := range rw {
		rw[i] = min(max(rw[i]*inv, -NormClip), NormClip)
		if term[i] || trunc[i] {
			r.ret[i] = 0
		}
	}
}
