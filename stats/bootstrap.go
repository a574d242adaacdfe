package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// MaxResamples bounds Bootstrap.Resamples: far more than an interval needs,
// few enough that a typo does not start a computation of hours.
const MaxResamples = 10_000_000

// A Bootstrap computes stratified bootstrap confidence intervals: each
// replicate draws, within every stratum on its own, as many runs as the
// stratum has, uniformly with replacement, and evaluates the statistic on
// the draw. The interval is the percentile interval of the replicates. The
// same Bootstrap on the same scores gives the same intervals.
type Bootstrap struct {
	Resamples  int     // replicates; rliable's default is 50,000
	Seed       uint64  // seed of the resampling
	Confidence float64 // coverage of the intervals; 0 means 0.95
}

// BadResamplesError reports a Resamples outside 1 to MaxResamples.
type BadResamplesError struct{ Resamples int }

func (e *BadResamplesError) Error() string {
	return fmt.Sprintf("stats: %d resamples is out of range (1 to %d)", e.Resamples, MaxResamples)
}

// BadConfidenceError reports a Confidence outside (0, 1).
type BadConfidenceError struct{ Confidence float64 }

func (e *BadConfidenceError) Error() string {
	return fmt.Sprintf("stats: confidence %g is not in (0, 1)", e.Confidence)
}

func (b Bootstrap) check() error {
	if b.Resamples < 1 || b.Resamples > MaxResamples {
		return &BadResamplesError{b.Resamples}
	}
	if c := b.Confidence; c != 0 && !(c > 0 && c < 1) {
		return &BadConfidenceError{c}
	}
	return nil
}

func (b Bootstrap) levels() (lo, hi float64) {
	c := b.Confidence
	if c == 0 {
		c = 0.95
	}
	return (1 - c) / 2, 1 - (1-c)/2
}

func (b Bootstrap) rng() *rand.Rand {
	return rand.New(rand.NewPCG(b.Seed, b.Seed^0x9e3779b97f4a7c15))
}

// resampler draws stratified bootstrap samples of scores into one reused
// buffer.
type resampler struct {
	src  [][]float64
	draw [][]float64
}

func newResampler(scores [][]float64) *resampler {
	r := &resampler{src: scores, draw: make([][]float64, len(scores))}
	for i, s := range scores {
		r.draw[i] = make([]float64, len(s))
	}
	return r
}

func (r *resampler) next(rng *rand.Rand) [][]float64 {
	for i, s := range r.src {
		d := r.draw[i]
		for j := range d {
			d[j] = s[rng.IntN(len(s))]
		}
	}
	return r.draw
}

// Distribution returns the Resamples bootstrap replicates of stat on
// scores, in the order drawn.
func (b Bootstrap) Distribution(scores [][]float64, stat Statistic) ([]float64, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	if err := Check(scores); err != nil {
		return nil, err
	}
	rng, rs := b.rng(), newResampler(scores)
	out := make([]float64, b.Resamples)
	for k := range out {
		out[k] = stat(rs.next(rng))
	}
	return out, nil
}

// Interval returns stat on scores with its percentile bootstrap interval.
func (b Bootstrap) Interval(scores [][]float64, stat Statistic) (Interval, error) {
	d, err := b.Distribution(scores, stat)
	if err != nil {
		return Interval{}, err
	}
	slices.Sort(d)
	lo, hi := b.levels()
	return Interval{Point: stat(scores), Lo: Quantile(d, lo), Hi: Quantile(d, hi)}, nil
}

// Improvement returns ProbabilityOfImprovement(x, y) with its interval:
// each replicate resamples x and y independently, within each stratum.
func (b Bootstrap) Improvement(x, y [][]float64) (Interval, error) {
	if err := b.check(); err != nil {
		return Interval{}, err
	}
	if err := Check(x); err != nil {
		return Interval{}, err
	}
	if err := Check(y); err != nil {
		return Interval{}, err
	}
	if len(x) != len(y) {
		return Interval{}, fmt.Errorf("stats: %d strata against %d", len(x), len(y))
	}
	rng, rx, ry := b.rng(), newResampler(x), newResampler(y)
	d := make([]float64, b.Resamples)
	for k := range d {
		d[k] = ProbabilityOfImprovement(rx.next(rng), ry.next(rng))
	}
	slices.Sort(d)
	lo, hi := b.levels()
	return Interval{Point: ProbabilityOfImprovement(x, y), Lo: Quantile(d, lo), Hi: Quantile(d, hi)}, nil
}

// A Band is a curve with a confidence band: Point[j], Lo[j] and Hi[j] at
// the j-th abscissa.
type Band struct {
	Point []float64 `json:"point"`
	Lo    []float64 `json:"lo"`
	Hi    []float64 `json:"hi"`
}

// Profile returns the performance profile of scores at taus
// (ScoreDistribution) with a pointwise band: every replicate resamples the
// runs once and evaluates all thresholds on that draw.
func (b Bootstrap) Profile(scores [][]float64, taus []float64) (Band, error) {
	if err := b.check(); err != nil {
		return Band{}, err
	}
	if err := Check(scores); err != nil {
		return Band{}, err
	}
	rng, rs := b.rng(), newResampler(scores)
	reps := make([][]float64, b.Resamples)
	for k := range reps {
		reps[k] = ScoreDistribution(rs.next(rng), taus)
	}
	return b.band(ScoreDistribution(scores, taus), reps), nil
}

// MeanCurve returns the mean over runs of curves (curves[run][j], all of
// one length) with a pointwise bootstrap band: every replicate resamples
// the runs once and averages each abscissa over that draw. Where a run's
// curve is NaN (no value yet), the three curves are NaN.
func (b Bootstrap) MeanCurve(curves [][]float64) (Band, error) {
	if err := b.check(); err != nil {
		return Band{}, err
	}
	if len(curves) == 0 {
		return Band{}, ErrEmpty
	}
	n := len(curves[0])
	for _, c := range curves {
		if len(c) != n {
			return Band{}, fmt.Errorf("stats: curves of lengths %d and %d", n, len(c))
		}
	}
	meanAt := func(runs []int) []float64 {
		m := make([]float64, n)
		for _, r := range runs {
			for j, v := range curves[r] {
				m[j] += v
			}
		}
		for j := range m {
			m[j] /= float64(len(runs))
		}
		return m
	}
	all := make([]int, len(curves))
	for i := range all {
		all[i] = i
	}
	rng := b.rng()
	reps := make([][]float64, b.Resamples)
	draw := make([]int, len(curves))
	for k := range reps {
		for i := range draw {
			draw[i] = rng.IntN(len(curves))
		}
		reps[k] = meanAt(draw)
	}
	return b.band(meanAt(all), reps), nil
}

// band turns replicates reps[k][j] into the percentile band around point.
func (b Bootstrap) band(point []float64, reps [][]float64) Band {
	lo, hi := b.levels()
	out := Band{Point: point, Lo: make([]float64, len(point)), Hi: make([]float64, len(point))}
	col := make([]float64, len(reps))
	for j := range point {
		if math.IsNaN(point[j]) {
			out.Lo[j], out.Hi[j] = math.NaN(), math.NaN()
			continue
		}
		for k := range reps {
			col[k] = reps[k][j]
		}
		slices.Sort(col)
		out.Lo[j], out.Hi[j] = Quantile(col, lo), Quantile(col, hi)
	}
	return out
}

// MarshalJSON writes NaN (no value) as null, which JSON can hold.
func (b Band) MarshalJSON() ([]byte, error) {
	conv := func(x []float64) []*float64 {
		out := make([]*float64, len(x))
		for i := range x {
			if !math.IsNaN(x[i]) && !math.IsInf(x[i], 0) {
				out[i] = &x[i]
			}
		}
		return out
	}
	return json.Marshal(struct {
		Point []*float64 `json:"point"`
		Lo    []*float64 `json:"lo"`
		Hi    []*float64 `json:"hi"`
	}{conv(b.Point), conv(b.Lo), conv(b.Hi)})
}
