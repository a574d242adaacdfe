package exact

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/pg"
	"github.com/pgrad/pgrad/policy"
)

// worlds are the layouts the tests run on: the seed's world, one with a
// wall, a step reward and a short cap (so that many rollouts are cut), and
// a 4×4 world with two pits.
func worlds(t *testing.T) map[string]*env.GridWorld {
	t.Helper()
	cfgs := map[string]env.GridConfig{
		"default": env.DefaultGrid(),
		"walled": {Size: 3, Start: env.Cell{Row: 2, Col: 0}, Goal: env.Cell{Row: 0, Col: 2},
			Pits: []env.Cell{{Row: 1, Col: 2}}, Walls: []env.Cell{{Row: 1, Col: 1}}, MaxSteps: 6, StepReward: -0.05},
		"4x4": {Size: 4, Start: env.Cell{Row: 3, Col: 0}, Goal: env.Cell{Row: 0, Col: 3},
			Pits: []env.Cell{{Row: 1, Col: 1}, {Row: 2, Col: 3}}, MaxSteps: 12},
	}
	out := map[string]*env.GridWorld{}
	for name, c := range cfgs {
		w, err := env.NewGridWorld(c)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = w
	}
	return out
}

func randomTheta(p *policy.Softmax, r *rand.Rand, scale float64) {
	for i := range p.Theta {
		p.Theta[i] = scale * r.NormFloat64()
	}
}

// TestHandComputed checks J and V on the 2×2 world by hand: start (1,0),
// goal (0,1), pit (1,1), uniform policy, γ = 0.5, cap 2. With one move
// left, (0,0) is worth ¼ (right enters the goal) and the start −¼ (right
// enters the pit). With two, the start is worth ¼·(0.5·¼) + ¼·(−1) +
// 2·¼·(0.5·(−¼)) = −0.28125.
func TestHandComputed(t *testing.T) {
	w, err := env.NewGridWorld(env.GridConfig{Size: 2, Start: env.Cell{Row: 1, Col: 0}, Goal: env.Cell{Row: 0, Col: 1}, Pits: []env.Cell{{Row: 1, Col: 1}}, MaxSteps: 2})
	if err != nil {
		t.Fatal(err)
	}
	e := New(w, 0.5)
	e.Compute(w, policy.NewSoftmax(4, 4))
	for _, c := range []struct {
		k, s int
		want float64
	}{{1, 0, 0.25}, {1, 2, -0.25}, {2, 2, -0.28125}, {2, 1, 0}, {2, 3, 0}} {
		if got := e.Value(c.k, c.s); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("V_%d(%d) = %v, want %v", c.k, c.s, got, c.want)
		}
	}
	if e.J != -0.28125 {
		t.Errorf("J = %v, want −0.28125", e.J)
	}
	// d_1: up leads to (0,0), down and left stay at the start, right ends.
	if d := e.Occupancy[4:8]; d[0] != 0.25 || d[2] != 0.5 || d[1] != 0 || d[3] != 0 {
		t.Errorf("d_1 = %v, want [0.25 0 0.5 0]", d)
	}
}

// TestGradMatchesFiniteDifference compares ∇J by the policy-gradient
// theorem with the central difference of the exact J, h = 1e-5, to 1e-7
// of the gradient's largest entry, at random θ on every world, γ 0.9 and 1.
func TestGradMatchesFiniteDifference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for name, w := range worlds(t) {
		for _, gamma := range []float64{0.9, 1} {
			for trial := range 3 {
				p := policy.NewSoftmax(w.NumStates(), 4)
				randomTheta(p, r, 1.5)
				e := New(w, gamma)
				e.Compute(w, p)
				g := make([]float64, len(p.Theta))
				e.Grad(g)
				var top float64
				for _, x := range g {
					top = max(top, math.Abs(x))
				}
				if top < 1e-4 {
					t.Fatalf("%s γ=%v: gradient %v is too small to test", name, gamma, top)
				}
				const h = 1e-5
				for i := range p.Theta {
					th := p.Theta[i]
					p.Theta[i] = th + h
					e.Compute(w, p)
					jp := e.J
					p.Theta[i] = th - h
					e.Compute(w, p)
					jm := e.J
					p.Theta[i] = th
					fd := (jp - jm) / (2 * h)
					if d := math.Abs(fd - g[i]); d > 1e-7*top {
						t.Errorf("%s γ=%v trial %d θ[%d]: ∇J %.12g, finite difference %.12g (|Δ| = %.2g of %.2g)", name, gamma, trial, i, g[i], fd, d, top)
					}
				}
			}
		}
	}
}

// meanSE accumulates per-entry means and variances (Welford).
type meanSE struct {
	n        int
	mean, m2 []float64
	nonzero  []int
}

func (m *meanSE) add(x []float64) {
	if m.mean == nil {
		m.mean, m.m2, m.nonzero = make([]float64, len(x)), make([]float64, len(x)), make([]int, len(x))
	}
	m.n++
	for i, v := range x {
		if v != 0 {
			m.nonzero[i]++
		}
		d := v - m.mean[i]
		m.mean[i] += d / float64(m.n)
		m.m2[i] += d * (v - m.mean[i])
	}
}

func (m *meanSE) se(i int) float64 {
	return math.Sqrt(m.m2[i]/float64(m.n-1)) / math.Sqrt(float64(m.n))
}

// TestEstimatorUnbiased draws N = 20,000 estimates of pg.GridTrainer (one
// rollout each, the baselines moving between them as in training) at three
// random θ per world, for every baseline (one θ with a return offset c = 2,
// one with an entropy bonus), and checks that each entry's mean
// is within 4 standard errors of EstimatorMean, which with γ = 1 is ∇J;
// at the first θ also with every step weighted by the whole return
// (pg.CreditReturn), whose mean is ∇J at any γ.
// With γ = 0.9 it also checks that the test can tell the estimator's mean
// from ∇J on the seed's world: the two differ by more than 8 standard
// errors somewhere. The standard error is estimated from the samples, which
// the central limit theorem makes trustworthy only for an entry that many
// estimates touch: entries of cells fewer than 300 of the 20,000 rollouts
// visit are skipped (and counted; at most a third may be).
func TestEstimatorUnbiased(t *testing.T) {
	const N = 20000
	r := rand.New(rand.NewPCG(11, 3))
	ws := worlds(t)
	for _, name := range []string{"default", "walled", "4x4"} {
		w := ws[name]
		for _, gamma := range []float64{1, 0.9} {
			for trial := range 3 {
				p := policy.NewSoftmax(w.NumStates(), 4)
				randomTheta(p, r, 0.7)
				beta, offset := 0.0, 0.0
				switch trial {
				case 1:
					offset = 2 // a return offset leaves the mean where it was
				case 2:
					beta = 0.3
				}
				e := New(w, gamma)
				e.Compute(w, p)
				want := make([]float64, len(p.Theta))
				e.EstimatorMean(want, false, beta)
				grad := make([]float64, len(p.Theta))
				e.Grad(grad)
				if gamma == 1 && beta == 0 {
					for i := range grad {
						if math.Abs(grad[i]-want[i]) > 1e-12 {
							t.Fatalf("%s: with γ = 1, ∇J[%d] = %v but the estimator's mean is %v", name, i, grad[i], want[i])
						}
					}
				}
				wantWhole := make([]float64, len(p.Theta))
				e.EstimatorMean(wantWhole, true, beta)
				for _, b := range []pg.Baseline{pg.BaselineNone, pg.BaselineMean, pg.BaselineState} {
					for _, credit := range []pg.Credit{pg.CreditToGo, pg.CreditReturn} {
						if credit == pg.CreditReturn && (trial != 0 || b == pg.BaselineMean) {
							continue
						}
						want := want
						if credit == pg.CreditReturn {
							want = wantWhole
						}
						q := &policy.Softmax{States: p.States, Actions: 4, Theta: append([]float64(nil), p.Theta...)}
						tr, err := pg.NewGridTrainer(w, q, pg.Config{LR: 1, Gamma: gamma, Batch: 1, Baseline: b, Credit: credit, Entropy: beta, Offset: offset}, r)
						if err != nil {
							t.Fatal(err)
						}
						est := make([]float64, len(p.Theta))
						var m meanSE
						for range N {
							tr.Estimate(est, 1)
							m.add(est)
						}
						worst, apart := 0.0, 0.0
						skipped, live := 0, 0
						for i := range want {
							if m.nonzero[i] > 0 || want[i] != 0 {
								live++
							}
							if n := m.nonzero[i]; n < 300 && (n > 0 || want[i] != 0) {
								skipped++
								continue
							}
							se := m.se(i)
							if se == 0 {
								if math.Abs(m.mean[i]-want[i]) > 1e-12 {
									t.Errorf("%s γ=%v %v θ[%d]: every estimate is %v, exact %v", name, gamma, b, i, m.mean[i], want[i])
								}
								continue
							}
							z := math.Abs(m.mean[i]-want[i]) / se
							worst = max(worst, z)
							apart = max(apart, math.Abs(m.mean[i]-grad[i])/se)
							if z > 4 {
								t.Errorf("%s γ=%v β=%v %v θ[%d]: mean %.6f, exact %.6f, %.1f standard errors apart", name, gamma, beta, b, i, m.mean[i], want[i], z)
							}
						}
						if name == "default" && gamma < 1 && beta == 0 && credit == pg.CreditToGo && apart < 8 {
							t.Errorf("%s γ=%v %v: the sampled mean is within %.1f SE of ∇J too; the test cannot tell them apart", name, gamma, b, apart)
						}
						if skipped > live/3 {
							t.Errorf("%s γ=%v %v: %d of %d entries are too rarely sampled to test", name, gamma, b, skipped, live)
						}
						t.Logf("%s γ=%v β=%v %-5v %-6v trial %d: largest |mean − exact| = %.2f SE (%d of %d entries skipped as rare)", name, gamma, beta, b, credit, trial, worst, skipped, live)
					}
				}
			}
		}
	}
}

// TestJMatchesMonteCarlo compares the exact J with the mean discounted
// return G_0 of 20,000 sampled rollouts (no update happens: the batch is
// larger than the run), within 4 standard errors.
func TestJMatchesMonteCarlo(t *testing.T) {
	const N = 20000
	r := rand.New(rand.NewPCG(5, 9))
	for name, w := range worlds(t) {
		for _, gamma := range []float64{0.9, 1} {
			p := policy.NewSoftmax(w.NumStates(), 4)
			randomTheta(p, r, 1)
			e := New(w, gamma)
			e.Compute(w, p)
			tr, err := pg.NewGridTrainer(w, p, pg.Config{LR: 1, Gamma: gamma, Batch: pg.MaxBatch}, r)
			if err != nil {
				t.Fatal(err)
			}
			var sum, sum2 float64
			for range N {
				ep := tr.Rollout()
				g := 0.0
				for i := len(ep.Rewards) - 1; i >= 0; i-- {
					g = ep.Rewards[i] + gamma*g
				}
				if gamma == 1 && math.Abs(g-ep.Return) > 1e-12 {
					t.Fatalf("G_0 %v ≠ Return %v with γ = 1", g, ep.Return)
				}
				sum += g
				sum2 += g * g
			}
			mean := sum / N
			se := math.Sqrt((sum2/N-mean*mean)/(N-1)) + 1e-300
			if z := math.Abs(mean-e.J) / se; z > 4 {
				t.Errorf("%s γ=%v: Monte Carlo %.5f, exact J %.5f: %.1f SE apart", name, gamma, mean, e.J, z)
			} else {
				t.Logf("%s γ=%v: Monte Carlo %.5f ± %.5f, exact J %.5f", name, gamma, mean, se, e.J)
			}
		}
	}
}

// TestValues checks the uncapped linear solve: V^π satisfies its Bellman
// equation to 1e-12, V = Σ_a π Q, and the capped V_T approaches it as the
// cap grows (within γ^T·max|r|/(1−γ)).
func TestValues(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for name, base := range worlds(t) {
		for _, gamma := range []float64{0.9, 1} {
			c := base.Config()
			c.MaxSteps = 600
			if gamma == 1 {
				c.MaxSteps = 20000
			}
			w, err := env.NewGridWorld(c)
			if err != nil {
				t.Fatal(err)
			}
			p := policy.NewSoftmax(w.NumStates(), 4)
			randomTheta(p, r, 1)
			v := make([]float64, w.NumStates())
			q := make([]float64, 4*w.NumStates())
			if err := Values(v, q, w, p, gamma); err != nil {
				t.Fatal(err)
			}
			var pr [4]float64
			e := New(w, gamma)
			e.Compute(w, p)
			for s := range v {
				if w.Wall(s) || w.Terminal(s) != env.Running {
					if v[s] != 0 {
						t.Errorf("%s: V(%d) = %v for a wall or an end", name, s, v[s])
					}
					continue
				}
				p.Probs(pr[:], s)
				var bell, vq float64
				for a := range 4 {
					nx, rew, _ := w.Move(s, env.Action(a))
					bell += pr[a] * (rew + gamma*v[nx])
					vq += pr[a] * q[s*4+a]
				}
				if math.Abs(bell-v[s]) > 1e-12 || math.Abs(vq-v[s]) > 1e-12 {
					t.Errorf("%s γ=%v s=%d: V %v, Bellman %v, Σ π Q %v", name, gamma, s, v[s], bell, vq)
				}
				tol := 1e-9
				if gamma < 1 {
					tol = max(math.Pow(gamma, 600)*2/(1-gamma), 1e-12)
				}
				if d := math.Abs(e.Value(e.Steps, s) - v[s]); d > tol {
					t.Errorf("%s γ=%v s=%d: capped V_T %v vs uncapped %v", name, gamma, s, e.Value(e.Steps, s), v[s])
				}
			}
		}
	}
}

func ExampleEval() {
	w, _ := env.NewGridWorld(env.DefaultGrid())
	e := New(w, 0.9)
	e.Compute(w, policy.NewSoftmax(w.NumStates(), 4)) // the uniform policy
	g := make([]float64, 4*w.NumStates())
	e.Grad(g)
	s := w.Start()
	fmt.Printf("J = %.4f, ∂J/∂θ[start] = %.4f\n", e.J, g[4*s:4*s+4])
	// Output: J = -0.4204, ∂J/∂θ[start] = [-0.0264 -0.0264 0.0264 0.0264]
}
