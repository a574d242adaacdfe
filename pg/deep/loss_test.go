package deep

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fdCheck compares grad with central differences of f at x, coordinate by
// coordinate.
func fdCheck(t *testing.T, name string, x, grad []float64, f func() float64) {
	t.Helper()
	const h = 1e-6
	for i := range x {
		old := x[i]
		x[i] = old + h
		up := f()
		x[i] = old - h
		down := f()
		x[i] = old
		num := (up - down) / (2 * h)
		if d := math.Abs(num - grad[i]); d > 1e-7*math.Max(1, math.Abs(num)) {
			t.Errorf("%s: ∂/∂x[%d] = %.10g, finite difference %.10g", name, i, grad[i], num)
		}
	}
}

func TestPolicyGradientLossGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	logp := make([]float64, 9)
	adv := make([]float64, 9)
	for i := range logp {
		logp[i] = -3 * r.Float64()
		adv[i] = r.NormFloat64()
	}
	d := make([]float64, 9)
	scratch := make([]float64, 9)
	PolicyGradientLoss(d, logp, adv)
	fdCheck(t, "pg", logp, d, func() float64 { return PolicyGradientLoss(scratch, logp, adv) })
}

func TestClippedSurrogateGradientAllRegions(t *testing.T) {
	const clip = 0.2
	// Ratios chosen in each region of the surrogate: inside the clip range,
	// beyond it on the side the advantage favours (clipped, zero gradient)
	// and beyond it on the other side (unclipped, the min keeps the
	// pessimistic term), for both signs of the advantage.
	ratios := []float64{1.05, 0.9, 1.5, 0.5, 0.6, 1.4, 1.3, 0.7}
	adv := []float64{1.3, -0.7, 2, -1.1, 0.8, -0.4, 0.5, -2}
	wantClipped := []bool{false, false, true, true, false, false, true, true}
	n := len(ratios)
	old := make([]float64, n)
	logp := make([]float64, n)
	for i, r := range ratios {
		old[i] = -1.0 - 0.1*float64(i)
		logp[i] = old[i] + math.Log(r)
	}
	d := make([]float64, n)
	scratch := make([]float64, n)
	loss, st := ClippedSurrogateLoss(d, logp, old, adv, clip)
	fdCheck(t, "ppo", logp, d, func() float64 {
		l, _ := ClippedSurrogateLoss(scratch, logp, old, adv, clip)
		return l
	})
	var want, kl, frac float64
	for i, r := range ratios {
		if (d[i] == 0) != wantClipped[i] {
			t.Errorf("sample %d (r=%v, A=%v): gradient %v, clipped region expected %v", i, r, adv[i], d[i], wantClipped[i])
		}
		want += math.Max(-adv[i]*r, -adv[i]*math.Min(math.Max(r, 1-clip), 1+clip))
		kl += r - 1 - math.Log(r)
		if math.Abs(r-1) > clip {
			frac++
		}
	}
	if math.Abs(loss-want/float64(n)) > 1e-12 {
		t.Errorf("loss = %v, want %v", loss, want/float64(n))
	}
	if math.Abs(st.ApproxKL-kl/float64(n)) > 1e-12 || st.ClipFrac != frac/float64(n) {
		t.Errorf("stats = %+v, want kl %v frac %v", st, kl/float64(n), frac/float64(n))
	}
	if st.ClipFrac != 6.0/8 {
		t.Errorf("clip fraction %v, want 6/8", st.ClipFrac)
	}
}

func TestValueLossGradient(t *testing.T) {
	const clip = 0.2
	// v−old inside the clip range, and outside it with the clipped error
	// larger (zero gradient) or smaller (the unclipped error counts).
	v := []float64{1.1, 0.5, 3, -1, 2.5}
	old := []float64{1, 0.6, 1, 1, 2}
	ret := []float64{0, 2, 0, -5, 3}
	d := make([]float64, len(v))
	scratch := make([]float64, len(v))
	for _, c := range []float64{0, clip} {
		loss := ValueLoss(d, v, old, ret, c)
		fdCheck(t, "value", v, d, func() float64 { return ValueLoss(scratch, v, old, ret, c) })
		var want float64
		for i := range v {
			e := (v[i] - ret[i]) * (v[i] - ret[i])
			if c > 0 {
				vc := old[i] + math.Min(math.Max(v[i]-old[i], -c), c)
				e = math.Max(e, (vc-ret[i])*(vc-ret[i]))
			}
			want += e
		}
		want *= 0.5 / float64(len(v))
		if math.Abs(loss-want) > 1e-12 {
			t.Errorf("clip %v: loss %v, want %v", c, loss, want)
		}
	}
	// Sample 1: v moved 0.1 down toward ret=2 … clip inactive; sample 2:
	// v=3 is 2 above old, clipped prediction 1.2 has the smaller error, so
	// the unclipped error is kept; sample 4: v=2.5, old=2, ret=3: clipped
	// prediction 2.2 has the larger error and is flat in v.
	ValueLoss(d, v, old, ret, clip)
	if d[2] == 0 || d[4] != 0 {
		t.Errorf("value clipping regions: gradients %v", d)
	}
}

func TestNormalizeAndExplainedVariance(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	NormalizeInPlace(x)
	// mean 2.5, sample sd √(5/3)
	sd := math.Sqrt(5.0/3) + 1e-8
	for i, v := range x {
		want := (float64(i+1) - 2.5) / sd
		if math.Abs(v-want) > 1e-12 {
			t.Errorf("x[%d] = %v, want %v", i, v, want)
		}
	}
	ret := []float64{1, 2, 3, 4}
	if ev := ExplainedVariance(ret, ret); ev != 1 {
		t.Errorf("perfect prediction: ev %v", ev)
	}
	// residuals {1,-1,1,-1}: var 1; var(ret) 1.25
	pred := []float64{0, 3, 2, 5}
	if ev := ExplainedVariance(pred, ret); math.Abs(ev-(1-1/1.25)) > 1e-12 {
		t.Errorf("ev %v, want %v", ev, 1-1/1.25)
	}
	if ev := ExplainedVariance(pred, []float64{2, 2, 2, 2}); !math.IsNaN(ev) {
		t.Errorf("constant targets: ev %v, want NaN", ev)
	}
}
