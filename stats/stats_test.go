package stats

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) != math.IsNaN(want) {
		t.Errorf("%s = %.17g, want %.17g (±%g)", what, got, want, tol)
	}
}

// Values worked out by hand from the definitions.
func TestPointEstimatesByHand(t *testing.T) {
	one := [][]float64{{8, 1, 7, 2, 6, 3, 5, 4}}
	near(t, "IQM 1..8", IQM(one), 4.5, 0) // drops 1,2 and 7,8: (3+4+5+6)/4
	near(t, "Mean 1..8", Mean(one), 4.5, 0)
	near(t, "Median 1..8", Median(one), 4.5, 0)
	// n = 5 drops floor(5/4) = 1 at each end: (2+3+10)/3.
	near(t, "IQM of 10,1,2,3,100", IQM([][]float64{{10, 1, 2, 3, 100}}), 5, 1e-15)
	// n = 3 drops nothing.
	near(t, "IQM of 1,2,30", IQM([][]float64{{1, 2, 30}}), 11, 0)
	// Strata are pooled.
	near(t, "IQM of two strata", IQM([][]float64{{1, 2}, {3, 4, 5, 6, 7, 8}}), 4.5, 0)
	near(t, "Median of 1,2,3,4", Median([][]float64{{4, 1}, {3, 2}}), 2.5, 0)
	near(t, "Quantile 0.25 of 0,10", Quantile([]float64{0, 10}, 0.25), 2.5, 0)
	near(t, "Quantile 1 of 0,10", Quantile([]float64{0, 10}, 1), 10, 0)
	near(t, "Quantile 0.975 of 0..4", Quantile([]float64{0, 1, 2, 3, 4}, 0.975), 3.9, 1e-15)

	// 1 < 2 counts 0, 2 = 2 one half, 3 > 2 one: 1.5 of 3 pairs.
	near(t, "P(1,2,3 > 2)", ProbabilityOfImprovement([][]float64{{1, 2, 3}}, [][]float64{{2}}), 0.5, 0)
	near(t, "P(3,4 > 1,2)", ProbabilityOfImprovement([][]float64{{3, 4}}, [][]float64{{1, 2}}), 1, 0)
	// Averaged over strata: 1 in the first, 0 in the second.
	near(t, "P over two strata", ProbabilityOfImprovement([][]float64{{1}, {0}}, [][]float64{{0}, {1}}), 0.5, 0)
	// 2 of {1,2,3} against {0,2}: 3>0, 3>2, 2>0, 2=2 (½), 1>0 → 4.5 of 6.
	near(t, "P(1,2,3 > 0,2)", ProbabilityOfImprovement([][]float64{{1, 2, 3}}, [][]float64{{0, 2}}), 0.75, 0)

	prof := ScoreDistribution([][]float64{{1, 2, 3, 4}, {10, 20}}, []float64{0, 2, 2.5, 15, 20})
	// Strictly above: τ=2 keeps 3,4 (½) and both of the second (1).
	want := []float64{1, 0.75, 0.75, (0 + 0.5) / 2, 0}
	for i := range want {
		near(t, "profile", prof[i], want[i], 1e-15)
	}
}

// The bootstrap distribution of the mean of {0, 1} is 0, ½, 1 with
// probabilities ¼, ½, ¼; the fractions drawn must match within five
// binomial standard errors.
func TestBootstrapDistributionExact(t *testing.T) {
	const R = 40000
	b := Bootstrap{Resamples: R, Seed: 7}
	d, err := b.Distribution([][]float64{{0, 1}}, Mean)
	if err != nil {
		t.Fatal(err)
	}
	count := map[float64]int{}
	for _, v := range d {
		count[v]++
	}
	if len(count) != 3 {
		t.Fatalf("replicates take values %v, want only 0, 0.5, 1", count)
	}
	for v, p := range map[float64]float64{0: 0.25, 0.5: 0.5, 1: 0.25} {
		se := math.Sqrt(p * (1 - p) / R)
		near(t, "fraction of replicates at "+formatG(v), float64(count[v])/R, p, 5*se)
	}
	iv, err := b.Interval([][]float64{{0, 1}}, Mean)
	if err != nil {
		t.Fatal(err)
	}
	// 2.5 % and 97.5 % fall inside the atoms at 0 and 1.
	if iv != (Interval{Point: 0.5, Lo: 0, Hi: 1}) {
		t.Errorf("interval %+v, want 0.5 [0, 1]", iv)
	}
}

// Stratification: each stratum is resampled on its own, so a stratum of
// one run (10) is in every replicate exactly once; the sum of a replicate
// of {0,1} ∪ {10} is 10, 11 or 12 (¼, ½, ¼), never 0 or 30 as a pooled
// bootstrap would give.
func TestBootstrapIsStratified(t *testing.T) {
	const R = 20000
	sum := func(s [][]float64) float64 {
		t := 0.0
		for _, x := range s {
			for _, v := range x {
				t += v
			}
		}
		return t
	}
	d, err := Bootstrap{Resamples: R, Seed: 3}.Distribution([][]float64{{0, 1}, {10}}, sum)
	if err != nil {
		t.Fatal(err)
	}
	count := map[float64]int{}
	for _, v := range d {
		count[v]++
	}
	for v := range count {
		if v != 10 && v != 11 && v != 12 {
			t.Fatalf("replicate sum %g: the strata were mixed", v)
		}
	}
	near(t, "fraction at 11", float64(count[11])/R, 0.5, 5*math.Sqrt(0.25/R))
}

func TestBootstrapDeterministicAndSeeded(t *testing.T) {
	s := [][]float64{{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}}
	a, _ := Bootstrap{Resamples: 500, Seed: 1}.Interval(s, IQM)
	b, _ := Bootstrap{Resamples: 500, Seed: 1}.Interval(s, IQM)
	if a != b {
		t.Errorf("same seed: %+v then %+v", a, b)
	}
	da, _ := Bootstrap{Resamples: 500, Seed: 1}.Distribution(s, IQM)
	db, _ := Bootstrap{Resamples: 500, Seed: 2}.Distribution(s, IQM)
	same := 0
	for i := range da {
		if da[i] == db[i] {
			same++
		}
	}
	if same == len(da) {
		t.Error("seeds 1 and 2 drew the same replicates")
	}
	// A single run per stratum: every replicate equals the point estimate.
	iv, _ := Bootstrap{Resamples: 100, Seed: 1}.Interval([][]float64{{2}, {5}}, Mean)
	if iv != (Interval{3.5, 3.5, 3.5}) {
		t.Errorf("degenerate interval %+v", iv)
	}
	// A wider confidence gives a wider interval.
	n90, _ := Bootstrap{Resamples: 4000, Seed: 1, Confidence: 0.5}.Interval(s, Mean)
	n95, _ := Bootstrap{Resamples: 4000, Seed: 1}.Interval(s, Mean)
	if !(n95.Lo < n90.Lo && n90.Hi < n95.Hi) {
		t.Errorf("50%% interval %+v not inside 95%% %+v", n90, n95)
	}
}

func TestBandsByHand(t *testing.T) {
	b := Bootstrap{Resamples: 20000, Seed: 5}
	// Mean of two draws from {1,3} at x0 (and {2,4} at x1): 1, 2, 3 with ¼,½,¼.
	band, err := b.MeanCurve([][]float64{{1, 2, math.NaN()}, {3, 4, 5}})
	if err != nil {
		t.Fatal(err)
	}
	for j, w := range [][3]float64{{2, 1, 3}, {3, 2, 4}} {
		near(t, "curve point", band.Point[j], w[0], 0)
		near(t, "curve lo", band.Lo[j], w[1], 0)
		near(t, "curve hi", band.Hi[j], w[2], 0)
	}
	if !math.IsNaN(band.Point[2]) || !math.IsNaN(band.Lo[2]) || !math.IsNaN(band.Hi[2]) {
		t.Errorf("a NaN in one run's curve gives %v %v %v, want NaN", band.Point[2], band.Lo[2], band.Hi[2])
	}
	prof, err := b.Profile([][]float64{{0, 1}}, []float64{-1, 0.5, 2})
	if err != nil {
		t.Fatal(err)
	}
	for j, w := range [][3]float64{{1, 1, 1}, {0.5, 0, 1}, {0, 0, 0}} {
		near(t, "profile point", prof.Point[j], w[0], 0)
		near(t, "profile lo", prof.Lo[j], w[1], 0)
		near(t, "profile hi", prof.Hi[j], w[2], 0)
	}
	// P({1,2} > {0,3}) = ½; replicates range over 0, ¼, ½, ¾, 1.
	iv, err := b.Improvement([][]float64{{1, 2}}, [][]float64{{0, 3}})
	if err != nil {
		t.Fatal(err)
	}
	if iv.Point != 0.5 || iv.Lo != 0 || iv.Hi != 1 {
		t.Errorf("improvement %+v, want 0.5 [0, 1]", iv)
	}
}

func TestBadInput(t *testing.T) {
	good := [][]float64{{1, 2}}
	var br *BadResamplesError
	if _, err := (Bootstrap{Resamples: 0}).Interval(good, Mean); !errors.As(err, &br) || br.Resamples != 0 {
		t.Errorf("0 resamples: %v", err)
	}
	if _, err := (Bootstrap{Resamples: MaxResamples + 1}).Profile(good, []float64{1}); !errors.As(err, &br) {
		t.Errorf("too many resamples: %v", err)
	}
	var bc *BadConfidenceError
	if _, err := (Bootstrap{Resamples: 10, Confidence: 1}).Interval(good, Mean); !errors.As(err, &bc) {
		t.Errorf("confidence 1: %v", err)
	}
	b := Bootstrap{Resamples: 10}
	if _, err := b.Interval([][]float64{{1, math.NaN()}}, Mean); !errors.Is(err, ErrNotFinite) {
		t.Errorf("NaN score: %v", err)
	}
	if _, err := b.Interval([][]float64{{1}, {}}, Mean); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty stratum: %v", err)
	}
	if _, err := b.Interval(nil, Mean); !errors.Is(err, ErrEmpty) {
		t.Errorf("no strata: %v", err)
	}
	if _, err := b.Improvement(good, [][]float64{{1}, {2}}); err == nil {
		t.Error("different strata counts accepted")
	}
	if _, err := b.MeanCurve([][]float64{{1, 2}, {1}}); err == nil {
		t.Error("curves of different lengths accepted")
	}
}

func formatG(v float64) string {
	switch v {
	case 0:
		return "0"
	case 0.5:
		return "0.5"
	}
	return "1"
}

func TestBandJSONWritesNaNAsNull(t *testing.T) {
	b, err := json.Marshal(Band{Point: []float64{1, math.NaN()}, Lo: []float64{0, math.NaN()}, Hi: []float64{2, math.Inf(1)}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"point":[1,null],"lo":[0,null],"hi":[2,null]}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}
