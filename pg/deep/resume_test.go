package deep

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// paramsOf returns every parameter of the agent, the policy's groups then
// the value network's.
func paramsOf(a *Agent) []float64 {
	var p []float64
	for _, g := range a.Policy.Params() {
		p = append(p, g...)
	}
	return append(p, a.Value.Net().Params()...)
}

// A run stopped after any iteration and resumed from its checkpoint's
// bytes (a new Trainer, nothing shared) ends with exactly the parameters,
// bit for bit, and the same statistics as the run never stopped: PPO on
// CartPole and on Pendulum, A2C on CartPole.
func TestResumeIsExact(t *testing.T) {
	for _, c := range []struct{ env, algo string }{{"cartpole", PPO}, {"pendulum", PPO}, {"cartpole", A2C}, {"pendulum", "ppo+norm"}} {
		cfg := short(c.env)
		if c.algo == "ppo+norm" {
			// Every option whose state crosses iterations.
			cfg.NormObs, cfg.NormReward, cfg.TargetKL, cfg.Anneal, cfg.LRSchedule = true, true, 0.002, false, "cosine"
		} else if c.algo != PPO {
			cfg, _ = Defaults(c.env, c.algo)
			cfg.TotalSteps = cfg.Envs * cfg.Steps * 6
		}
		ref, err := New(cfg, 21)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for range ref.Iterations() {
			s, err := ref.Iterate()
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, fmt.Sprintf("%#v", s))
		}
		for _, stopAt := range []int{0, 1, ref.Iterations() - 1} {
			tr, _ := New(cfg, 21)
			var got []string
			for range stopAt {
				s, err := tr.Iterate()
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, fmt.Sprintf("%#v", s))
			}
			data, err := tr.Checkpoint([]byte(`{"note":1}`))
			if err != nil {
				t.Fatal(err)
			}
			tr2, extra, err := Resume("mem", data)
			if err != nil {
				t.Fatal(err)
			}
			if string(extra) != `{"note":1}` {
				t.Errorf("extra %q", extra)
			}
			for tr2.Iteration() < tr2.Iterations() {
				s, err := tr2.Iterate()
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, fmt.Sprintf("%#v", s))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s stopped after %d: statistics differ from the uninterrupted run", c.env, c.algo, stopAt)
			}
			if !slices.Equal(paramsOf(tr2.Agent()), paramsOf(ref.Agent())) {
				t.Errorf("%s %s stopped after %d: parameters differ from the uninterrupted run", c.env, c.algo, stopAt)
			}
			if _, err := tr2.Iterate(); !errors.Is(err, ErrBudget) {
				t.Errorf("resumed run past its budget: %v", err)
			}
		}
	}
}

// A finished agent's checkpoint has no run state; a damaged run state is
// an error, not a panic.
func TestResumeRejects(t *testing.T) {
	tr, _ := New(short("cartpole"), 1)
	tr.Iterate()
	a, _ := tr.Agent().Encode()
	if _, _, err := Resume("agent", a); err == nil {
		t.Error("Resume accepted a checkpoint without run state")
	}
	data, _ := tr.Checkpoint(nil)
	if _, _, err := Resume("cut", data[:len(data)-9]); err == nil {
		t.Error("Resume accepted a truncated checkpoint")
	}
	if err := tr.SetTotalSteps(100); err == nil {
		t.Error("a budget below the steps taken was accepted")
	}
	if err := tr.SetTotalSteps(tr.Budget() * 2); err != nil || tr.Iterations() != 10 {
		t.Errorf("SetTotalSteps: %v, %d iterations", err, tr.Iterations())
	}
}
