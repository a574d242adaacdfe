package policy

import (
	"math"
	"math/rand/v2"
	"testing"
)

// relErr is |got−want| relative to the larger of |want| and 1e-3, so that
// components near zero are judged by an absolute error instead.
func relErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-3)
}

// central returns the central finite difference of f at x[i].
func central(f func() float64, x []float64, i int) float64 {
	const h = 1e-5
	old := x[i]
	x[i] = old + h
	up := f()
	x[i] = old - h
	down := f()
	x[i] = old
	return (up - down) / (2 * h)
}

func TestSoftmaxGradLogProbFiniteDifference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	p := NewSoftmax(9, 4)
	grad := make([]float64, 4)
	for trial := range 200 {
		for i := range p.Theta {
			p.Theta[i] = (r.Float64()*2 - 1) * 3
		}
		s, a := r.IntN(9), r.IntN(4)
		p.GradLogProb(grad, s, a)
		row := p.Row(s)
		for j := range 4 {
			fd := central(func() float64 { return p.LogProb(s, a) }, row, j)
			if e := relErr(grad[j], fd); e > 1e-6 {
				t.Fatalf("trial %d: ∂log π(%d|%d)/∂θ[%d] = %v, finite difference %v (rel. error %.2g)", trial, a, s, j, grad[j], fd, e)
			}
		}
		// The gradient with respect to another row is zero.
		other := (s + 1) % 9
		if fd := central(func() float64 { return p.LogProb(s, a) }, p.Row(other), 0); fd != 0 {
			t.Fatalf("log π(·|%d) depends on row %d: %v", s, other, fd)
		}
	}
}

func TestSoftmaxGradEntropyFiniteDifference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	p := NewSoftmax(3, 4)
	grad := make([]float64, 4)
	for trial := range 200 {
		for i := range p.Theta {
			p.Theta[i] = (r.Float64()*2 - 1) * 3
		}
		s := r.IntN(3)
		p.GradEntropy(grad, s)
		for j := range 4 {
			fd := central(func() float64 { return p.Entropy(s) }, p.Row(s), j)
			if e := relErr(grad[j], fd); e > 1e-6 {
				t.Fatalf("trial %d: ∂H/∂θ[%d][%d] = %v, finite difference %v", trial, s, j, grad[j], fd)
			}
		}
	}
}

func TestSoftmaxValues(t *testing.T) {
	p := NewSoftmax(2, 4)
	copy(p.Row(1), []float64{math.Log(1), math.Log(2), math.Log(3), math.Log(4)})
	probs := make([]float64, 4)
	p.Probs(probs, 1)
	for a, want := range []float64{0.1, 0.2, 0.3, 0.4} {
		if math.Abs(probs[a]-want) > 1e-15 {
			t.Errorf("π(%d|1) = %v, want %v", a, probs[a], want)
		}
	}
	if got, want := p.Entropy(0), math.Log(4); math.Abs(got-want) > 1e-15 {
		t.Errorf("uniform entropy %v, want %v", got, want)
	}
	wantH := -(0.1*math.Log(0.1) + 0.2*math.Log(0.2) + 0.3*math.Log(0.3) + 0.4*math.Log(0.4))
	if got := p.Entropy(1); math.Abs(got-wantH) > 1e-15 {
		t.Errorf("entropy %v, want %v", got, wantH)
	}
	if g := p.Greedy(1); g != 3 {
		t.Errorf("greedy action %d, want 3", g)
	}
	// Extreme logits: no NaN, the log-probability of the losers is finite.
	copy(p.Row(0), []float64{1000, -1000, 0, 0})
	if lp := p.LogProb(0, 1); math.IsInf(lp, 0) || math.IsNaN(lp) || lp > -1999 {
		t.Errorf("log π(1|0) with logits ±1000 = %v, want about −2000", lp)
	}
	if h := p.Entropy(0); math.IsNaN(h) || h < 0 || h > 1e-300 {
		t.Errorf("entropy of a point mass = %v, want 0", h)
	}
}

func TestSoftmaxSampleFrequencies(t *testing.T) {
	p := NewSoftmax(1, 4)
	copy(p.Row(0), []float64{math.Log(1), math.Log(2), math.Log(3), math.Log(4)})
	r := rand.New(rand.NewPCG(5, 6))
	var count [4]int
	const n = 100000
	for range n {
		count[p.Sample(r, 0)]++
	}
	for a, want := range []float64{0.1, 0.2, 0.3, 0.4} {
		// Four standard deviations of a binomial proportion.
		if got := float64(count[a]) / n; math.Abs(got-want) > 4*math.Sqrt(want*(1-want)/n) {
			t.Errorf("action %d sampled with frequency %v, want %v", a, got, want)
		}
	}
}

func TestGaussianGradLogProbFiniteDifference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	grad := make([]float64, NumParams)
	for trial := range 500 {
		g := Gaussian{
			Mu:       [2]float64{r.Float64()*2 - 1, r.Float64()*2 - 1},
			LogSigma: [2]float64{r.Float64()*3 - 2.5, r.Float64()*3 - 2.5},
		}
		a := g.Sample(r)
		if trial%5 == 0 {
			a = [2]float64{r.Float64()*4 - 2, r.Float64()*4 - 2}
		}
		g.GradLogProb(grad, a)
		params := []float64{g.Mu[0], g.Mu[1], g.LogSigma[0], g.LogSigma[1]}
		f := func() float64 {
			h := Gaussian{Mu: [2]float64{params[0], params[1]}, LogSigma: [2]float64{params[2], params[3]}}
			return h.LogProb(a)
		}
		for i := range NumParams {
			fd := central(f, params, i)
			if e := relErr(grad[i], fd); e > 1e-6 {
				t.Fatalf("trial %d: ∂log π/∂θ%d = %v, finite difference %v (rel. error %.2g) at %+v, a = %v", trial, i, grad[i], fd, e, g, a)
			}
		}
	}
}

func TestGaussianValues(t *testing.T) {
	g := Gaussian{Mu: [2]float64{0.5, -1}, LogSigma: [2]float64{math.Log(2), 0}}
	// log N(1.5; 0.5, 2) + log N(-1; -1, 1), written out.
	want := -0.5*0.25 - math.Log(2) - 0.5*math.Log(2*math.Pi) - 0.5*math.Log(2*math.Pi)
	if got := g.LogProb([2]float64{1.5, -1}); math.Abs(got-want) > 1e-14 {
		t.Errorf("LogProb = %v, want %v", got, want)
	}
	wantH := math.Log(2) + 1 + math.Log(2*math.Pi)
	if got := g.Entropy(); math.Abs(got-wantH) > 1e-14 {
		t.Errorf("Entropy = %v, want %v", got, wantH)
	}
	r := rand.New(rand.NewPCG(9, 10))
	var s, s2 [2]float64
	const n = 100000
	for range n {
		a := g.Sample(r)
		for i := range 2 {
			s[i] += a[i]
			s2[i] += a[i] * a[i]
		}
	}
	for i, sig := range []float64{2, 1} {
		mean := s[i] / n
		sd := math.Sqrt(s2[i]/n - mean*mean)
		if math.Abs(mean-g.Mu[i]) > 4*sig/math.Sqrt(n) || math.Abs(sd-sig) > 0.02*sig {
			t.Errorf("dimension %d: sample mean %v sd %v, want %v and %v", i, mean, sd, g.Mu[i], sig)
		}
	}
}

func TestNewSoftmaxPanicsOnBadSize(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewSoftmax(0, 4) did not panic")
		}
	}()
	NewSoftmax(0, 4)
}
