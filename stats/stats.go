// Package stats holds the interval estimates that results of noisy
// experiments need, after Agarwal et al., "Deep Reinforcement Learning at
// the Edge of the Statistical Precipice" (NeurIPS 2021) and their rliable
// library: the interquartile mean, stratified bootstrap confidence
// intervals, the probability of improvement, performance profiles and mean
// curves with bands. It knows nothing of reinforcement learning: a score
// is a number, a run is one sample, a stratum (rliable's "task") is a
// group of runs resampled on its own.
//
// Scores are given as strata: scores[i] holds the runs of stratum i. The
// aggregate statistics (Mean, Median, IQM) pool every run of every
// stratum, as rliable does with its runs × tasks matrix.
//
// Quantiles interpolate linearly between order statistics (numpy's default,
// which rliable's percentile intervals use), and IQM discards
// floor(n/4) runs at each end before averaging (scipy's trim_mean with a
// proportion of 0.25, rliable's definition).
package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// An Interval is a point estimate with a confidence interval around it.
type Interval struct {
	Point float64 `json:"point"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
}

// A Statistic maps strata of scores to one number.
type Statistic func(scores [][]float64) float64

// Errors that bad input can cause.
var (
	ErrEmpty     = errors.New("stats: no scores")
	ErrNotFinite = errors.New("stats: a score is NaN or infinite")
)

// Check returns an error when scores holds no run, a stratum without runs,
// or a score that is not finite.
func Check(scores [][]float64) error {
	if len(scores) == 0 {
		return ErrEmpty
	}
	for i, s := range scores {
		if len(s) == 0 {
			return fmt.Errorf("%w (stratum %d is empty)", ErrEmpty, i)
		}
		for _, v := range s {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return ErrNotFinite
			}
		}
	}
	return nil
}

func pool(scores [][]float64) []float64 {
	var n int
	for _, s := range scores {
		n += len(s)
	}
	out := make([]float64, 0, n)
	for _, s := range scores {
		out = append(out, s...)
	}
	return out
}

// Mean is the mean of every run of every stratum.
func Mean(scores [][]float64) float64 { return mean(pool(scores)) }

// Median is the median of every run of every stratum.
func Median(scores [][]float64) float64 {
	x := pool(scores)
	slices.Sort(x)
	return Quantile(x, 0.5)
}

// IQM is the interquartile mean of every run of every stratum: the mean of
// what remains after floor(n/4) runs are removed from each end of the
// sorted scores.
func IQM(scores [][]float64) float64 {
	x := pool(scores)
	slices.Sort(x)
	k := len(x) / 4
	return mean(x[k : len(x)-k])
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of sorted, interpolating
// linearly between the order statistics at positions q·(n−1).
// It panics if sorted is empty.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		panic("stats: Quantile of no values")
	}
	h := q * float64(len(sorted)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// ProbabilityOfImprovement is P(X > Y): for each stratum, the fraction of
// pairs of a run of x and a run of y in which x's score is higher, ties
// counting one half (the Mann–Whitney U statistic over m·n), averaged over
// the strata. x and y must have the same number of strata.
func ProbabilityOfImprovement(x, y [][]float64) float64 {
	if len(x) != len(y) {
		panic("stats: ProbabilityOfImprovement of different numbers of strata")
	}
	total := 0.0
	for i := range x {
		wins := 0.0
		for _, a := range x[i] {
			for _, b := range y[i] {
				switch {
				case a > b:
					wins++
				case a == b:
					wins += 0.5
				}
			}
		}
		total += wins / float64(len(x[i])*len(y[i]))
	}
	return total / float64(len(x))
}

// ScoreDistribution returns, for each threshold τ of taus, the fraction
// of runs whose score is above τ (strictly), averaged over the strata: the
// performance profile of rliable's run-score distribution.
func ScoreDistribution(scores [][]float64, taus []float64) []float64 {
	out := make([]float64, len(taus))
	for j, tau := range taus {
		for _, s := range scores {
			above := 0
			for _, v := range s {
				if v > tau {
					above++
				}
			}
			out[j] += float64(above) / float64(len(s))
		}
		out[j] /= float64(len(scores))
	}
	return out
}
