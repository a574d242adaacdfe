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

// TestTrainGridLearnerFlags: a flag of another learner is refused with one
// line naming it and exit 2 (before, -algo ac ignored -baseline, -credit and
// -entropy, and reinforce ignored -lambda and the rest); the help marks
// each such flag with its learners; a flag of the learner in use is taken.
func TestTrainGridLearnerFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-algo", "ac", "-baseline", "none"},
		{"-algo", "ac", "-credit", "return"},
		{"-algo", "ppo", "-entropy", "0.1"},
		{"-algo", "reinforce", "-lambda", "0"},
		{"-critic-lr", "0.2"},
		{"-algo", "ac", "-clip", "0.1"},
		{"-algo", "ac", "-epochs", "2"},
		{"-epochs", "2", "-algo", "reinforce"},
	} {
		name := ""
		for _, a := range args {
			if strings.HasPrefix(a, "-") && a != "-algo" {
				name = a
			}
		}
		code, out, errOut := runCLI(append([]string{"train", "gridworld", "-rollouts", "10"}, args...)...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, name+" applies to -algo ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line saying %s applies to another learner", args, code, out, errOut, name)
		}
	}
	for _, args := range [][]string{
		{"-algo", "reinforce", "-baseline", "none", "-credit", "return", "-entropy", "0.01"},
		{"-algo", "ac", "-lambda", "0", "-critic-lr", "0.3"},
		{"-algo", "ppo", "-lambda", "0.5", "-clip", "0.1", "-epochs", "2"},
	} {
		if code, _, errOut := runCLI(append([]string{"train", "gridworld", "-rollouts", "10"}, args...)...); code != 0 {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	// The table of an ac run shows no REINFORCE setting it does not use.
	if _, out, _ := runCLI("train", "gridworld", "-algo", "ac", "-rollouts", "10"); !strings.Contains(out, "settings       lr 0.5  batch 4  gamma 0.9  (advantages from the critic)\n") {
		t.Errorf("ac table:\n%s", out)
	}
	_, help, _ := runCLI("train", "gridworld", "-h")
	for _, want := range []string{"reinforce: subtracted from the return", "reinforce: weight of each move", "reinforce: entropy bonus", "ac, ppo: GAE", "ac, ppo: the critic's step", "ppo: the clip", "ppo: epochs", "are refused with the others"} {
		if !strings.Contains(help, want) {
			t.Errorf("-h does not say %q", want)
		}
	}
}
