package mlp

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/nn"
)

// withGain returns a Gaussian with options whose output layer has gain 1,
// so that the means and the state-dependent log σ vary across states and
// every term of the gradient is far from zero.
func withGain(t *testing.T, opt GaussianOptions, seed uint64) *Gaussian {
	t.Helper()
	r := seeded.Rand(seed)
	out := 2
	if opt.StateStd {
		out = 4
	}
	g, err := GaussianWith(nn.NewMLP([]int{3, 6, out}, nn.Tanh, []float64{1.4, 1}, r), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !opt.StateStd {
		g.LogStd()[0], g.LogStd()[1] = -0.3, 0.4
	}
	return g
}

// The gradient of Σ gLogp·log π + gEnt·Σ H with respect to every parameter
// matches central finite differences for each combination of the options
// (the squashed log-probability included: its correction term has zero
// parameter gradient, which the finite differences confirm).
func TestGaussianOptionsGradient(t *testing.T) {
	for _, opt := range []GaussianOptions{{StateStd: true}, {Squash: true}, {StateStd: true, Squash: true}} {
		g := withGain(t, opt, 11)
		r := seeded.Rand(12)
		const n = 5
		obs := randomObs(r, n, 3)
		act := randomObs(r, n, 2)
		t.Run(optName(opt), func(t *testing.T) { checkPolicyGradient(t, g, obs, act, n) })
	}
}

func optName(o GaussianOptions) string {
	s := "state-independent"
	if o.StateStd {
		s = "state-dependent"
	}
	if o.Squash {
		s += "+squash"
	}
	return s
}

// TanhLogDet is log |d tanh(u)/du| summed over dimensions: it matches the
// log of a central finite difference of tanh, stays finite (and close to
// its asymptote 2·(log 2 − |u|)) far in the tails where 1 − tanh² rounds
// to 0, and is even in u (to rounding).
func TestTanhLogDetFiniteDifference(t *testing.T) {
	const h = 1e-5
	for _, u := range []float64{-6, -3.2, -1, -0.3, 0, 0.01, 0.7, 2.5, 5.9} {
		num := math.Log((math.Tanh(u+h) - math.Tanh(u-h)) / (2 * h))
		if got := TanhLogDet([]float64{u}); math.Abs(got-num) > 1e-6 {
			t.Errorf("u = %v: log det %.12g, finite difference %.12g", u, got, num)
		}
		if a, b := TanhLogDet([]float64{u}), TanhLogDet([]float64{-u}); math.Abs(a-b) > 1e-14*math.Max(1, math.Abs(a)) {
			t.Errorf("u = ±%v: %v and %v", u, a, b)
		}
	}
	for _, u := range []float64{30, -200, 1e6} {
		got := TanhLogDet([]float64{u})
		want := 2 * (math.Ln2 - math.Abs(u))
		if math.IsInf(got, 0) || math.IsNaN(got) || math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("u = %v: log det %v, want ≈ %v", u, got, want)
		}
	}
	// Sums over dimensions.
	if got, want := TanhLogDet([]float64{0.3, -1.2}), TanhLogDet([]float64{0.3})+TanhLogDet([]float64{-1.2}); math.Abs(got-want) > 1e-15 {
		t.Errorf("two dimensions: %v, want %v", got, want)
	}
}

// The squashed log-probability is a density of a = tanh(u) on (−1, 1):
// exp(log π) integrated over a by the midpoint rule is 1, and its value at a
// point is the Gaussian's density of u divided by 1 − a², the
// change-of-variables rule, computed here independently.
func TestSquashedDensityIntegratesToOne(t *testing.T) {
	r := seeded.Rand(5)
	g, err := GaussianWith(nn.NewMLP([]int{2, 1}, nn.Tanh, []float64{1}, r), GaussianOptions{Squash: true})
	if err != nil {
		t.Fatal(err)
	}
	g.Net().Params()[2] = 0.8 // the bias: μ = 0.8 + w·obs
	g.LogStd()[0] = math.Log(0.6)
	obs := []float64{0.2, -0.4}
	ws := g.NewWorkspace(1)
	mu := g.Net().Forward(g.Net().NewWorkspace(1), obs, 1)[0]
	const m = 200000
	var total float64
	logp, ent := make([]float64, 1), make([]float64, 1)
	for i := range m {
		a := -1 + (float64(i)+0.5)*2/m
		u := math.Atanh(a)
		g.Evaluate(ws, obs, []float64{u}, 1, logp, ent)
		total += math.Exp(logp[0]) * 2 / m
		if i%20000 == 7 {
			z := (u - mu) / 0.6
			want := math.Exp(-0.5*z*z) / (0.6 * math.Sqrt(2*math.Pi)) / (1 - a*a)
			if got := math.Exp(logp[0]); math.Abs(got-want) > 1e-12*math.Max(1, want) {
				t.Errorf("a = %v: density %v, want %v", a, got, want)
			}
		}
	}
	if math.Abs(total-1) > 1e-4 {
		t.Errorf("∫ π(a) da = %v, want 1", total)
	}
}

// Act and Evaluate agree on the log-probability of the sampled action for
// every option; a state-dependent σ really depends on the state; squashed
// environment actions stay inside the bounds and map u = 0 to the middle;
// clipped ones are clipped.
func TestGaussianOptionsActEvaluate(t *testing.T) {
	low, high := []float64{-2, 0}, []float64{2, 1}
	for _, opt := range []GaussianOptions{{}, {StateStd: true}, {Squash: true}, {StateStd: true, Squash: true}} {
		g := withGain(t, opt, 21)
		r := seeded.Rand(22)
		const n = 64
		obs := randomObs(r, n, 3)
		for i := range obs {
			obs[i] *= 3
		}
		ws := g.NewWorkspace(n)
		act, lp1, lp2, ent := make([]float64, 2*n), make([]float64, n), make([]float64, n), make([]float64, n)
		g.Act(ws, obs, n, r, false, act, lp1)
		g.Evaluate(ws, obs, act, n, lp2, ent)
		for i := range n {
			if math.Abs(lp1[i]-lp2[i]) > 1e-12 {
				t.Errorf("%s row %d: Act log π %v, Evaluate %v", optName(opt), i, lp1[i], lp2[i])
			}
		}
		mean, ls := make([]float64, 2*n), make([]float64, 2*n)
		g.Dist(ws, obs, n, mean, ls)
		if opt.StateStd {
			if ls[0] == ls[2] {
				t.Errorf("%s: log σ %v in two states", optName(opt), ls[0])
			}
			if want := GaussianEntropy(ls[:2]); math.Abs(ent[0]-want) > 1e-12 {
				t.Errorf("%s: entropy %v, want %v", optName(opt), ent[0], want)
			}
		} else if ls[0] != -0.3 || ls[3] != 0.4 {
			t.Errorf("%s: log σ %v, want the parameters", optName(opt), ls[:4])
		}
		for i := range act {
			act[i] *= 3 // push some samples far past the bounds
		}
		env := make([]float64, 2*n)
		g.EnvActions(env, act, n, low, high)
		for i, v := range env {
			j := i % 2
			want := min(max(act[i], low[j]), high[j])
			if opt.Squash {
				want = low[j] + (math.Tanh(act[i])+1)/2*(high[j]-low[j])
			}
			if math.Abs(v-want) > 1e-15*(high[j]-low[j]) || v < low[j] || v > high[j] {
				t.Errorf("%s: env action %v for u %v, want %v in [%v, %v]", optName(opt), v, act[i], want, low[j], high[j])
			}
		}
	}
	for _, u := range []float64{0, 1e-300, -1e-12, 0.3, -0.7, 1.5, -4, 19, 1e300, math.Inf(-1)} {
		if got, want := Tanh(u), math.Tanh(u); math.Abs(got-want) > 2e-16*math.Abs(want) {
			t.Errorf("Tanh(%v) = %v, math.Tanh %v", u, got, want)
		}
	}
	if got := Squash(0, -2, 4); got != 1 {
		t.Errorf("Squash(0, -2, 4) = %v, want 1", got)
	}
}

// NewGaussianWith starts every state's log σ near logStd0 and the means
// near zero, and refuses an odd output width for a state-dependent σ.
func TestNewGaussianWith(t *testing.T) {
	g := NewGaussianWith(3, 2, []int{16}, nn.Tanh, -0.5, GaussianOptions{StateStd: true}, seeded.Rand(3))
	if g.Net().Out() != 4 || g.ActionWidth() != 2 || g.LogStd() != nil || len(g.Params()) != 1 {
		t.Fatalf("outputs %d, width %d, log σ %v, %d groups", g.Net().Out(), g.ActionWidth(), g.LogStd(), len(g.Params()))
	}
	obs := randomObs(seeded.Rand(4), 10, 3)
	mean, ls := make([]float64, 20), make([]float64, 20)
	g.Dist(g.NewWorkspace(10), obs, 10, mean, ls)
	for i := range ls {
		if math.Abs(ls[i]+0.5) > 0.1 || math.Abs(mean[i]) > 0.1 {
			t.Errorf("initial mean %v, log σ %v, want ≈ 0 and −0.5", mean[i], ls[i])
		}
	}
	if _, err := GaussianWith(nn.NewMLP([]int{3, 3}, nn.Tanh, []float64{1}, seeded.Rand(1)), GaussianOptions{StateStd: true}); err == nil {
		t.Error("three outputs accepted for a state-dependent σ")
	}
}

func TestGaussianOptionsAllocateNothing(t *testing.T) {
	g := NewGaussianWith(3, 2, []int{64, 64}, nn.Tanh, 0, GaussianOptions{StateStd: true, Squash: true}, seeded.Rand(4))
	r := seeded.Rand(5)
	obs := randomObs(r, 8, 3)
	act, env := make([]float64, 16), make([]float64, 16)
	logp, ent, gl := make([]float64, 8), make([]float64, 8), make([]float64, 8)
	ws := g.NewWorkspace(8)
	low, high := []float64{-1, -1}, []float64{1, 1}
	allocs := testing.AllocsPerRun(20, func() {
		g.Act(ws, obs, 8, r, false, act, logp)
		g.EnvActions(env, act, 8, low, high)
		g.Evaluate(ws, obs, act, 8, logp, ent)
		g.Backward(ws, act, gl, 0.1, 8)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per batch", allocs)
	}
}
