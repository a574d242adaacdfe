package deep

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/pgrad/pgrad/policy/mlp"
)

func trainedAgent(t *testing.T, env string) *Agent {
	t.Helper()
	tr, err := New(short(env), 2)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := tr.Iterate(); err != nil {
			t.Fatal(err)
		}
	}
	tr.Close()
	return tr.Agent()
}

func randomObs(r *rand.Rand, n, d int) []float64 {
	obs := make([]float64, n*d)
	for i := range obs {
		obs[i] = 2*r.Float64() - 1
	}
	return obs
}

// On a discrete task Predict is the most likely action of Probs, and Probs
// are exp of the log-probabilities the policy scores each action with.
func TestPredictDiscrete(t *testing.T) {
	a := trainedAgent(t, "cartpole")
	r := rand.New(rand.NewPCG(1, 2))
	ws := a.Policy.NewWorkspace(1)
	for range 200 {
		obs := randomObs(r, 1, 4)
		act, err := a.Predict(obs)
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.Probs(obs)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for j, q := range p {
			var logp, ent [1]float64
			a.Policy.Evaluate(ws, obs, []float64{float64(j)}, 1, logp[:], ent[:])
			if math.Abs(q-math.Exp(logp[0])) > 1e-12 {
				t.Fatalf("Probs %v, but π(%d) = %v", p, j, math.Exp(logp[0]))
			}
			sum += q
		}
		best := 0
		if p[1] > p[0] {
			best = 1
		}
		if len(act) != 1 || act[0] != float64(best) || math.Abs(sum-1) > 1e-12 {
			t.Fatalf("Predict %v for probabilities %v", act, p)
		}
	}
	if _, _, err := a.MeanStd(make([]float64, 4)); err == nil {
		t.Error("MeanStd on a discrete task")
	}
}

// On a continuous task Predict is the mean clipped to the bounds (the
// issue: |a| = 3.6 for a bound of 2), MeanStd the mean and e^{log σ}.
func TestPredictContinuousClipped(t *testing.T) {
	a := trainedAgent(t, "pendulum")
	g := a.Policy.(*mlp.Gaussian)
	params := g.Net().Params()
	for _, bias := range []float64{3.6, -3.6, 0.5} {
		params[len(params)-1] = bias // the output bias: the mean is about bias
		obs := []float64{1, 0, 0}
		mean, std, err := a.MeanStd(obs)
		if err != nil {
			t.Fatal(err)
		}
		act, err := a.Predict(obs)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(max(mean[0], -2), 2); act[0] != want || std[0] != math.Exp(g.LogStd()[0]) {
			t.Errorf("bias %v: Predict %v, mean %v σ %v; want %v and σ %v", bias, act, mean, std, want, math.Exp(g.LogStd()[0]))
		}
		if math.Abs(bias) > 2 && math.Abs(act[0]) != 2 {
			t.Errorf("bias %v: action %v not at the bound", bias, act)
		}
	}
	if _, err := a.Probs([]float64{1, 0, 0}); err == nil {
		t.Error("Probs on a continuous task")
	}
}

// Sample draws from the policy: on CartPole the frequency of each action
// matches Probs within 4 standard errors; on Pendulum samples stay inside
// the bounds; one seed gives one sequence.
func TestSample(t *testing.T) {
	a := trainedAgent(t, "cartpole")
	obs := []float64{0.1, -0.2, 0.05, 0.3}
	p, _ := a.Probs(obs)
	r := rand.New(rand.NewPCG(3, 4))
	const n = 20000
	ones := 0
	for range n {
		s, err := a.Sample(obs, r)
		if err != nil {
			t.Fatal(err)
		}
		ones += int(s[0])
	}
	se := math.Sqrt(p[1] * (1 - p[1]) / n)
	if f := float64(ones) / n; math.Abs(f-p[1]) > 4*se {
		t.Errorf("action 1 sampled with frequency %v, π = %v (SE %v)", f, p[1], se)
	}
	b := trainedAgent(t, "pendulum")
	x, y := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		s1, _ := b.Sample([]float64{1, 0, 0.5}, x)
		s2, _ := b.Sample([]float64{1, 0, 0.5}, y)
		if s1[0] != s2[0] || s1[0] < -2 || s1[0] > 2 {
			t.Fatalf("samples %v, %v", s1, s2)
		}
	}
	if _, err := b.Sample([]float64{1, 0, 0}, nil); err == nil {
		t.Error("Sample with a nil random source")
	}
}

// Several goroutines may call Predict on one agent at once (run with
// -race): each gets what a serial call gives.
func TestPredictConcurrent(t *testing.T) {
	for _, env := range []string{"cartpole", "pendulum"} {
		a := trainedAgent(t, env)
		d := a.Space.ObsDim
		obs := randomObs(rand.New(rand.NewPCG(7, 8)), 64, d)
		want := make([][]float64, 64)
		for i := range want {
			want[i], _ = a.Predict(obs[i*d : (i+1)*d])
		}
		var wg sync.WaitGroup
		errs := make(chan string, 8)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for rep := range 50 {
					i := (g*7 + rep) % 64
					got, err := a.Predict(obs[i*d : (i+1)*d])
					if err != nil || !slices.Equal(got, want[i]) {
						errs <- env
						return
					}
					if env == "cartpole" {
						a.Probs(obs[i*d : (i+1)*d])
					} else {
						a.MeanStd(obs[i*d : (i+1)*d])
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("%s: a concurrent Predict differed from the serial one", e)
		}
	}
}

// The batched forms allocate nothing per call and agree with Predict row
// by row, to 1e-12: the matrix kernels sum in another order for a batch of
// 32 than for one row, so the last bits may differ.
func TestPredictorBatchNoAllocs(t *testing.T) {
	for _, env := range []string{"cartpole", "pendulum"} {
		a := trainedAgent(t, env)
		d, aw, k := a.Space.ObsDim, a.Policy.ActionWidth(), a.Space.ActDim
		p := a.NewPredictor(32)
		obs := randomObs(rand.New(rand.NewPCG(9, 10)), 32, d)
		dst, probs, mean, std := make([]float64, 32*aw), make([]float64, 32*k), make([]float64, 32*k), make([]float64, 32*k)
		r := rand.New(rand.NewPCG(1, 1))
		if err := p.Predict(dst, obs, 32); err != nil {
			t.Fatal(err)
		}
		for i := range 32 {
			one, _ := a.Predict(obs[i*d : (i+1)*d])
			if math.Abs(one[0]-dst[i*aw]) > 1e-12 {
				t.Fatalf("%s row %d: batch %v, single %v", env, i, dst[i*aw:(i+1)*aw], one)
			}
		}
		allocs := testing.AllocsPerRun(20, func() {
			p.Predict(dst, obs, 32)
			p.Sample(dst, obs, 32, r)
			if a.Space.Discrete {
				p.Probs(probs, obs, 32)
			} else {
				p.MeanStd(mean, std, obs, 32)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per batch", env, allocs)
		}
	}
}

func TestPredictBadInput(t *testing.T) {
	a := trainedAgent(t, "cartpole")
	p := a.NewPredictor(2)
	cases := map[string]func() error{
		"short obs":   func() error { _, err := a.Predict([]float64{1, 2, 3}); return err },
		"long obs":    func() error { _, err := a.Predict(make([]float64, 5)); return err },
		"NaN obs":     func() error { _, err := a.Predict([]float64{0, math.NaN(), 0, 0}); return err },
		"Inf obs":     func() error { _, err := a.Probs([]float64{0, 0, math.Inf(-1), 0}); return err },
		"big batch":   func() error { return p.Predict(make([]float64, 3), make([]float64, 12), 3) },
		"zero batch":  func() error { return p.Predict(nil, nil, 0) },
		"short dst":   func() error { return p.Predict(make([]float64, 1), make([]float64, 8), 2) },
		"probs dst":   func() error { return p.Probs(make([]float64, 3), make([]float64, 8), 2) },
		"nil sampler": func() error { return p.Sample(make([]float64, 1), make([]float64, 4), 1, nil) },
	}
	for name, f := range cases {
		var pe *PredictError
		if err := f(); !errors.As(err, &pe) {
			t.Errorf("%s: %v, want a *PredictError", name, err)
		}
	}
}
