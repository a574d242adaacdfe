package control

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func cartPoleEnv() Env { return NewCartPole() }

func TestVecAutoReset(t *testing.T) {
	const n = 3
	v := NewVec(cartPoleEnv, n, 42)
	obs := make([]float64, n*4)
	v.Reset(obs)
	final := make([]float64, n*4)
	rew := make([]float64, n)
	term, trunc := make([]bool, n), make([]bool, n)
	acts := make([]float64, n)
	// Copy 0 always pushes right (falls soon), copies 1 and 2 alternate.
	steps := make([]int, n)
	var ends int
	for step := 0; step < 400 && ends < 5; step++ {
		for i := range acts {
			acts[i] = float64((step + i) % 2)
			if i == 0 {
				acts[i] = 1
			}
		}
		// Predict each copy's next state from its current one.
		var pred [n][4]float64
		for i := 0; i < n; i++ {
			pred[i] = cartPoleRef(v.Env(i).(*CartPole).State, int(acts[i]))
		}
		v.Step(acts, obs, rew, term, trunc, final)
		for i := 0; i < n; i++ {
			steps[i]++
			f := final[i*4 : i*4+4]
			o := obs[i*4 : i*4+4]
			for k := range f {
				if math.Abs(f[k]-pred[i][k]) > 1e-12 {
					t.Fatalf("step %d copy %d: finalObs %v, want %v", step, i, f, pred[i])
				}
			}
			if term[i] || trunc[i] {
				ends++
				for k := range o {
					if o[k] < -0.05 || o[k] >= 0.05 || o[k] == f[k] {
						t.Fatalf("copy %d after its end: obs %v is not a fresh reset (final %v)", i, o, f)
					}
				}
				if v.Env(i).(*CartPole).Steps != 0 {
					t.Fatal("copy not reset")
				}
				eps := v.Finished()
				found := false
				for _, e := range eps {
					if e.Env == i {
						found = true
						if e.Length != steps[i] || e.Return != float64(steps[i]) {
							t.Fatalf("episode %+v, want length and return %d", e, steps[i])
						}
					}
				}
				if !found {
					t.Fatalf("copy %d ended but no episode was recorded", i)
				}
				steps[i] = 0
			} else {
				for k := range o {
					if o[k] != f[k] {
						t.Fatalf("copy %d running: obs %v but finalObs %v", i, o, f)
					}
				}
			}
		}
	}
	if ends < 5 {
		t.Fatalf("only %d episodes ended", ends)
	}
}

func TestVecTruncationRecorded(t *testing.T) {
	v := NewVec(func() Env { return NewPendulum() }, 2, 1)
	obs := make([]float64, 6)
	v.Reset(obs)
	rew, term, trunc := make([]float64, 2), make([]bool, 2), make([]bool, 2)
	var all []Episode
	total := [2]float64{}
	for step := 1; step <= 2*PendulumMaxSteps; step++ {
		v.Step([]float64{0.3, -0.3}, obs, rew, term, trunc, nil)
		total[0] += rew[0]
		total[1] += rew[1]
		if trunc[0] != (step%PendulumMaxSteps == 0) || term[0] {
			t.Fatalf("step %d: trunc %v term %v", step, trunc[0], term[0])
		}
		all = v.DrainFinished(all)
	}
	if len(all) != 4 {
		t.Fatalf("%d episodes, want 4", len(all))
	}
	if all[0].Env != 0 || all[1].Env != 1 || all[0].Length != PendulumMaxSteps {
		t.Fatalf("episodes %+v", all)
	}
	if got := all[0].Return + all[2].Return; math.Abs(got-total[0]) > 1e-9 {
		t.Fatalf("returns of copy 0 sum to %g, rewards to %g", got, total[0])
	}
}

// TestVecWorkersSame checks that stepping on goroutines gives the same
// results as stepping in place.
func TestVecWorkersSame(t *testing.T) {
	const n = 8
	run := func(workers int) ([]float64, []Episode) {
		v := NewVec(cartPoleEnv, n, 5)
		v.SetWorkers(workers)
		defer v.Close()
		obs := make([]float64, n*4)
		v.Reset(obs)
		rew, term, trunc := make([]float64, n), make([]bool, n), make([]bool, n)
		acts := make([]float64, n)
		var eps []Episode
		var trace []float64
		for step := 0; step < 300; step++ {
			for i := range acts {
				acts[i] = float64((step*7 + i*3) % 2)
			}
			v.Step(acts, obs, rew, term, trunc, nil)
			trace = append(trace, obs...)
			eps = v.DrainFinished(eps)
		}
		return trace, eps
	}
	a, ea := run(1)
	b, eb := run(3)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("value %d differs: %g vs %g", i, a[i], b[i])
		}
	}
	if len(ea) != len(eb) || len(ea) == 0 {
		t.Fatalf("%d vs %d episodes", len(ea), len(eb))
	}
	for i := range ea {
		if ea[i] != eb[i] {
			t.Fatalf("episode %d: %+v vs %+v", i, ea[i], eb[i])
		}
	}
}

func TestVecSeeds(t *testing.T) {
	first := func(seed uint64) []float64 {
		v := NewVec(cartPoleEnv, 2, seed)
		obs := make([]float64, 8)
		v.Reset(obs)
		return obs
	}
	a, b, c := first(1), first(1), first(2)
	if a[0] != b[0] || a[0] == c[0] || a[0] == a[4] {
		t.Fatalf("seeding: %v %v %v", a, b, c)
	}
}

func TestVecCheckActions(t *testing.T) {
	v := NewVec(cartPoleEnv, 2, 1)
	if err := v.CheckActions([]float64{0, 1}); err != nil {
		t.Fatal(err)
	}
	if err := v.CheckActions([]float64{0, math.NaN()}); err == nil {
		t.Fatal("NaN action accepted")
	}
	if err := v.CheckActions([]float64{0}); err == nil {
		t.Fatal("short actions accepted")
	}
}

func TestVecStepAllocs(t *testing.T) {
	const n = 4
	v := NewVec(cartPoleEnv, n, 1)
	obs, final := make([]float64, n*4), make([]float64, n*4)
	v.Reset(obs)
	rew, term, trunc := make([]float64, n), make([]bool, n), make([]bool, n)
	acts := []float64{1, 1, 0, 1}
	for i := 0; i < 200; i++ { // let the finished list reach its working size
		v.Step(acts, obs, rew, term, trunc, final)
		v.Finished()
	}
	allocs := testing.AllocsPerRun(500, func() {
		v.Step(acts, obs, rew, term, trunc, final)
		v.Finished()
	})
	if allocs != 0 {
		t.Fatalf("%g allocations per step", allocs)
	}
}

func TestVecWorkersNoAllocs(t *testing.T) {
	const n = 8
	v := NewVec(cartPoleEnv, n, 1)
	v.SetWorkers(2)
	defer v.Close()
	obs := make([]float64, n*4)
	v.Reset(obs)
	rew, term, trunc := make([]float64, n), make([]bool, n), make([]bool, n)
	acts := make([]float64, n)
	for i := 0; i < 200; i++ {
		v.Step(acts, obs, rew, term, trunc, nil)
		v.Finished()
	}
	if a := testing.AllocsPerRun(200, func() {
		v.Step(acts, obs, rew, term, trunc, nil)
		v.Finished()
	}); a != 0 {
		t.Fatalf("%g allocations per step with helpers", a)
	}
	v.Close()
	v.Step(acts, obs, rew, term, trunc, nil) // still usable
}

// A Vec restored with SetState from State continues exactly as the
// original: same observations, rewards, ends and episode returns, for
// every task of the package, though the new Vec was seeded differently.
func TestVecStateRoundTrip(t *testing.T) {
	tasks := map[string]func() Env{
		"cartpole": func() Env { return NewCartPole() }, "pendulum": func() Env { return NewPendulum() },
		"acrobot": func() Env { return NewAcrobot() }, "mountaincar": func() Env { return NewMountainCarContinuous() },
	}
	for name, mk := range tasks {
		const n = 3
		v := NewVec(mk, n, 11)
		d, a := v.ObsDim(), v.ActLen()
		obs, final := make([]float64, n*d), make([]float64, n*d)
		rew, term, trunc := make([]float64, n), make([]bool, n), make([]bool, n)
		act := make([]float64, n*a)
		v.Reset(obs)
		step := func(v *Vec, k int) string {
			var b strings.Builder
			for s := range k {
				for i := range act {
					act[i] = float64((s + i) % 2)
				}
				v.Step(act, obs, rew, term, trunc, final)
				fmt.Fprint(&b, obs, rew, term, trunc, v.Finished())
			}
			return b.String()
		}
		step(v, 250)
		st, err := v.State()
		if err != nil {
			t.Fatal(err)
		}
		saved := append([]float64(nil), obs...)
		want := step(v, 600)
		w := NewVec(mk, n, 999)
		w.Reset(obs)
		if err := w.SetState(st); err != nil {
			t.Fatal(err)
		}
		copy(obs, saved)
		if got := step(w, 600); got != want {
			t.Errorf("%s: the restored Vec diverged", name)
		}
		if err := NewVec(mk, n+1, 1).SetState(st); err == nil {
			t.Errorf("%s: a state of %d copies fitted a Vec of %d", name, n, n+1)
		}
	}
}
