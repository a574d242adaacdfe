package pg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/policy"
)

// sampleAt returns a sample of action a in state s whose ratio under p is r.
func sampleAt(p *policy.Softmax, s int, a env.Action, r, adv float64) Sample {
	return Sample{State: int32(s), Action: a, LogPOld: p.LogProb(s, int(a)) - math.Log(r), Adv: adv}
}

// TestSurrogateGradientByRegion checks Surrogate's gradient against the
// central difference of its objective (h = 1e-6, to 1e-8) with a single
// sample in each of the six regions: Â > 0 or < 0, and r below 1−ε,
// inside, above 1+ε; and which regions count as clipped (flat, zero
// gradient): Â > 0 above 1+ε and Â < 0 below 1−ε. With clip false every
// region follows r·Â.
func TestSurrogateGradientByRegion(t *testing.T) {
	const eps = 0.2
	r := rand.New(rand.NewPCG(4, 4))
	for _, c := range []struct {
		ratio, adv float64
		flat       bool
	}{{0.6, 1.3, false}, {1.05, 1.3, false}, {1.5, 1.3, true}, {0.6, -0.7, true}, {0.95, -0.7, false}, {1.5, -0.7, false}} {
		for _, clip := range []bool{true, false} {
			for _, beta := range []float64{0, 0.1} {
				p := policy.NewSoftmax(4, 4)
				for i := range p.Theta {
					p.Theta[i] = r.NormFloat64()
				}
				batch := []Sample{sampleAt(p, 2, 1, c.ratio, c.adv)}
				g := make([]float64, 16)
				st := Surrogate(g, p, batch, 3, eps, beta, clip)
				if math.Abs(st.MaxRatio-c.ratio) > 1e-12 {
					t.Fatalf("ratio %v, want %v", st.MaxRatio, c.ratio)
				}
				wantFlat := clip && c.flat
				if (st.Clipped == 1) != wantFlat {
					t.Errorf("r=%v Â=%v clip=%v: clipped %d, want flat %v", c.ratio, c.adv, clip, st.Clipped, wantFlat)
				}
				fd := make([]float64, 16)
				scratch := make([]float64, 16)
				const h = 1e-6
				for i := range p.Theta {
					th := p.Theta[i]
					p.Theta[i] = th + h
					lp := Surrogate(scratch, p, batch, 3, eps, beta, clip).L
					p.Theta[i] = th - h
					lm := Surrogate(scratch, p, batch, 3, eps, beta, clip).L
					p.Theta[i] = th
					fd[i] = (lp - lm) / (2 * h)
					if math.Abs(fd[i]-g[i]) > 1e-8 {
						t.Errorf("r=%v Â=%v clip=%v β=%v θ[%d]: gradient %.10g, finite difference %.10g", c.ratio, c.adv, clip, beta, i, g[i], fd[i])
					}
				}
				if wantFlat && beta == 0 {
					for i, x := range g {
						if x != 0 {
							t.Errorf("r=%v Â=%v: flat region has gradient %v at %d", c.ratio, c.adv, x, i)
						}
					}
				}
			}
		}
	}
}

// TestPPORatiosHeldByTheClip runs 50 clipped epochs with a large step
// (α = 5, ε = 0.2) on batches where each state's samples share one action,
// as when every visit of a cell took the same move: every sample's ratio
// then ends inside [1−ε, 1+ε] or past the edge its advantage favours by no
// more than the step that crossed it (after which its state stops moving,
// exactly). The plain objective, run the same way, leaves the band far
// behind, which is what the clip is for.
func TestPPORatiosHeldByTheClip(t *testing.T) {
	const eps, lr, epochs = 0.2, 5.0, 50
	r := rand.New(rand.NewPCG(8, 1))
	for trial := range 20 {
		p := policy.NewSoftmax(9, 4)
		for i := range p.Theta {
			p.Theta[i] = r.NormFloat64()
		}
		var batch []Sample
		for s := range 9 {
			a := env.Action(r.IntN(4))
			adv := r.NormFloat64()
			for range 1 + r.IntN(3) {
				batch = append(batch, sampleAt(p, s, a, 1, adv))
			}
		}
		for _, clip := range []bool{true, false} {
			q := &policy.Softmax{States: 9, Actions: 4, Theta: append([]float64(nil), p.Theta...)}
			g := make([]float64, 36)
			ratios := make([][]float64, epochs+1) // ratio of each sample after each epoch
			ratio := func(x Sample) float64 { return math.Exp(q.LogProb(int(x.State), int(x.Action)) - x.LogPOld) }
			for k := 0; k <= epochs; k++ {
				for _, x := range batch {
					ratios[k] = append(ratios[k], ratio(x))
				}
				if k == epochs {
					break
				}
				Surrogate(g, q, batch, 4, eps, 0, clip)
				for i := range q.Theta {
					q.Theta[i] += lr * g[i]
				}
			}
			worst, crossedSamples := 0.0, 0
			for i, x := range batch {
				final := ratios[epochs][i]
				out := final > 1+eps || final < 1-eps
				worst = max(worst, math.Abs(final-1))
				if !clip || !out {
					continue
				}
				if x.Adv > 0 && final < 1-eps || x.Adv < 0 && final > 1+eps {
					t.Errorf("trial %d sample %d: Â = %v but the ratio ended at %v, past the unfavoured edge", trial, i, x.Adv, final)
					continue
				}
				crossedSamples++
				k := 1
				for k <= epochs && ratios[k][i] <= 1+eps && ratios[k][i] >= 1-eps {
					k++
				}
				if before := ratios[k-1][i]; before > 1+eps || before < 1-eps {
					t.Errorf("trial %d sample %d: ratio left the band before epoch %d", trial, i, k)
				}
				if math.Abs(final-ratios[k][i]) > 1e-12 {
					t.Errorf("trial %d sample %d: ratio crossed to %v at epoch %d but moved on to %v", trial, i, ratios[k][i], k, final)
				}
			}
			if clip && crossedSamples == 0 {
				t.Errorf("trial %d: no ratio left the band; the test shows nothing", trial)
			}
			if !clip && worst < 3*eps {
				t.Errorf("trial %d: the plain objective kept every ratio within %v of 1; the test shows nothing", trial, worst)
			}
		}
	}
}

// TestPPOClipDoesNotBoundSharedStates documents the limit of the clip:
// when two actions of one state have advantages of opposite signs, the one
// still inside the band keeps moving the state's row after the other has
// been clipped, so the clipped sample's ratio goes on growing. Here
// π_old = (0.1, 0.6, 0.15, 0.15), Â = +1 for up and −0.3 for right: up's
// ratio passes 1+ε first and keeps rising until right's falls below 1−ε
// (Engstrom et al. 2020 and Wang et al. 2019 report ratios outside the band
// in deep PPO too).
func TestPPOClipDoesNotBoundSharedStates(t *testing.T) {
	const eps = 0.2
	p := policy.NewSoftmax(1, 4)
	for i, q := range []float64{0.1, 0.6, 0.15, 0.15} {
		p.Theta[i] = math.Log(q)
	}
	batch := []Sample{sampleAt(p, 0, 0, 1, 1), sampleAt(p, 0, 1, 1, -0.3)}
	g := make([]float64, 4)
	var crossed float64
	for range 400 {
		st := Surrogate(g, p, batch, 1, eps, 0, true)
		if crossed == 0 && st.MaxRatio > 1+eps {
			crossed = st.MaxRatio
		}
		for i := range p.Theta {
			p.Theta[i] += 0.05 * g[i]
		}
	}
	up := math.Exp(p.LogProb(0, 0) - math.Log(0.1))
	right := math.Exp(p.LogProb(0, 1) - math.Log(0.6))
	if !(right < 1-eps && up > crossed+0.05) {
		t.Errorf("up's ratio %v (first past the edge at %v), right's %v: the coupling did not show", up, crossed, right)
	}
	t.Logf("up's ratio crossed 1+ε at %.4f and ended at %.4f; right's ended at %.4f", crossed, up, right)
}

// TestPPOUpdateIsACAtOneEpoch: with one epoch, the clip cannot act (every
// ratio is 1 at θ_old), so PPO's update is actor-critic's, bit for bit.
func TestPPOUpdateIsACAtOneEpoch(t *testing.T) {
	c := ACConfig{LR: 0.5, CriticLR: 0.5, Gamma: 0.9, Lambda: 0.9, Batch: 4, Entropy: 0.01, Clip: 0.2, Epochs: 1}
	w1, w2 := tiny(t), tiny(t)
	p1, p2 := policy.NewSoftmax(4, 4), policy.NewSoftmax(4, 4)
	a, _ := NewACTrainer(w1, p1, c, rand.New(rand.NewPCG(1, 2)))
	b, _ := NewPPOTrainer(w2, p2, c, rand.New(rand.NewPCG(1, 2)))
	for range 40 {
		a.Rollout()
		b.Rollout()
	}
	for i := range p1.Theta {
		if math.Abs(p1.Theta[i]-p2.Theta[i]) > 1e-12 {
			t.Errorf("θ[%d]: actor-critic %v, PPO %v", i, p1.Theta[i], p2.Theta[i])
		}
	}
	for s := range 4 {
		if a.Values()[s] != b.Values()[s] {
			t.Errorf("V(%d): %v vs %v", s, a.Values()[s], b.Values()[s])
		}
	}
}
