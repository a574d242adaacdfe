package mlp

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pgrad/pgrad/nn"

	"github.com/pgrad/pgrad/internal/seeded"
)

// objective returns Σ gLogp[i]·log π(act_i|obs_i) + gEnt·Σ H_i, the
// quantity whose gradient Backward accumulates.
func objective(p Policy, ws *Workspace, obs, act, gLogp []float64, gEnt float64, n int) float64 {
	logp := make([]float64, n)
	ent := make([]float64, n)
	p.Evaluate(ws, obs, act, n, logp, ent)
	var s float64
	for i := range n {
		s += gLogp[i]*logp[i] + gEnt*ent[i]
	}
	return s
}

func checkPolicyGradient(t *testing.T, p Policy, obs, act []float64, n int) {
	t.Helper()
	r := seeded.Rand(7)
	gLogp := make([]float64, n)
	for i := range gLogp {
		gLogp[i] = r.NormFloat64()
	}
	const gEnt = -0.37
	ws := p.NewWorkspace(n)
	logp := make([]float64, n)
	ent := make([]float64, n)
	for _, g := range p.Grads() {
		clear(g)
	}
	p.Evaluate(ws, obs, act, n, logp, ent)
	p.Backward(ws, act, gLogp, gEnt, n)
	const h = 1e-6
	params, grads := p.Params(), p.Grads()
	checked := 0
	for g := range params {
		for j := range params[g] {
			old := params[g][j]
			params[g][j] = old + h
			up := objective(p, ws, obs, act, gLogp, gEnt, n)
			params[g][j] = old - h
			down := objective(p, ws, obs, act, gLogp, gEnt, n)
			params[g][j] = old
			num := (up - down) / (2 * h)
			if d := math.Abs(num - grads[g][j]); d > 1e-6*math.Max(1, math.Abs(num)) {
				t.Errorf("group %d param %d: gradient %.9g, finite difference %.9g", g, j, grads[g][j], num)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no parameters")
	}
}

func randomObs(r *rand.Rand, n, d int) []float64 {
	x := make([]float64, n*d)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

func TestCategoricalGradient(t *testing.T) {
	r := seeded.Rand(1)
	// A larger output gain than the default 0.01 so the logits are far from
	// uniform and the entropy gradient is not negligible.
	c := CategoricalFrom(nn.NewMLP([]int{3, 6, 4}, nn.Tanh, []float64{1.4, 2}, r))
	const n = 5
	obs := randomObs(r, n, 3)
	act := []float64{0, 3, 1, 2, 3}
	checkPolicyGradient(t, c, obs, act, n)
}

func TestGaussianGradient(t *testing.T) {
	r := seeded.Rand(2)
	g := GaussianFrom(nn.NewMLP([]int{3, 6, 2}, nn.Tanh, []float64{1.4, 1}, r))
	g.LogStd()[0], g.LogStd()[1] = -0.3, 0.4
	const n = 5
	obs := randomObs(r, n, 3)
	act := randomObs(r, n, 2)
	checkPolicyGradient(t, g, obs, act, n)
}

func TestCategoricalLogProbAndEntropy(t *testing.T) {
	logits := []float64{1, 2, 3}
	probs := make([]float64, 3)
	z := math.Exp(1) + math.Exp(2) + math.Exp(3)
	lse := logSumExp(probs, logits)
	if lp := logits[1] - lse; math.Abs(lp-(2-math.Log(z))) > 1e-12 {
		t.Errorf("log π(1) = %v, want %v", lp, 2-math.Log(z))
	}
	var h float64
	for j := range logits {
		p := math.Exp(logits[j]) / z
		h -= p * math.Log(p)
	}
	if got := categoricalEntropy(probs, logits, lse); math.Abs(got-h) > 1e-12 {
		t.Errorf("entropy %v, want %v", got, h)
	}
	// Huge logits must not overflow.
	if lp := -logSumExp(probs, []float64{1000, 0}); math.Abs(lp+1000) > 1e-9 {
		t.Errorf("log π with large logits = %v, want -1000", lp)
	}
}

func TestGaussianLogProbAndEntropy(t *testing.T) {
	a, mu, ls := []float64{0.5, -1}, []float64{0, 1}, []float64{0, math.Log(2)}
	// N(0.5; 0, 1) · N(-1; 1, 2)
	want := -0.5*0.25 - 0.5*math.Log(2*math.Pi) + (-0.5*1 - math.Log(2) - 0.5*math.Log(2*math.Pi))
	if got := gaussianLogProb(a, mu, ls, []float64{1, 0.5}); math.Abs(got-want) > 1e-12 {
		t.Errorf("log-density %v, want %v", got, want)
	}
	wantH := 0.5*math.Log(2*math.Pi*math.E) + (math.Log(2) + 0.5*math.Log(2*math.Pi*math.E))
	if got := GaussianEntropy(ls); math.Abs(got-wantH) > 1e-12 {
		t.Errorf("entropy %v, want %v", got, wantH)
	}
}

// Sampled actions follow the policy's distribution, and their stored
// log-probability is the one Evaluate gives.
func TestSampling(t *testing.T) {
	r := seeded.Rand(3)
	c := CategoricalFrom(nn.NewMLP([]int{2, 3}, nn.Tanh, []float64{1}, r))
	obs := []float64{0.5, -0.2}
	const n = 20000
	batch := make([]float64, 2*100)
	for i := 0; i < 100; i++ {
		copy(batch[2*i:], obs)
	}
	ws := c.NewWorkspace(100)
	act := make([]float64, 100)
	logp := make([]float64, 100)
	ent := make([]float64, 100)
	counts := make([]float64, 3)
	for range n / 100 {
		c.Act(ws, batch, 100, r, false, act, logp)
		for _, a := range act {
			counts[int(a)]++
		}
	}
	lp2 := make([]float64, 100)
	c.Evaluate(ws, batch, act, 100, lp2, ent)
	for i := range logp {
		if math.Abs(lp2[i]-logp[i]) > 1e-12 {
			t.Fatalf("row %d: Act log π %v, Evaluate %v", i, logp[i], lp2[i])
		}
	}
	probs := make([]float64, 3)
	logits := c.Net().Forward(c.Net().NewWorkspace(1), obs, 1)
	logSumExp(probs, logits)
	for j, k := range counts {
		f := k / n
		if sd := math.Sqrt(probs[j] * (1 - probs[j]) / n); math.Abs(f-probs[j]) > 5*sd {
			t.Errorf("action %d: frequency %v, probability %v", j, f, probs[j])
		}
	}
	c.Act(ws, batch, 1, nil, true, act, logp)
	if int(act[0]) != argmax(logits) {
		t.Errorf("deterministic action %v, argmax %d", act[0], argmax(logits))
	}

	g := GaussianFrom(nn.NewMLP([]int{2, 1}, nn.Tanh, []float64{1}, r))
	g.LogStd()[0] = math.Log(0.5)
	gws := g.NewWorkspace(100)
	var s, s2 float64
	for range n / 100 {
		g.Act(gws, batch, 100, r, false, act, logp)
		for _, a := range act {
			s += a
			s2 += a * a
		}
	}
	mu := g.Net().Forward(g.Net().NewWorkspace(1), obs, 1)[0]
	mean := s / n
	sd := math.Sqrt(s2/n - mean*mean)
	if math.Abs(mean-mu) > 5*0.5/math.Sqrt(n) || math.Abs(sd-0.5) > 0.02 {
		t.Errorf("Gaussian samples: mean %v sd %v, want %v and 0.5", mean, sd, mu)
	}
	g.Act(gws, batch, 1, nil, true, act, logp)
	if act[0] != mu {
		t.Errorf("deterministic action %v, mean %v", act[0], mu)
	}
}

func TestActEvaluateAllocateNothing(t *testing.T) {
	r := seeded.Rand(4)
	c := NewCategorical(4, 2, []int{64, 64}, nn.Tanh, r)
	g := NewGaussian(3, 1, []int{64, 64}, nn.Tanh, 0, r)
	obs := randomObs(r, 8, 4)
	act := make([]float64, 8)
	logp, ent, gl := make([]float64, 8), make([]float64, 8), make([]float64, 8)
	cws, gws := c.NewWorkspace(8), g.NewWorkspace(8)
	allocs := testing.AllocsPerRun(20, func() {
		c.Act(cws, obs, 8, r, false, act, logp)
		c.Evaluate(cws, obs, act, 8, logp, ent)
		c.Backward(cws, act, gl, 0.1, 8)
		g.Act(gws, obs, 8, r, false, act, logp)
		g.Evaluate(gws, obs, act, 8, logp, ent)
		g.Backward(gws, act, gl, 0.1, 8)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per batch", allocs)
	}
}
