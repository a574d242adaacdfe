package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgrad/pgrad/internal/rundir"
	"github.com/pgrad/pgrad/pg/deep"
)

// runCLI runs pgrad in-process with args and returns its exit status and
// output: the helper every test of this package uses.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestControlBadInput(t *testing.T) {
	cases := [][]string{
		{"train", "cartpole", "-algo", "dqn"},
		{"train", "cartpole", "-algo=sarsa"},
		{"train", "cartpole", "-preset", "sb3"},
		{"train", "pendulum", "-preset", "cleanrl"},
		{"train", "cartpole", "-preset", "cleanrl", "-algo", "a2c"},
		{"train", "cartpole", "-steps", "0"},
		{"train", "cartpole", "-steps", "-5"},
		{"train", "cartpole", "-envs", "0"},
		{"train", "cartpole", "-lr", "NaN"},
		{"train", "pendulum", "-lr", "-1"},
		{"train", "cartpole", "-gamma", "1.5"},
		{"train", "cartpole", "-ent", "nan"},
		{"train", "cartpole", "-clip", "+Inf"},
		{"train", "cartpole", "-hidden", "64,x"},
		{"train", "cartpole", "-activation", "gelu"},
		{"train", "cartpole", "-stop-at", "NaN"},
		{"train", "cartpole", "-eval", "-1"},
		{"train", "cartpole", "-nosuchflag"},
		{"train", "cartpole", "-steps", "many"},
		{"train", "cartpole", "extra"},
		{"train", "nosuchenv"},
		{"eval"},
		{"eval", "/nonexistent/dir"},
		{"eval", "-episodes", "0", "x"},
		{"eval", "-episodes", "1000000000", "x"},
		{"train", "cartpole", "-eval", "1000000000"},
		{"eval", "-bogus"},
	}
	for _, args := range cases {
		code, out, errOut := runCLI(args...)
		lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
		if code != 2 || len(lines) != 1 || lines[0] == "" || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and one line on stderr", args, code, out, errOut)
		}
		if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine") {
			t.Errorf("%q: %s", args, errOut)
		}
	}
}

// TestControlErrorsNameTheFlag checks that a hyperparameter out of range is
// reported under the flag that sets it, not the name of the config field.
func TestControlErrorsNameTheFlag(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-rollout", "0"}, ": -rollout 0: must be positive"},
		{[]string{"-steps", "0"}, ": -steps 0: must be positive"},
		{[]string{"-steps", "10"}, ": -steps 10: fewer than one rollout"},
		{[]string{"-envs", "2000"}, ": -envs 2000: too large"},
		{[]string{"-envs", "1000", "-rollout", "1000"}, ": -envs 1000 × -rollout 1000: a rollout too large"},
		{[]string{"-minibatches", "100000"}, ": -minibatches 100000: more than the batch of"},
		{[]string{"-lr", "0"}, ": -lr 0: must be"},
		{[]string{"-ent", "-1"}, ": -ent -1: must be"},
		{[]string{"-vf", "0"}, ": -vf 0: must be"},
		{[]string{"-adam-eps", "0"}, ": -adam-eps 0: must be"},
		{[]string{"-max-grad-norm", "-1"}, ": -max-grad-norm -1: must be"},
		{[]string{"-log-std", "9"}, ": -log-std 9: must be"},
		{[]string{"-reward-scale", "0"}, ": -reward-scale 0: must be"},
		{[]string{"-hidden", "9999"}, ": -hidden 9999: too large"},
		{[]string{"-hidden", "1,1,1,1,1,1,1,1,1"}, ": -hidden 9 layers: too many"},
		{[]string{"-epochs", "0"}, ": -epochs 0: must be"},
		{[]string{"-gamma", "2"}, ": -gamma 2: must be"},
		{[]string{"-lambda", "2"}, ": -lambda 2: must be"},
		{[]string{"-clip", "0"}, ": -clip 0: must be"},
		{[]string{"-activation", "gelu"}, `: -activation "gelu": want tanh or relu`},
		{[]string{"-algo", "reinforce", "-lambda", "0.9"}, ": -lambda 0.9: must be 1 with REINFORCE"},
		{[]string{"-algo", "dqn"}, `: -algo "dqn": want reinforce, a2c or ppo`},
		{[]string{"-lr-schedule", "step"}, `: -lr-schedule "step": want constant, linear or cosine`},
		{[]string{"-lr-schedule", "cosine"}, `: -lr-schedule "cosine": conflicts with Anneal`},
		{[]string{"-target-kl", "-1"}, ": -target-kl -1: must be a number"},
	}
	for _, tc := range cases {
		code, _, errOut := runCLI(append([]string{"train", "pendulum"}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	// A directory that cannot be made is a run-time failure.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("train", "cartpole", "-out", filepath.Join(file, "dir"), "-quiet")
	if code != 1 || !strings.Contains(errOut, "-out: ") {
		t.Errorf("-out under a file: exit %d, stderr %q; want exit 1", code, errOut)
	}
}

func TestControlHelpListsEveryFlag(t *testing.T) {
	code, out, _ := runCLI("train", "pendulum", "-h")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, f := range []string{"-algo", "-steps", "-envs", "-rollout", "-gamma", "-lambda", "-lr", "-anneal", "-epochs", "-minibatches",
		"-clip", "-clip-value", "-ent", "-vf", "-max-grad-norm", "-hidden", "-log-std", "-reward-scale", "-no-trunc-bootstrap",
		"-stop-at", "-out", "-json", "-seed", "-preset", "(default 0.9)", "-lr-schedule", "-target-kl", "-norm-obs", "-norm-reward",
		"-save-every", "-resume"} {
		if !strings.Contains(out, f) {
			t.Errorf("help lacks %s", f)
		}
	}
}

func TestControlTrainOutAndEval(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errOut := runCLI("train", "cartpole", "-steps", "8192", "-seed", "3", "-out", dir, "-json", "-eval", "5", "-quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var s controlSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if s.Env != "cartpole" || s.Algo != "ppo" || s.Seed != 3 || s.Steps != 8192 || s.Episodes == 0 || s.EvalMean == nil ||
		s.EvalEpisodes != 5 || s.Stopped != "completed" || s.FinalMeanReturn == nil || s.StepsPerSecond <= 0 {
		t.Errorf("summary %+v", s)
	}
	// Milliseconds and whole steps per second, not the float noise of a division.
	if s.WallSeconds != math.Round(s.WallSeconds*1000)/1000 || s.StepsPerSecond != math.Round(s.StepsPerSecond) {
		t.Errorf("wall_seconds %v, steps_per_second %v: want milliseconds and an integer", s.WallSeconds, s.StepsPerSecond)
	}
	f, err := os.Open(filepath.Join(dir, metricsFile))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"step", "episodes", "mean_return", "policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "explained_variance", "steps_per_second"}
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	iters := 8192 / (cfg.Envs * cfg.Steps)
	if !reflect.DeepEqual(rows[0], want) || len(rows) != 1+iters {
		t.Errorf("metrics.csv: header %v, %d rows; want %v and %d rows", rows[0], len(rows)-1, want, iters)
	}
	if last := rows[len(rows)-1]; last[0] != "8192" {
		t.Errorf("last row at step %s, want 8192", last[0])
	}
	svg, err := os.ReadFile(filepath.Join(dir, curveFile))
	if err != nil || !bytes.HasPrefix(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("CartPole-v1")) {
		t.Errorf("curve.svg: %v %.80q", err, svg)
	}
	if _, err := os.Stat(filepath.Join(dir, summaryFile)); err != nil {
		t.Error(err)
	}

	code, out, errOut = runCLI("eval", dir, "-episodes", "7")
	if code != 0 || !strings.Contains(out, "±") || !strings.Contains(out, "7 deterministic episodes") {
		t.Errorf("eval: exit %d, %q %q", code, out, errOut)
	}
	// By default eval repeats the evaluation that ended the training: the
	// same seed, read from summary.json, and so the same returns.
	code, out, _ = runCLI("eval", dir, "-episodes", "5", "-json")
	var again evalSummary
	if code != 0 || json.Unmarshal([]byte(out), &again) != nil || again.Seed != s.EvalSeed || s.EvalSeed != 3+1_000_003 ||
		again.Mean != *s.EvalMean || again.Std != *s.EvalStd {
		t.Errorf("eval's default: exit %d, seed %d, %v ± %v; training evaluated seed %d: %v ± %v", code, again.Seed, again.Mean, again.Std, s.EvalSeed, *s.EvalMean, *s.EvalStd)
	}
	code, out, _ = runCLI("eval", dir, "-episodes", "5", "-seed", "9")
	if code != 0 || !strings.Contains(out, "seed 9)") {
		t.Errorf("eval -seed 9: exit %d, %q", code, out)
	}
	code, out, _ = runCLI("eval", "-episodes", "4", "-sample", "-json", filepath.Join(dir, checkpointFile))
	var e evalSummary
	if code != 0 || json.Unmarshal([]byte(out), &e) != nil || e.Episodes != 4 || len(e.Returns) != 4 || !e.Sample || e.Env != "cartpole" {
		t.Errorf("eval -json: exit %d, %q", code, out)
	}

	// A corrupt checkpoint is a clear error, exit 2.
	ck := filepath.Join(dir, checkpointFile)
	data, _ := os.ReadFile(ck)
	os.WriteFile(ck, data[:len(data)-9], 0o644)
	code, _, errOut = runCLI("eval", ck)
	if code != 2 || !strings.Contains(errOut, "truncated") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("truncated checkpoint: exit %d, %q", code, errOut)
	}
	// Read as a run directory, the summary says the file is not the one it
	// was written with.
	code, _, errOut = runCLI("eval", dir)
	if code != 2 || !strings.Contains(errOut, "does not match the summary") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("truncated checkpoint in its run directory: exit %d, %q", code, errOut)
	}
	os.WriteFile(ck, []byte("GIF89a not a checkpoint"), 0o644)
	code, _, errOut = runCLI("eval", ck)
	if code != 2 || !strings.Contains(errOut, "not a pgrad checkpoint") {
		t.Errorf("foreign checkpoint: exit %d, %q", code, errOut)
	}
}

func TestControlStopAtAndPreset(t *testing.T) {
	code, out, errOut := runCLI("train", "cartpole", "-preset", "cleanrl", "-stop-at", "40", "-json", "-eval", "0", "-quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var s controlSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Stopped != "stop-at" || s.FinalMeanReturn == nil || *s.FinalMeanReturn < 40 || s.Steps >= 500_000 || s.EvalMean != nil {
		t.Errorf("summary %+v", s)
	}
	if !reflect.DeepEqual(s.Config, deep.CleanRL()) {
		t.Errorf("-preset cleanrl ran %+v, want %+v", s.Config, deep.CleanRL())
	}
	// Flags given with the preset still override it.
	code, out, _ = runCLI("train", "cartpole", "-preset", "cleanrl", "-steps", "1024", "-lr", "1e-3", "-json", "-eval", "0", "-quiet")
	if code != 0 || json.Unmarshal([]byte(out), &s) != nil || s.Config.LR != 1e-3 || s.Config.TotalSteps != 1024 || s.Config.Envs != 4 {
		t.Errorf("override: exit %d, config %+v", code, s.Config)
	}
}

func TestControlInterruptSavesCheckpoint(t *testing.T) {
	old := interruptContext
	defer func() { interruptContext = old }()
	interruptContext = func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // as if Ctrl-C came before the first iteration ended
		return ctx, cancel
	}
	dir := t.TempDir()
	code, out, errOut := runCLI("train", "pendulum", "-out", dir, "-json", "-quiet")
	if code != exitInterrupted || !strings.Contains(errOut, "interrupted") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var s controlSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Stopped != "interrupted" || !s.Interrupted {
		t.Errorf("summary %q", out)
	}
	if _, err := deep.Load(filepath.Join(dir, checkpointFile)); err != nil {
		t.Errorf("checkpoint after interrupt: %v", err)
	}
	code, _, errOut = runCLI("train", "pendulum", "-quiet")
	if code != exitInterrupted || !strings.HasSuffix(errOut, "interrupted after 0 steps\n") {
		t.Errorf("without -out: exit %d, stderr %q; want no word of saving", code, errOut)
	}
}

func TestControlTextSummary(t *testing.T) {
	code, out, _ := runCLI("train", "pendulum", "-algo", "a2c", "-steps", "2000", "-eval", "3", "-quiet")
	if code != 0 || !strings.Contains(out, "Pendulum-v1") || !strings.Contains(out, "a2c") || !strings.Contains(out, "over 3 deterministic episodes") {
		t.Errorf("exit %d, %q", code, out)
	}
}

func TestControlDivergenceKeepsGoodCheckpoint(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI("train", "cartpole", "-reward-scale", "1e300", "-max-grad-norm", "0", "-anneal=false", "-steps", "20000", "-out", dir, "-quiet")
	if code != 1 || !strings.Contains(errOut, "diverged") {
		t.Fatalf("exit %d, stderr %q; want exit 1 and a divergence message", code, errOut)
	}
	// The first update already overflows: the message names it, and the
	// checkpoint that holds the parameters from before it.
	if !strings.Contains(errOut, "at iteration 1;") || !strings.Contains(errOut, filepath.Join(dir, checkpointFile)+" holds") {
		t.Errorf("stderr %q does not name iteration 1 and the checkpoint", errOut)
	}
	// The summary counts the episodes that the diverging iteration's
	// rollout finished, as its steps and mean return do.
	var sum controlSummary
	if b, err := os.ReadFile(filepath.Join(dir, summaryFile)); err != nil || json.Unmarshal(b, &sum) != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if sum.Stopped != "diverged" || sum.Steps == 0 || sum.Episodes == 0 || sum.FinalMeanReturn == nil {
		t.Errorf("summary after divergence: stopped %q, %d steps, %d episodes, mean return %v", sum.Stopped, sum.Steps, sum.Episodes, sum.FinalMeanReturn)
	}
	code, _, errOut = runCLI("train", "cartpole", "-reward-scale", "1e300", "-max-grad-norm", "0", "-anneal=false", "-steps", "20000", "-quiet")
	if code != 1 || !strings.Contains(errOut, "at iteration 1\n") || strings.Contains(errOut, "checkpoint") {
		t.Errorf("without -out: exit %d, stderr %q; want exit 1 and no word of a checkpoint", code, errOut)
	}
	a, err := deep.Load(filepath.Join(dir, checkpointFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range append(a.Policy.Params(), a.Value.Net().Params()) {
		for _, v := range g {
			if v != v || v > 1e308 || v < -1e308 {
				t.Fatalf("checkpoint holds a non-finite parameter %v", v)
			}
		}
	}
}

// TestSignal runs each long command in a child process (this test binary,
// re-executed), interrupts it with SIGINT once it is working, and checks
// issue 4's promise for all of them alike: exit status 130, the summary so
// far on stdout marked as interrupted, and the files it would write.
func TestSignal(t *testing.T) {
	if args := os.Getenv("PGRAD_SIGNAL_CHILD"); args != "" {
		// Tell the parent once the handler is installed: a signal before
		// it would kill the child the default way.
		old := interruptContext
		interruptContext = func() (context.Context, context.CancelFunc) {
			ctx, stop := old()
			os.WriteFile(os.Getenv("PGRAD_SIGNAL_READY"), nil, 0o644)
			return ctx, stop
		}
		os.Exit(run(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("needs Unix signals and subprocesses")
	}
	if testing.Short() {
		t.Skip("works in child processes until interrupted; skipped with -short (make test runs it without -race)")
	}
	ckptDir := filepath.Join(t.TempDir(), "agent")
	if code, _, errOut := runCLI("train", "cartpole", "-steps", "2048", "-out", ckptDir, "-eval", "0", "-quiet"); code != 0 {
		t.Fatalf("training the checkpoint to evaluate: exit %d, %s", code, errOut)
	}
	cases := []struct {
		name  string
		args  func(dir string) []string
		check func(t *testing.T, dir string, out map[string]any)
	}{
		{"train cartpole", func(dir string) []string {
			return []string{"train", "cartpole", "-steps", "1000000000", "-out", dir, "-json", "-quiet"}
		}, func(t *testing.T, dir string, out map[string]any) {
			if out["stopped"] != "interrupted" || out["steps"] == 0.0 {
				t.Errorf("summary %v", out)
			}
			if _, err := deep.Load(filepath.Join(dir, checkpointFile)); err != nil {
				t.Error(err)
			}
			for _, f := range []string{summaryFile, metricsFile, curveFile} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Error(err)
				}
			}
		}},
		{"train cartpole, then -resume", func(dir string) []string {
			return append([]string{"train"}, interruptedRun(dir)...)
		}, func(t *testing.T, dir string, out map[string]any) {
			// Ctrl-C at whatever moment the signal came, then -resume in a
			// new process: the parameters are those of the run never
			// stopped, bit for bit.
			if st, _, errOut := pgradBinary(t, "train", "-resume", dir, "-quiet"); st != 0 {
				t.Fatalf("-resume: exit %d: %s", st, errOut)
			}
			ref := filepath.Join(t.TempDir(), "ref")
			if code, _, errOut := runCLI(append([]string{"train"}, interruptedRun(ref)[:len(interruptedRun(ref))-1]...)...); code != 0 {
				t.Fatalf("reference: %s", errOut)
			}
			if !slices.Equal(agentParams(t, dir), agentParams(t, ref)) {
				t.Errorf("interrupted after %v steps and resumed: the parameters differ from the uninterrupted run's", out["steps"])
			}
		}},
		{"train gridworld", func(dir string) []string {
			return []string{"train", "gridworld", "-rollouts", "1000000000", "-json", "-csv", filepath.Join(dir, "curve.csv")}
		}, func(t *testing.T, dir string, out map[string]any) {
			if r, _ := out["rollouts"].(float64); r >= 1e9 {
				t.Errorf("rollouts %v: not cut short", r)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "curve.csv")); err != nil || !bytes.HasPrefix(b, []byte("rollouts,success_rate,mean_return\n")) {
				t.Errorf("curve.csv: %v %.60q", err, b)
			}
		}},
		{"train field", func(string) []string { return []string{"train", "field", "-rollouts", "1000000000", "-json"} }, nil},
		{"eval", func(string) []string { return []string{"eval", ckptDir, "-episodes", "1000000", "-json"} },
			func(t *testing.T, dir string, out map[string]any) {
				if n, _ := out["episodes"].(float64); n < 1 || n >= 1e6 {
					t.Errorf("episodes %v: want the ones finished before the signal", n)
				}
			}},
		{"bench gridworld", func(string) []string { return []string{"bench", "gridworld", "-benchtime", "1h", "-json"} }, nil},
		{"bench cartpole", func(string) []string {
			return []string{"bench", "cartpole", "-seeds", "1,2,3,4,5,6,7,8,9", "-stop-at", "1e9", "-json"}
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ready := filepath.Join(dir, "ready")
			cmd := exec.Command(os.Args[0], "-test.run=^TestSignal$")
			cmd.Env = append(os.Environ(), "PGRAD_SIGNAL_CHILD="+strings.Join(tc.args(dir), "\x1f"), "PGRAD_SIGNAL_READY="+ready)
			var stdout, stderr lockedBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var waitErr error
			exited := make(chan struct{})
			go func() { waitErr = cmd.Wait(); close(exited) }()
			// The child works for hours: whatever happens here, it must not
			// outlive the test.
			t.Cleanup(func() { cmd.Process.Kill(); <-exited })
			// A hang guard, not a speed limit: the child needs well under a second.
			const patience = 2 * time.Minute
			giveUp := time.After(patience)
			for {
				if _, err := os.Stat(ready); err == nil {
					break
				}
				select {
				case <-exited:
					t.Fatalf("the child ended before it was interrupted: %v, stderr %q", waitErr, stderr.String())
				case <-giveUp:
					t.Fatalf("the child did not start within %v; killing it (stderr %q)", patience, stderr.String())
				case <-time.After(20 * time.Millisecond):
				}
			}
			// Let it do some work first, so that there is a summary so far.
			time.Sleep(300 * time.Millisecond)
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			select {
			case <-exited:
			case <-time.After(patience):
				t.Fatalf("the child did not stop within %v of SIGINT; killing it (stderr %q)", patience, stderr.String())
			}
			var exit *exec.ExitError
			if !errors.As(waitErr, &exit) || exit.ExitCode() != exitInterrupted {
				t.Fatalf("exit %v, want status %d; stderr %q", waitErr, exitInterrupted, stderr.String())
			}
			if !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("stderr %q does not say it was interrupted", stderr.String())
			}
			// bench cartpole prints one object per seed; the last is the cut one.
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			var out map[string]any
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &out); err != nil || out["interrupted"] != true {
				t.Fatalf("stdout %q (%v): want a summary with \"interrupted\": true", stdout.String(), err)
			}
			if tc.check != nil {
				tc.check(t, dir, out)
			}
		})
	}
}

// -steps is the total budget; one that is not a whole number of rollouts
// runs the whole rollouts below it and says so, rather than silently.
func TestControlStepsNotWholeRollouts(t *testing.T) {
	code, out, errOut := runCLI("train", "cartpole", "-steps", "1000", "-eval", "0", "-quiet", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "-steps 1000 is not a whole number of rollouts of -envs 4 × -rollout 128; running 512 steps (1 rollouts)") {
		t.Errorf("stderr %q lacks the note", errOut)
	}
	if !strings.Contains(out, `"steps":512,`) {
		t.Errorf("summary %s, want steps 512", out)
	}
	// The default budget (300,000, not a multiple of 512) is not the user's doing: no note.
	code, _, errOut = runCLI("train", "cartpole", "-iters", "1", "-eval", "0", "-quiet")
	if code != 0 || strings.Contains(errOut, "whole number") {
		t.Errorf("default -steps: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI("train", "cartpole", "-steps", "1024", "-eval", "0", "-quiet")
	if code != 0 || strings.Contains(errOut, "whole number") {
		t.Errorf("-steps 1024: exit %d, stderr %q", code, errOut)
	}
}

// pgrad eval -obs prints Agent.Predict's action and the distribution for
// one observation: the same as the library gives for the checkpoint.
func TestEvalObsPredicts(t *testing.T) {
	for _, env := range []string{"cartpole", "pendulum"} {
		dir := filepath.Join(t.TempDir(), "run")
		if code, _, errOut := runCLI("train", env, "-steps", "4096", "-out", dir, "-eval", "0", "-quiet"); code != 0 {
			t.Fatalf("train: %s", errOut)
		}
		obs := map[string]string{"cartpole": "0.1,0,-0.05,0.2", "pendulum": "1,0,0.5"}[env]
		code, out, errOut := runCLI("eval", dir, "-obs", obs, "-json")
		if code != 0 {
			t.Fatalf("eval -obs: exit %d: %s", code, errOut)
		}
		var s predictSummary
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatal(err)
		}
		a, err := deep.Load(filepath.Join(dir, checkpointFile))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := a.Predict(s.Obs)
		if !reflect.DeepEqual(s.Action, want) || len(s.Probs)+len(s.Mean) == 0 {
			t.Errorf("%s: eval -obs %+v, Predict %v", env, s, want)
		}
		if code, _, _ := runCLI("eval", dir, "-obs", "1,2"); code != 2 {
			t.Errorf("%s: an observation of the wrong length: exit %d", env, code)
		}
		if code, _, _ := runCLI("eval", dir, "-obs", "NaN"+obs[strings.Index(obs, ","):]); code != 2 {
			t.Errorf("%s: NaN observation: exit %d", env, code)
		}
	}
}

// The practitioners' options reach the trainer from their flags: a run
// with -norm-obs -norm-reward -target-kl -lr-schedule cosine records them,
// its checkpoint holds the observation statistics, and eval uses them.
func TestControlNormalisationFlags(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errOut := runCLI("train", "pendulum", "-steps", "4096", "-norm-obs", "-norm-reward", "-target-kl", "0.01",
		"-anneal=false", "-lr-schedule", "cosine", "-out", dir, "-eval", "2", "-quiet", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"norm_obs":true`, `"norm_reward":true`, `"target_kl":0.01`, `"lr_schedule":"cosine"`} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %s: %s", want, out)
		}
	}
	a, err := deep.Load(filepath.Join(dir, checkpointFile))
	if err != nil {
		t.Fatal(err)
	}
	if a.ObsNorm == nil || a.ObsNorm.Count < 4096 {
		t.Errorf("checkpoint's observation statistics: %+v", a.ObsNorm)
	}
	if code, _, errOut := runCLI("eval", dir, "-episodes", "2", "-quiet"); code != 0 {
		t.Errorf("eval: exit %d: %s", code, errOut)
	}
}

// -eval-every keeps the agent of the best periodic evaluation as
// best.ckpt: it evaluates (same seed, same episodes) to the best mean the
// summary reports.
func TestControlEvalEveryKeepsBest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errOut := runCLI("train", "cartpole", "-steps", "8192", "-eval-every", "4", "-eval-every-episodes", "5",
		"-out", dir, "-eval", "0", "-quiet", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var s controlSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.BestEvalMean == nil || s.BestEvalIteration%4 != 0 {
		t.Fatalf("summary %s (%v)", out, err)
	}
	a, err := deep.Load(filepath.Join(dir, bestFile))
	if err != nil {
		t.Fatal(err)
	}
	rets, _ := a.Evaluate(5, false, s.EvalSeed)
	if m, _ := meanStd(rets); math.Abs(m-*s.BestEvalMean) > 1e-9 {
		t.Errorf("best.ckpt evaluates to %v, the summary says %v", m, *s.BestEvalMean)
	}
	if _, err := rundir.Open(dir); err != nil {
		t.Errorf("the run directory with best.ckpt does not open: %v", err)
	}
}

// interruptedRun is the run TestSignal interrupts and resumes: long
// enough to be running when the signal comes (small networks keep the
// remainder short), -json last.
func interruptedRun(dir string) []string {
	return []string{"cartpole", "-steps", "400000", "-hidden", "16,16", "-seed", "6", "-out", dir, "-eval", "0", "-quiet", "-json"}
}
