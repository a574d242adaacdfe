package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
	"github.com/pgrad/pgrad/pg"
)

func TestBenchBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "pong"},
		{"bench", "gridworld", "-nope"},
		{"bench", "gridworld", "extra"},
		{"bench", "gridworld", "-rollouts", "0"},
		{"bench", "gridworld", "-rollouts", "-5"},
		{"bench", "gridworld", "-benchtime", "-1s"},
		{"bench", "gridworld", "-benchtime", "soon"},
		{"bench", "gridworld", "-runs", "0"},
		{"bench", "gridworld", "-rollouts", "1000000", "-runs", "1000"},
		{"bench", "gridworld", "-lr", "NaN"},
		{"bench", "gridworld", "-lr", "0"},
		{"bench", "gridworld", "-batch", "-1"},
		{"bench", "gridworld", "-gamma", "1.5"},
		{"bench", "gridworld", "-baseline", "median"},
		{"bench", "field", "-entropy", "-1"},
		{"bench", "field", "-lr", "Inf"},
		{"bench", "cartpole", "-seeds", "1,x"},
		{"bench", "cartpole", "-seeds", ""},
		{"bench", "cartpole", "-seeds", "-1"},
		{"bench", "cartpole", "-stop-at", "NaN"},
	} {
		status, stdout, stderr := runCLI(args...)
		if status != 2 {
			t.Errorf("%q: status %d, want 2 (stderr %q)", args, status, stderr)
		}
		if stdout != "" {
			t.Errorf("%q: wrote %q to stdout, want nothing", args, stdout)
		}
		if n := strings.Count(stderr, "\n"); n != 1 || !strings.HasPrefix(stderr, "pgrad bench") {
			t.Errorf("%q: stderr %q, want one line starting with \"pgrad bench\"", args, stderr)
		}
		if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
			t.Errorf("%q: stderr looks like a crash: %q", args, stderr)
		}
	}
}

func TestBenchHelp(t *testing.T) {
	for _, target := range []string{"gridworld", "field", "cartpole"} {
		status, stdout, stderr := runCLI("bench", target, "-h")
		if status != 0 || stderr != "" {
			t.Errorf("%s -h: status %d, stderr %q; want 0 and nothing", target, status, stderr)
		}
		if !strings.Contains(stdout, "-json") || !strings.Contains(stdout, "default") {
			t.Errorf("%s -h does not list the flags with their defaults:\n%s", target, stdout)
		}
	}
	status, stdout, _ := runCLI("bench", "-h")
	if status != 0 || !strings.Contains(stdout, "cartpole") || !strings.Contains(stdout, "gridworld") {
		t.Errorf("bench -h: status %d, output %q; want 0 and the list of targets", status, stdout)
	}
}

// decodeStrict decodes one JSON object, refusing fields that t does not
// know, so that a renamed field fails the test instead of reading as zero.
func decodeStrict(t *testing.T, line string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("output %q is not the expected JSON: %v", line, err)
	}
}

func TestBenchGridJSON(t *testing.T) {
	status, stdout, stderr := runCLI("bench", "gridworld", "-rollouts", "40", "-benchtime", "1ns", "-seed", "7", "-json")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	var r tabularResult
	decodeStrict(t, stdout, &r)
	if r.Bench != "gridworld" || r.Impl != "pgrad" || r.Threads != 1 || r.GOMAXPROCS != runtime.GOMAXPROCS(0) {
		t.Errorf("bench %q impl %q threads %d gomaxprocs %d, want gridworld, pgrad, 1, %d", r.Bench, r.Impl, r.Threads, r.GOMAXPROCS, runtime.GOMAXPROCS(0))
	}
	// A benchtime shorter than any run still completes exactly one run.
	if r.Runs != 1 || r.RolloutsPerRun != 40 || r.Rollouts != 40 {
		t.Errorf("runs %d × %d = %d rollouts, want 1 × 40 = 40", r.Runs, r.RolloutsPerRun, r.Rollouts)
	}
	if !(r.Seconds > 0) || !(r.RolloutsPerSecond > 0) {
		t.Errorf("seconds %v, rate %v; want both positive", r.Seconds, r.RolloutsPerSecond)
	}
	if got := float64(r.Rollouts) / r.Seconds; got != r.RolloutsPerSecond {
		t.Errorf("rate %v is not rollouts/seconds = %v", r.RolloutsPerSecond, got)
	}
	if r.Settings != lab.DefaultSettings() {
		t.Errorf("settings %+v, want the defaults %+v", r.Settings, lab.DefaultSettings())
	}
	if r.GreedyReachesGoal == nil || *r.GreedyReachesGoal < 0 || *r.GreedyReachesGoal > 1 {
		t.Errorf("greedy_reaches_goal %v, want 0 or 1", r.GreedyReachesGoal)
	}
	if r.Constants["baseline_rate"] != pg.BaselineRate || r.Constants["step_cap"] != 36 {
		t.Errorf("constants %v, want baseline_rate %v and step_cap 36", r.Constants, pg.BaselineRate)
	}
	if r.SuccessRateMin != r.SuccessRateMean || r.SuccessRateMean < 0 || r.SuccessRateMean > 1 {
		t.Errorf("success rates mean %v min %v: with one run both are that run's, in [0, 1]", r.SuccessRateMean, r.SuccessRateMin)
	}

	// The settings flags reach the session.
	status, stdout, stderr = runCLI("bench", "gridworld", "-rollouts", "8", "-benchtime", "1ns", "-json",
		"-lr", "0.25", "-batch", "2", "-gamma", "0.95", "-baseline", "mean", "-entropy", "0.01")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	decodeStrict(t, stdout, &r)
	want := lab.Settings{LR: 0.25, Batch: 2, Gamma: 0.95, Baseline: "mean", Entropy: 0.01}
	if r.Settings != want {
		t.Errorf("settings %+v, want %+v", r.Settings, want)
	}
}

func TestBenchGridLearns(t *testing.T) {
	// Ten default runs of 2,000 rollouts: the figure the bench reports next
	// to its speed must show a policy that learned.
	status, stdout, stderr := runCLI("bench", "gridworld", "-rollouts", "2000", "-runs", "10", "-benchtime", "1ns", "-json")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	var r tabularResult
	decodeStrict(t, stdout, &r)
	if r.Runs != 10 || r.SuccessRateMean < 0.9 || *r.GreedyReachesGoal != r.Runs {
		t.Errorf("after 2,000 rollouts: success rate %v, greedy path at the goal in %d/%d runs", r.SuccessRateMean, *r.GreedyReachesGoal, r.Runs)
	}
}

func TestBenchFieldJSON(t *testing.T) {
	status, stdout, stderr := runCLI("bench", "field", "-rollouts", "16", "-benchtime", "1ns", "-json")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	var r tabularResult
	decodeStrict(t, stdout, &r)
	if r.Bench != "field" || r.Runs != 1 || r.Rollouts != 16 || !(r.RolloutsPerSecond > 0) {
		t.Errorf("got %+v, want one field run of 16 rollouts at a positive rate", r)
	}
	if r.Constants["min_log_sigma"] != pg.MinLogSigma || r.Constants["initial_sigma"] != lab.InitialSigma || len(r.Constants) != 5 {
		t.Errorf("constants %v", r.Constants)
	}
	if r.MuError == nil || !(*r.MuError >= 0) {
		t.Errorf("mu_error_max %v, want a distance", r.MuError)
	}
	if def := env.DefaultField(); r.Target == nil || *r.Target != def.Target || r.Width == nil || *r.Width != def.Width {
		t.Errorf("target %v width %v, want the default field's %v and %v", r.Target, r.Width, def.Target, def.Width)
	}
	if r.Settings != lab.DefaultFieldSettings() {
		t.Errorf("settings %+v, want the defaults %+v", r.Settings, lab.DefaultFieldSettings())
	}
}

func TestBenchTextOutput(t *testing.T) {
	status, stdout, stderr := runCLI("bench", "gridworld", "-rollouts", "8", "-benchtime", "1ns")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	if !strings.Contains(stdout, "rollouts/s") || !strings.Contains(stdout, "success rate") {
		t.Errorf("summary %q lacks the rate or the success rate", stdout)
	}
}

func TestBenchCartPoleJSON(t *testing.T) {
	// A random policy's episodes last about 20 steps, so a target of 5 is
	// met after the first iteration: 4 envs × 128 steps.
	status, stdout, stderr := runCLI("bench", "cartpole", "-seeds", "3,4", "-stop-at", "5", "-json")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one per seed:\n%s", len(lines), stdout)
	}
	for i, line := range lines {
		var r cartpoleResult
		decodeStrict(t, line, &r)
		if r.Seed != uint64(3+i) || r.Bench != "cartpole" || r.Impl != "pgrad" || r.StopAt != 5 {
			t.Errorf("line %d: %+v", i, r)
		}
		if !r.Reached || r.StepsToTarget == nil || *r.StepsToTarget != 512 || r.Steps != 512 {
			t.Errorf("seed %d: reached %v at %v steps (%d in all), want 512 and 512", r.Seed, r.Reached, r.StepsToTarget, r.Steps)
		}
		if r.SecondsToTarget == nil || !(*r.SecondsToTarget > 0) || *r.SecondsToTarget > r.Seconds {
			t.Errorf("seed %d: seconds to target %v of %v", r.Seed, r.SecondsToTarget, r.Seconds)
		}
		if r.FinalMeanReturn < 5 || r.Threads < 1 {
			t.Errorf("seed %d: final mean %v, threads %d", r.Seed, r.FinalMeanReturn, r.Threads)
		}
	}
}

func TestParseSeeds(t *testing.T) {
	got, err := parseSeeds("1, 2,30")
	if err != nil || len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 30 {
		t.Errorf("parseSeeds(\"1, 2,30\") = %v, %v", got, err)
	}
	for _, bad := range []string{"", "1,", "a", "1;2", "-3", "1.5"} {
		if _, err := parseSeeds(bad); err == nil {
			t.Errorf("parseSeeds(%q) accepted it", bad)
		}
	}
}

func TestBenchCartPoleMatchesTrain(t *testing.T) {
	if testing.Short() {
		t.Skip("two PPO runs to a mean return of 150; skipped with -short (make test runs it without -race)")
	}
	// The bench and "pgrad train cartpole -preset cleanrl" must time the
	// same run: same seed, same steps to the target, same returns.
	status, stdout, stderr := runCLI("bench", "cartpole", "-seeds", "2", "-stop-at", "150", "-json")
	if status != 0 {
		t.Fatalf("bench: status %d, stderr %q", status, stderr)
	}
	var b cartpoleResult
	decodeStrict(t, stdout, &b)
	status, stdout, stderr = runCLI("train", "cartpole", "-preset", "cleanrl", "-seed", "2", "-stop-at", "150", "-eval", "0", "-json")
	if status != 0 {
		t.Fatalf("train: status %d, stderr %q", status, stderr)
	}
	var tr struct {
		Steps           int     `json:"steps"`
		FinalMeanReturn float64 `json:"final_mean_return"`
	}
	if err := json.Unmarshal([]byte(stdout), &tr); err != nil {
		t.Fatalf("train -json printed %q: %v", stdout, err)
	}
	if !b.Reached || b.StepsToTarget == nil || *b.StepsToTarget != tr.Steps || b.FinalMeanReturn != tr.FinalMeanReturn {
		t.Errorf("bench reached %v after %v steps with mean %v; train stopped after %d steps with mean %v",
			b.Reached, b.StepsToTarget, b.FinalMeanReturn, tr.Steps, tr.FinalMeanReturn)
	}
	if tr.Steps <= 512 || tr.FinalMeanReturn < 150 {
		t.Errorf("train stopped after %d steps with mean %v: the target of 150 should take more than one iteration", tr.Steps, tr.FinalMeanReturn)
	}
}
