package pg

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/policy"
)

// TestCreditUpdatesByHand runs the batch of TestOneUpdateByHand (up, right
// into the goal; right into the pit; α = 0.1, γ = 0.5, B = 2) and then a
// batch of one rollout (up, right) under the per-state baseline, with both
// credit assignments, and checks θ and b against values worked out by hand.
//
// Batch 1, return-to-go: the start's step of rollout 1 has G_0 = 0.5, the
// corner's G_1 = 1; whole return: both steps get R = G_0 = 0.5. Rollout 2
// (one step) has −1 either way. So, with b = 0 in the first batch,
//
//	togo:   θ[start] = 0.05·(0.5·(e_up−¼) − (e_right−¼)) = (0.03125, −0.04375, 0.00625, 0.00625)
//	        θ[corner] = 0.05·1·(e_right−¼)               = (−0.0125, 0.0375, −0.0125, −0.0125)
//	return: θ[start] the same; θ[corner] = 0.05·0.5·(e_right−¼) = (−0.00625, 0.01875, −0.00625, −0.00625)
//
// and the running means of the weights (κ = 0.1): b[start] = 0.05, then
// 0.05 + 0.1·(−1 − 0.05) = −0.055 for both; b[corner] = 0.1 (togo) or 0.05
// (return).
//
// Batch 2 (B = 1, the same moves): the start's weight minus its baseline
// is 0.5 + 0.055 = 0.555 for both; the corner's is 1 − 0.1 = 0.9 (togo) or
// 0.5 − 0.05 = 0.45 (return), so θ moves by 0.1·adv·(e_a − π(·|s, θ1)).
func TestCreditUpdatesByHand(t *testing.T) {
	softmax := func(th []float64) []float64 {
		var z float64
		for _, x := range th {
			z += math.Exp(x)
		}
		p := make([]float64, len(th))
		for i, x := range th {
			p[i] = math.Exp(x) / z
		}
		return p
	}
	for _, tc := range []struct {
		credit           Credit
		corner1          []float64
		bCorner          float64
		advStart, advCor float64
	}{
		{CreditToGo, []float64{-0.0125, 0.0375, -0.0125, -0.0125}, 0.1, 0.555, 0.9},
		{CreditReturn, []float64{-0.00625, 0.01875, -0.00625, -0.00625}, 0.05, 0.555, 0.45},
	} {
		w := tiny(t)
		p := policy.NewSoftmax(4, 4)
		src := &script{u: []float64{uUp, uRight, uRight, uUp, uRight}}
		cfg := Config{LR: 0.1, Gamma: 0.5, Batch: 2, Baseline: BaselineState, Credit: tc.credit}
		tr, err := NewGridTrainer(w, p, cfg, rand.New(src))
		if err != nil {
			t.Fatal(err)
		}
		if e := tr.Rollout(); e.Outcome != env.Goal || len(e.Actions) != 2 {
			t.Fatalf("%v: rollout 1: %+v", tc.credit, e)
		}
		if e := tr.Rollout(); e.Outcome != env.Pit || !e.Updated {
			t.Fatalf("%v: rollout 2: %+v", tc.credit, e)
		}
		start1 := []float64{0.03125, -0.04375, 0.00625, 0.00625}
		near(t, tc.credit.String()+" θ1[start]", p.Row(2), start1)
		near(t, tc.credit.String()+" θ1[corner]", p.Row(0), tc.corner1)
		near(t, tc.credit.String()+" b", []float64{tr.Baseline(2), tr.Baseline(0)}, []float64{-0.055, tc.bCorner})

		cfg.Batch = 1
		if _, err := tr.SetConfig(cfg); err != nil {
			t.Fatal(err)
		}
		e := tr.Rollout()
		if e.Outcome != env.Goal || len(e.Actions) != 2 || e.Actions[0] != env.Up || e.Actions[1] != env.Right || !e.Updated {
			t.Fatalf("%v: batch 2 rollout: %+v", tc.credit, e)
		}
		for _, st := range []struct {
			s, a  int
			theta []float64
			adv   float64
		}{{2, 0, start1, tc.advStart}, {0, 1, tc.corner1, tc.advCor}} {
			pi := softmax(st.theta)
			want := make([]float64, 4)
			for j := range 4 {
				onehot := 0.0
				if j == st.a {
					onehot = 1
				}
				want[j] = st.theta[j] + 0.1*st.adv*(onehot-pi[j])
			}
			near(t, tc.credit.String()+" θ2", p.Row(st.s), want)
		}
	}
}

// With one-step rollouts (a step cap of 1) the weight of the only step is
// G_0 under both credits, so they give the same bits; on the default
// world, where rollouts are longer, they must differ.
func TestCreditsDifferOnlyOnLongerRollouts(t *testing.T) {
	run := func(c Credit, oneStep bool) []float64 {
		cfg := env.DefaultGrid()
		if oneStep {
			cfg.MaxSteps = 1
		}
		w, err := env.NewGridWorld(cfg)
		if err != nil {
			t.Fatal(err)
		}
		p := policy.NewSoftmax(w.NumStates(), 4)
		tr, err := NewGridTrainer(w, p, Config{LR: 0.5, Gamma: 0.9, Batch: 4, Baseline: BaselineState, Credit: c}, rand.New(rand.NewPCG(3, 4)))
		if err != nil {
			t.Fatal(err)
		}
		tr.Train(200, nil)
		return append([]float64(nil), p.Theta...)
	}
	a, b := run(CreditToGo, true), run(CreditReturn, true)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("one-step rollouts: θ[%d] = %v (togo) vs %v (return); want the same bits", i, a[i], b[i])
		}
	}
	a, b = run(CreditToGo, false), run(CreditReturn, false)
	same := true
	for i := range a {
		same = same && a[i] == b[i]
	}
	if same {
		t.Fatal("the default world: both credits gave the same θ; the setting is not reaching the update")
	}
}

// TestBothCreditsLearnTheDefaultWorld trains the default settings with
// each credit assignment on the seed's world from ten seeds: every run's
// greedy path reaches the goal after 2,000 rollouts, and the last 400
// rollouts succeed at least 90% of the time. (Measured at writing: the
// worst seed's rate was 0.995 for togo and 0.9925 for return.)
func TestBothCreditsLearnTheDefaultWorld(t *testing.T) {
	for _, c := range []Credit{CreditToGo, CreditReturn} {
		for seed := uint64(1); seed <= 10; seed++ {
			w, _ := env.NewGridWorld(env.DefaultGrid())
			p := policy.NewSoftmax(9, 4)
			tr, err := NewGridTrainer(w, p, Config{LR: 0.5, Gamma: 0.9, Batch: 4, Baseline: BaselineState, Credit: c}, rand.New(rand.NewPCG(seed, 99)))
			if err != nil {
				t.Fatal(err)
			}
			tr.Train(1600, nil)
			goals := 0
			for range 400 {
				if tr.Rollout().Outcome == env.Goal {
					goals++
				}
			}
			if rate := float64(goals) / 400; rate < 0.9 {
				t.Errorf("%v seed %d: success %.3f over rollouts 1601–2000, want ≥ 0.9", c, seed, rate)
			}
			if _, end := GreedyPath(nil, w, p); end != env.Goal {
				t.Errorf("%v seed %d: the greedy path ends %v, want the goal", c, seed, end)
			}
		}
	}
}

func TestParseCredit(t *testing.T) {
	for name, want := range map[string]Credit{"": CreditToGo, "togo": CreditToGo, "return": CreditReturn} {
		if c, err := ParseCredit(name); err != nil || c != want {
			t.Errorf("ParseCredit(%q) = %v, %v; want %v", name, c, err, want)
		}
	}
	_, err := ParseCredit("whole")
	var se *SettingError
	if !errors.As(err, &se) || se.Name != "credit" || !errors.Is(err, ErrSetting) {
		t.Errorf("ParseCredit(whole): %v; want a SettingError naming credit", err)
	}
	if err := (Config{LR: 1, Gamma: 1, Batch: 1, Credit: 5}).Validate(); !errors.As(err, &se) || se.Name != "credit" {
		t.Errorf("Validate with Credit 5: %v; want a SettingError naming credit", err)
	}
	if CreditReturn.String() != "return" || CreditToGo.String() != "togo" {
		t.Errorf("names: %v %v", CreditToGo, CreditReturn)
	}
}
