package deep

import (
	"math"
	"testing"
)

// The trajectories below are worked out by hand in the comments: two
// environments, four steps, a termination in the middle of the first and a
// truncation in the middle of the second.
func TestGAEHandComputed(t *testing.T) {
	const n = 2
	// time-major: index t*2+i
	rewards := []float64{1, 1, 2, 1, 3, 1, 4, 1}
	values := []float64{0.5, 1, 1, 2, 1.5, 3, 2, 4}
	term := []bool{false, false, true, false, false, false, false, false}
	trunc := []bool{false, false, false, false, false, true, false, false}
	truncValues := []float64{0, 0, 0, 0, 0, 5, 0, 0}
	last := []float64{10, 6}
	const gamma, lambda = 0.9, 0.8

	// env 0: δ3 = 4+0.9·10−2 = 11; δ2 = 3+0.9·2−1.5 = 3.3, A2 = 3.3+0.72·11 = 11.22;
	//        t=1 terminates: A1 = 2−1 = 1; δ0 = 1+0.9·1−0.5 = 1.4, A0 = 1.4+0.72·1 = 2.12.
	// env 1: δ3 = 1+0.9·6−4 = 2.4; t=2 truncates, bootstrapped from 5: A2 = 1+4.5−3 = 2.5;
	//        δ1 = 1+2.7−2 = 1.7, A1 = 1.7+0.72·2.5 = 3.5; δ0 = 1+1.8−1 = 1.8, A0 = 1.8+0.72·3.5 = 4.32.
	// Without bootstrapping, A2 = 1−3 = −2, A1 = 1.7−1.44 = 0.26, A0 = 1.8+0.72·0.26 = 1.9872.
	cases := []struct {
		bootstrap bool
		want      []float64
	}{
		{true, []float64{2.12, 4.32, 1, 3.5, 11.22, 2.5, 11, 2.4}},
		{false, []float64{2.12, 1.9872, 1, 0.26, 11.22, -2, 11, 2.4}},
	}
	for _, c := range cases {
		adv := make([]float64, 8)
		ret := make([]float64, 8)
		GAE(adv, ret, rewards, values, term, trunc, truncValues, last, n, gamma, lambda, c.bootstrap)
		for k := range adv {
			if math.Abs(adv[k]-c.want[k]) > 1e-12 {
				t.Errorf("bootstrap=%v: adv[%d] = %v, want %v", c.bootstrap, k, adv[k], c.want[k])
			}
			if math.Abs(ret[k]-(c.want[k]+values[k])) > 1e-12 {
				t.Errorf("bootstrap=%v: ret[%d] = %v, want %v", c.bootstrap, k, ret[k], c.want[k]+values[k])
			}
		}
	}
}

// With λ = 1 the targets are discounted returns-to-go, whatever the values.
func TestGAELambdaOneIsReturnsToGo(t *testing.T) {
	rewards := []float64{1, 2, 3, 4, 5}
	values := []float64{7, -3, 0.25, 9, 1}
	term := []bool{false, true, false, false, false}
	trunc := []bool{false, false, false, true, false}
	truncValues := []float64{0, 0, 0, 10, 0}
	last := []float64{100}
	// t=4: 5+0.5·100 = 55; t=3 truncated: 4+0.5·10 = 9; t=2: 3+0.5·9 = 7.5;
	// t=1 terminal: 2; t=0: 1+0.5·2 = 2.
	want := []float64{2, 2, 7.5, 9, 55}
	adv := make([]float64, 5)
	ret := make([]float64, 5)
	GAE(adv, ret, rewards, values, term, trunc, truncValues, last, 1, 0.5, 1, true)
	for k := range ret {
		if math.Abs(ret[k]-want[k]) > 1e-12 {
			t.Errorf("ret[%d] = %v, want %v", k, ret[k], want[k])
		}
	}
}
