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

// normalPolicy is a softmax policy on 9 states with θ standard normal.
func normalPolicy(r *rand.Rand) *policy.Softmax {
	p := policy.NewSoftmax(9, 4)
	for i := range p.Theta {
		p.Theta[i] = r.NormFloat64()
	}
	return p
}

// bandDistance is how far r lies outside [1−ε, 1+ε] (0 inside).
func bandDistance(r, eps float64) float64 { return max(0, r-(1+eps), (1-eps)-r) }

// epochRatios runs epochs full-batch steps θ += lr·∇L (β = 0) from p's θ
// and returns each sample's ratio after each epoch (ratios[k][i], k = 0 …
// epochs) and θ after each epoch.
func epochRatios(p *policy.Softmax, batch []Sample, rollouts, epochs int, eps, lr float64, clip bool) (ratios, thetas [][]float64) {
	q := &policy.Softmax{States: p.States, Actions: p.Actions, Theta: append([]float64(nil), p.Theta...)}
	g := make([]float64, len(q.Theta))
	for k := 0; ; k++ {
		row := make([]float64, len(batch))
		for i, x := range batch {
			row[i] = math.Exp(q.LogProb(int(x.State), int(x.Action)) - x.LogPOld)
		}
		ratios = append(ratios, row)
		thetas = append(thetas, append([]float64(nil), q.Theta...))
		if k == epochs {
			return ratios, thetas
		}
		Surrogate(g, q, batch, rollouts, eps, 0, clip)
		for i := range q.Theta {
			q.Theta[i] += lr * g[i]
		}
	}
}

// TestPPORatiosHeldWhenACellHasOneAction: what the clip does bound. When
// every sample of a cell took the same move (one visit per cell is the
// common case), all of them share one ratio, and a step can only move it
// toward the side the cell's active advantages favour (softmax: raising
// θ[s][a] against the rest of the row raises π(a|s) for any step size).
// Past its favoured edge a sample is flat, so
//
//   - if the cell's advantages share one sign, the first epoch that takes
//     the ratio past the edge is the last that moves it: the ratio ends
//     inside the band, or outside by at most that epoch's change, and never
//     past the other edge;
//   - with advantages of both signs, a ratio past one edge is pushed back
//     by the samples of the other sign: after every epoch its distance from
//     the band is at most the largest one-epoch change of that ratio so far.
//
// Checked over 20 random batches at α = 5, ε = 0.2, 50 epochs (exactly:
// frozen means the same bits). The plain objective, run the same way,
// leaves the band far behind, which is what the clip is for.
func TestPPORatiosHeldWhenACellHasOneAction(t *testing.T) {
	const eps, lr, epochs = 0.2, 5.0, 50
	r := rand.New(rand.NewPCG(8, 1))
	crossed, mixedOut := 0, 0
	for trial := range 20 {
		p := normalPolicy(r)
		var batch []Sample
		oneSign := make([]bool, 9)
		for s := range 9 {
			a := env.Action(r.IntN(4))
			oneSign[s] = s%2 == 0
			sign := 1.0
			if r.IntN(2) == 0 {
				sign = -1
			}
			for range 1 + r.IntN(3) {
				adv := r.NormFloat64()
				if oneSign[s] {
					adv = sign * (0.1 + math.Abs(adv))
				}
				batch = append(batch, sampleAt(p, s, a, 1, adv))
			}
		}
		ratios, _ := epochRatios(p, batch, 4, epochs, eps, lr, true)
		for i, x := range batch {
			s := int(x.State)
			var largest float64 // largest one-epoch change so far
			left := -1          // first epoch outside the band
			for k := 1; k <= epochs; k++ {
				rk := ratios[k][i]
				largest = max(largest, math.Abs(rk-ratios[k-1][i]))
				if d := bandDistance(rk, eps); d > largest+1e-12 {
					t.Errorf("trial %d sample %d epoch %d: ratio %v is %v outside the band, more than any one epoch's change (%v)", trial, i, k, rk, d, largest)
				}
				if left < 0 && bandDistance(rk, eps) > 0 {
					left = k
					if oneSign[s] {
						crossed++
					} else {
						mixedOut++
					}
				}
				if !oneSign[s] || left < 0 {
					continue
				}
				if x.Adv > 0 && rk < 1-eps || x.Adv < 0 && rk > 1+eps {
					t.Errorf("trial %d sample %d: Â = %v but the ratio reached %v, past the unfavoured edge", trial, i, x.Adv, rk)
				}
				if rk != ratios[left][i] {
					t.Errorf("trial %d sample %d: ratio crossed to %v at epoch %d but moved on to %v at %d", trial, i, ratios[left][i], left, rk, k)
				}
			}
		}
		plain, _ := epochRatios(p, batch, 4, epochs, eps, lr, false)
		var worst float64
		for _, x := range plain[epochs] {
			worst = max(worst, bandDistance(x, eps))
		}
		if worst < 2*eps {
			t.Errorf("trial %d: the plain objective kept every ratio within %v of the band; the test shows nothing", trial, worst)
		}
	}
	if crossed == 0 || mixedOut == 0 {
		t.Errorf("ratios that left the band: %d in one-sign cells, %d in mixed cells; the test shows nothing", crossed, mixedOut)
	}
}

// TestPPOClippedSampleMovesOnlyWithItsCell: what holds in general. The
// gradient of a cell's row comes from that cell's samples only, and a flat
// sample adds nothing, so a row whose samples are all flat does not move
// (exactly), and a flat sample's ratio changes only while another sample
// of its cell is active: with several moves in a cell, that is how a
// clipped ratio travels far outside the band (Wang et al. 2019 describe the
// same through shared parameters). Random batches of 2 to 5 samples a cell
// with random moves and advantages, α = 5, ε = 0.2, 30 epochs, β = 0.
func TestPPOClippedSampleMovesOnlyWithItsCell(t *testing.T) {
	const eps, lr, epochs = 0.2, 5.0, 30
	r := rand.New(rand.NewPCG(3, 9))
	frozen, dragged := 0, 0
	for trial := range 20 {
		p := normalPolicy(r)
		var batch []Sample
		for s := range 9 {
			for range 2 + r.IntN(4) {
				batch = append(batch, sampleAt(p, s, env.Action(r.IntN(4)), 1, r.NormFloat64()))
			}
		}
		ratios, thetas := epochRatios(p, batch, 4, epochs, eps, lr, true)
		flat := func(k, i int) bool {
			x, rk := batch[i], ratios[k][i]
			return x.Adv > 0 && rk > 1+eps || x.Adv < 0 && rk < 1-eps
		}
		for k := range epochs {
			for s := range 9 {
				allFlat := true
				for i, x := range batch {
					if int(x.State) == s && !flat(k, i) {
						allFlat = false
					}
				}
				moved := false
				for j := s * 4; j < s*4+4; j++ {
					moved = moved || thetas[k+1][j] != thetas[k][j]
				}
				if allFlat && moved {
					t.Errorf("trial %d epoch %d: every sample of cell %d is flat but its row moved", trial, k, s)
				}
				if allFlat {
					frozen++
				}
			}
			for i := range batch {
				if flat(k, i) && ratios[k+1][i] != ratios[k][i] {
					dragged++
				}
			}
		}
	}
	if frozen == 0 || dragged == 0 {
		t.Errorf("%d frozen rows, %d flat samples moved by their cell; the test shows nothing", frozen, dragged)
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

// TestPPOClipDoesNotBoundSharedStatesBelow is the mirror image: a move
// with Â < 0 is flat once its ratio drops under 1−ε, and a better move of
// the same cell (Â > 0) goes on taking probability from it until its own
// ratio passes 1+ε. π_old = (0.1, 0.6, 0.15, 0.15), Â = −1 for up and
// +0.3 for right.
func TestPPOClipDoesNotBoundSharedStatesBelow(t *testing.T) {
	const eps = 0.2
	p := policy.NewSoftmax(1, 4)
	for i, q := range []float64{0.1, 0.6, 0.15, 0.15} {
		p.Theta[i] = math.Log(q)
	}
	batch := []Sample{sampleAt(p, 0, 0, 1, -1), sampleAt(p, 0, 1, 1, 0.3)}
	g := make([]float64, 4)
	crossed := 0.0
	for range 400 {
		st := Surrogate(g, p, batch, 1, eps, 0, true)
		if crossed == 0 && st.MinRatio < 1-eps {
			crossed = st.MinRatio
		}
		for i := range p.Theta {
			p.Theta[i] += 0.05 * g[i]
		}
	}
	up := math.Exp(p.LogProb(0, 0) - math.Log(0.1))
	right := math.Exp(p.LogProb(0, 1) - math.Log(0.6))
	if !(right > 1+eps && up < crossed-0.05) {
		t.Errorf("up's ratio %v (first under the edge at %v), right's %v: the coupling did not show", up, crossed, right)
	}
	t.Logf("up's ratio crossed 1−ε at %.4f and ended at %.4f; right's ended at %.4f", crossed, up, right)
}
