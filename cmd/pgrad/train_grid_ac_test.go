package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

// TestTrainGridACReproducesTheCompare: each command the critic widget's
// compare run prints, run here, ends with the success rate the compare
// computed for that learner and seed.
func TestTrainGridACReproducesTheCompare(t *testing.T) {
	cm, err := lab.NewCompare(env.DefaultGrid(), lab.DefaultCriticSettings())
	if err != nil {
		t.Fatal(err)
	}
	for !cm.Step(10000) {
	}
	for a := range lab.CompareAlgos {
		for _, seed := range []int{2, 7} {
			cmd := cm.Command(a, seed)
			args := strings.Fields(strings.TrimPrefix(cmd, "pgrad "))
			code, out, errOut := runCLI(append(args, "-json")...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", cmd, code, errOut)
			}
			var res struct {
				SuccessRate float64 `json:"success_rate"`
				Rollouts    int     `json:"rollouts"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if want := cm.Success(a, seed-1); res.SuccessRate != want || res.Rollouts != lab.CompareRollouts {
				t.Errorf("%s: success %v after %d rollouts, the compare run says %v", cmd, res.SuccessRate, res.Rollouts, want)
			}
		}
	}
}

// TestTrainGridPPO: PPO with its defaults learns the seed's world (every
// one of the last 100 rollouts of seed 1 reaches the goal) and says so in
// the table; bad PPO settings name their flag and exit 2.
func TestTrainGridPPO(t *testing.T) {
	code, out, errOut := runCLI("train", "gridworld", "-algo", "ppo", "-rollouts", "1500", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		SuccessRate float64 `json:"success_rate"`
		GreedyEnd   string  `json:"greedy_end"`
		Algo        string  `json:"algo"`
		Critic      struct {
			Clip   float64 `json:"clip"`
			Epochs int     `json:"epochs"`
		} `json:"critic"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.SuccessRate < 0.95 || res.GreedyEnd != "goal" || res.Algo != "ppo" || res.Critic.Clip != 0.2 || res.Critic.Epochs != 4 {
		t.Errorf("%+v", res)
	}
	if code, out, _ := runCLI("train", "gridworld", "-algo", "ac", "-rollouts", "10"); code != 0 || !strings.Contains(out, "learner        ac") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	for flag, args := range map[string][]string{
		"-algo":      {"-algo", "dqn"},
		"-clip":      {"-algo", "ppo", "-clip", "1.5"},
		"-epochs":    {"-algo", "ppo", "-epochs", "0"},
		"-lambda":    {"-algo", "ac", "-lambda", "-1"},
		"-critic-lr": {"-algo", "ac", "-critic-lr", "0"},
		"-lr":        {"-algo", "ac", "-lr", "0"},
	} {
		code, _, errOut := runCLI(append([]string{"train", "gridworld"}, args...)...)
		if code != 2 || !strings.Contains(errOut, flag+":") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
}
