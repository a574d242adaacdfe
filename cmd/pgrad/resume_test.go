package main

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/pg/deep"
)

func agentParams(t *testing.T, dir string) []float64 {
	t.Helper()
	a, err := deep.Load(filepath.Join(dir, checkpointFile))
	if err != nil {
		t.Fatal(err)
	}
	var p []float64
	for _, g := range a.Policy.Params() {
		p = append(p, g...)
	}
	return append(p, a.Value.Net().Params()...)
}

// A run killed after a periodic save (-save-every 1; the process ends at
// the n-th write point of internal/rundir, as kill -9 would, some saves in)
// and continued with 'pgrad train -resume DIR' in a new process ends with
// exactly the parameters, bit for bit, and the same metrics as the same run
// never stopped: PPO on CartPole and on Pendulum.
func TestResumeAfterKillIsExact(t *testing.T) {
	if testing.Short() {
		t.Skip("trains in child processes (8 s idle, minutes under -race); skipped with -short, make test runs it without -race")
	}
	for _, c := range []struct {
		env   string
		steps string
		crash []int
	}{{"cartpole", "3584", []int{9, 18}}, {"pendulum", "8192", []int{10}}} {
		base := []string{"train", c.env, "-steps", c.steps, "-seed", "4", "-eval", "3", "-quiet"}
		ref := filepath.Join(t.TempDir(), "ref")
		if st, _, errOut := pgradBinary(t, append(base, "-out", ref)...); st != 0 {
			t.Fatalf("%s reference: exit %d: %s", c.env, st, errOut)
		}
		want := agentParams(t, ref)
		wantCSV, _ := os.ReadFile(filepath.Join(ref, metricsFile))
		for _, n := range c.crash {
			dir := filepath.Join(t.TempDir(), "run")
			cmd := exec.Command(os.Args[0], append(base, "-out", dir, "-save-every", "1")...)
			cmd.Env = append(os.Environ(), "PGRAD_AS_MAIN=1", "PGRAD_CRASH_AT="+strconv.Itoa(n))
			out, _ := cmd.CombinedOutput()
			t.Logf("%s: %s", c.env, strings.TrimSpace(string(out)))
			if cmd.ProcessState.ExitCode() != 3 {
				t.Fatalf("%s crash at %d: exit %d: %s", c.env, n, cmd.ProcessState.ExitCode(), out)
			}
			if _, err := os.Stat(filepath.Join(dir, checkpointFile)); err != nil {
				t.Fatalf("%s crash at %d (%s): no checkpoint yet", c.env, n, out)
			}
			st, stdout, errOut := pgradBinary(t, "train", "-resume", dir, "-quiet", "-json")
			if st != 0 {
				t.Fatalf("%s resume after crash at %d: exit %d: %s", c.env, n, st, errOut)
			}
			if !strings.Contains(stdout, `"steps":`+c.steps) {
				t.Errorf("%s: resumed summary %s", c.env, stdout)
			}
			if got := agentParams(t, dir); !slices.Equal(got, want) {
				t.Errorf("%s killed at write %d and resumed: parameters differ from the uninterrupted run's", c.env, n)
			}
			// The metrics agree but for the last column, steps per second.
			gotCSV, _ := os.ReadFile(filepath.Join(dir, metricsFile))
			if dropRate(string(gotCSV)) != dropRate(string(wantCSV)) {
				t.Errorf("%s: metrics differ:\n%s\nwant\n%s", c.env, gotCSV, wantCSV)
			}
		}
	}
}

func dropRate(csv string) string {
	var b strings.Builder
	for _, l := range strings.Split(csv, "\n") {
		if i := strings.LastIndexByte(l, ','); i >= 0 {
			l = l[:i]
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

// -resume takes no flag but -steps, -quiet and -json; -steps raises the
// budget and the run continues to it; a finished run resumes too.
func TestResumeFlags(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, errOut := runCLI("train", "cartpole", "-steps", "1024", "-out", dir, "-eval", "0", "-quiet"); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := runCLI("train", "-resume", dir, "-lr", "0.1"); code != 2 || !strings.Contains(errOut, "-lr") {
		t.Errorf("-resume with -lr: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI("train", "pendulum", "-resume", dir); code != 2 || !strings.Contains(errOut, "cartpole") {
		t.Errorf("-resume of a cartpole run as pendulum: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCLI("train", "-resume", filepath.Join(dir, "nothing")); code != 2 {
		t.Errorf("-resume of nothing: exit %d", code)
	}
	code, out, errOut := runCLI("train", "-resume", dir, "-steps", "2048", "-quiet", "-json")
	if code != 0 || !strings.Contains(out, `"steps":2048`) {
		t.Errorf("-resume -steps 2048: exit %d, %s %s", code, out, errOut)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, metricsFile))
	if rows := strings.Count(strings.TrimSpace(string(csv)), "\n"); rows != 4 {
		t.Errorf("metrics.csv has %d rows after the raised budget, want 4:\n%s", rows, csv)
	}
	// The rate counts the steps this command trained, and says so (before,
	// the whole run's steps over the resumed part's time).
	var sum struct {
		Steps          int     `json:"steps"`
		WallSeconds    float64 `json:"wall_seconds"`
		StepsPerSecond float64 `json:"steps_per_second"`
		ResumedAtSteps int     `json:"resumed_at_steps"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	trained := float64(sum.Steps - sum.ResumedAtSteps)
	// wall_seconds is rounded to 1 ms and steps_per_second to 1.
	if slack := 0.0005*sum.StepsPerSecond + 0.5*sum.WallSeconds + 1; sum.ResumedAtSteps != 1024 || math.Abs(sum.StepsPerSecond*sum.WallSeconds-trained) > slack {
		t.Errorf("resumed summary: %+v; want resumed_at_steps 1024 and steps_per_second × wall_seconds ≈ %v", sum, trained)
	}
	if code, out, errOut := runCLI("train", "-resume", dir, "-steps", "3072", "-quiet"); code != 0 || !strings.Contains(out, "steps/s) for the 1024 steps since the resume at step 2048\n") {
		t.Errorf("-resume -steps 3072: exit %d, %s %s", code, out, errOut)
	}
}

// brokenTask is CartPole until its copy's step 300, where Step panics.
// Its state is in exported fields, so that a checkpoint can hold it.
type brokenTask struct {
	*control.CartPole
	N int
}

func (b *brokenTask) Step(a, obs []float64) (float64, bool, bool) {
	if b.N++; b.N == 301 {
		panic("the simulator broke")
	}
	return b.CartPole.Step(a, obs)
}

// A task that breaks during pgrad train: exit 1, one line naming the task
// and the step, and -out keeps a checkpoint of the last good update (the
// periodic saves are not lost): exactly the parameters of the same run
// stopped before the bad iteration.
func TestControlBrokenEnvKeepsCheckpoint(t *testing.T) {
	mk := func() control.Env { return &brokenTask{CartPole: control.NewCartPole()} }
	if err := deep.Register("test-broken", mk); err != nil {
		t.Fatal(err)
	}
	trainers["test-broken"] = command{run: func(args []string, stdout, stderr io.Writer) int {
		return runControl("test-broken", args, stdout, stderr)
	}}
	defer delete(trainers, "test-broken")
	dir := filepath.Join(t.TempDir(), "run")
	code, _, errOut := runCLI("train", "test-broken", "-steps", "4096", "-envs", "4", "-rollout", "64", "-save-every", "1",
		"-out", dir, "-eval", "0", "-quiet")
	if code != 1 || !strings.Contains(errOut, `"test-broken"`) || !strings.Contains(errOut, "panicked near step 1200") ||
		strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	cfg, _ := deep.Defaults("test-broken", deep.PPO)
	cfg.TotalSteps, cfg.Envs, cfg.Steps = 4096, 4, 64
	tr, err := deep.New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 4 { // copy steps 0–255; the 5th iteration breaks at copy step 300
		if _, err := tr.Iterate(); err != nil {
			t.Fatal(err)
		}
	}
	var want []float64
	for _, g := range tr.Agent().Policy.Params() {
		want = append(want, g...)
	}
	want = append(want, tr.Agent().Value.Net().Params()...)
	if got := agentParams(t, dir); !slices.Equal(got, want) {
		t.Error("the checkpoint does not hold the last good update's parameters")
	}
	sum, err := os.ReadFile(filepath.Join(dir, summaryFile))
	if err != nil || !strings.Contains(string(sum), `"stopped": "env-error"`) {
		t.Errorf("summary %s (%v)", sum, err)
	}
}
