package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgrad/pgrad/internal/rundir"
	"github.com/pgrad/pgrad/sweep"
)

// sweepCLI runs pgrad in this process; the tasks' child processes are this
// test binary acting as pgrad (TestMain).
func sweepCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("PGRAD_AS_MAIN", "1")
	return runCLI(args...)
}

func readReport(t *testing.T, dir string) *sweep.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, sweep.ReportJSON))
	if err != nil {
		t.Fatal(err)
	}
	var r sweep.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func TestSweepGridworldRunsResumesAndRedoes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sw")
	args := []string{"sweep", "gridworld", "-lr", "0.1,0.5", "-seeds", "1-3", "-out", dir, "-quiet", "-resamples", "500"}
	code, out, errOut := sweepCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m, err := sweep.ReadManifest(dir)
	if err != nil || len(m.Tasks) != 6 || m.Version != sweep.Version {
		t.Fatalf("manifest: %v", err)
	}
	// The manifest holds every task's full configuration and seed.
	var cfg gridProbe
	if err := json.Unmarshal(m.Tasks[4].Resolved, &cfg); err != nil || cfg.Settings.LR != 0.5 || cfg.Settings.Batch != 4 || cfg.World.Size != 3 || m.Tasks[4].Seed != 2 {
		t.Errorf("task 4: %s seed %d (%v)", m.Tasks[4].Resolved, m.Tasks[4].Seed, err)
	}
	// Each task is a checked run directory.
	for i := range m.Tasks {
		if _, err := rundir.Open(m.TaskDir(dir, i)); err != nil {
			t.Errorf("task %d: %v", i, err)
		}
	}
	if !strings.Contains(out, "lr=0.5") || !strings.Contains(out, "6 of 6 tasks complete") {
		t.Errorf("stdout:\n%s", out)
	}
	rep := readReport(t, dir)
	// Default settings learn the seed's world: the greedy path reaches the goal (return 1).
	if c := rep.Configs[1]; len(c.Scores) != 3 || c.Scores[0] != 1 || c.IQM.Point != 1 {
		t.Errorf("lr=0.5 scores %v", c.Scores)
	}
	before, _ := os.ReadFile(filepath.Join(dir, sweep.ReportJSON))

	// Again: nothing to do.
	code, _, errOut = sweepCLI(t, args...)
	if code != 0 || !strings.Contains(errOut, "0 done now, 6 already complete") {
		t.Errorf("rerun: exit %d: %s", code, errOut)
	}
	// An edited result is redone, said on stderr and in the report, and
	// gives the same numbers again.
	sum := filepath.Join(m.TaskDir(dir, 0), summaryFile)
	b, _ := os.ReadFile(sum)
	os.WriteFile(sum, bytes.Replace(b, []byte(`"greedy_end": "goal"`), []byte(`"greedy_end": "pit"`), 1), 0o644)
	code, _, errOut = sweepCLI(t, args...)
	if code != 0 || !strings.Contains(errOut, "task t000 was redone: summary.json checksum does not match") || !strings.Contains(errOut, "1 done now, 5 already complete") {
		t.Errorf("after tampering: exit %d: %s", code, errOut)
	}
	md, _ := os.ReadFile(filepath.Join(dir, sweep.ReportMD))
	if !strings.Contains(string(md), "t000 (lr=0.1, seed 1): an earlier result was discarded: summary.json checksum does not match") {
		t.Errorf("report.md does not name the redone task:\n%s", md)
	}
	after := readReport(t, dir)
	if after.Configs[0].Scores[0] != rep.Configs[0].Scores[0] {
		t.Errorf("redone task scored %v, first %v", after.Configs[0].Scores[0], rep.Configs[0].Scores[0])
	}

	// status, task and report read the same directory.
	code, out, _ = sweepCLI(t, "sweep", "status", dir)
	if code != 0 || !strings.Contains(out, "on disk: 6 done, 0 running, 0 pending, 0 failed") {
		t.Errorf("status: %d\n%s", code, out)
	}
	code, out, _ = sweepCLI(t, "sweep", "task", dir, "2")
	if code != 0 || !strings.Contains(out, "complete and verified") {
		t.Errorf("task 2: %d %s", code, out)
	}
	os.RemoveAll(m.TaskDir(dir, 2))
	code, out, _ = sweepCLI(t, "sweep", "task", dir, "2")
	if code != 0 || !strings.Contains(out, "t002 (lr=0.1, seed 3): done, score 1") {
		t.Errorf("task 2 rerun: %d %s", code, out)
	}
	if code, _, e := sweepCLI(t, "sweep", "task", dir, "6"); code != 2 || !strings.Contains(e, "0 to 5") {
		t.Errorf("task 6: %d %s", code, e)
	}
	os.Remove(filepath.Join(dir, sweep.ReportJSON))
	if code, _, e := sweepCLI(t, "sweep", "report", dir, "-resamples", "500"); code != 0 {
		t.Errorf("report: %d %s", code, e)
	}
	again, _ := os.ReadFile(filepath.Join(dir, sweep.ReportJSON))
	_ = before
	var a, z sweep.Report
	json.Unmarshal(again, &a)
	json.Unmarshal(before, &z)
	if a.Configs[1].IQM.Lo != z.Configs[1].IQM.Lo || a.Complete != 6 {
		t.Errorf("pgrad sweep report differs from the sweep's own report")
	}
}

// Every trainer sweeps: the field and the neural tasks, the report's score
// being each run's evaluation return.
func TestSweepFieldAndNeural(t *testing.T) {
	for _, c := range []struct {
		env  string
		args []string
	}{
		{"field", []string{"-lr", "0.05,0.2", "-seeds", "1,2"}},
		{"gridworld", []string{"-algo", "reinforce,ac,ppo", "-seeds", "1,2"}},
		{"cartpole", []string{"-algo", "ppo,a2c", "-steps", "2048", "-eval", "3", "-seeds", "1-2"}},
		{"pendulum", []string{"-steps", "2048", "-eval", "2", "-seeds", "1-2"}},
	} {
		dir := filepath.Join(t.TempDir(), c.env)
		args := append([]string{"sweep", c.env, "-out", dir, "-quiet", "-resamples", "200"}, c.args...)
		code, _, errOut := sweepCLI(t, args...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", c.env, code, errOut)
			continue
		}
		m, _ := sweep.ReadManifest(dir)
		rep := readReport(t, dir)
		if rep.Complete != len(m.Tasks) {
			t.Errorf("%s: %d of %d complete", c.env, rep.Complete, len(m.Tasks))
		}
		if c.env == "gridworld" {
			// Each learner's full configuration is recorded: the critic's
			// settings for ac and ppo.
			if !strings.Contains(string(m.Tasks[2].Resolved), `"critic"`) || strings.Contains(string(m.Tasks[0].Resolved), `"critic"`) {
				t.Errorf("gridworld: resolved %s / %s", m.Tasks[0].Resolved, m.Tasks[2].Resolved)
			}
		}
		if tabular(c.env) {
			continue
		}
		run, err := rundir.Open(m.TaskDir(dir, 1))
		if err != nil {
			t.Fatal(err)
		}
		var s controlSummary
		json.Unmarshal(run.Summary, &s)
		ci := 0
		if s.EvalMean == nil || rep.Configs[ci].Scores[1] != *s.EvalMean {
			t.Errorf("%s: task 1 scored %v, its summary's evaluation %v", c.env, rep.Configs[ci].Scores, s.EvalMean)
		}
	}
}

func TestSweepBadInput(t *testing.T) {
	tmp := t.TempDir()
	held := filepath.Join(tmp, "held")
	if code, _, e := sweepCLI(t, "sweep", "gridworld", "-lr", "0.5", "-seeds", "1-2", "-out", held, "-quiet", "-resamples", "50"); code != 0 {
		t.Fatalf("setup: %s", e)
	}
	snapshot := func() map[string]string {
		out := map[string]string{}
		filepath.Walk(held, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				b, _ := os.ReadFile(p)
				out[p] = string(b)
			}
			return nil
		})
		return out
	}
	want := snapshot()
	fresh := filepath.Join(tmp, "fresh")
	eleven := "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,1.1"
	old := sbatchPath
	defer func() { sbatchPath = old }()
	sbatchPath = func() (string, error) { return "", errors.New("not found") }
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"gridworld", "-lr", "", "-out", fresh}, "-lr: an empty value"},
		{[]string{"gridworld", "-lr", "0.1,", "-out", fresh}, "the grid would be empty"},
		{[]string{"gridworld", "-lr", "0.1,-1", "-out", fresh}, "configuration lr=-1: -lr"},
		{[]string{"cartpole", "-ent", "abc", "-out", fresh}, `invalid value "abc" for flag -ent`},
		{[]string{"cartpole", "-eval", "0", "-out", fresh}, "-eval 0"},
		{[]string{"gridworld", "-seeds", "5-1", "-out", fresh}, "-seeds: the range 5-1 runs backwards"},
		{[]string{"gridworld", "-lr", eleven, "-seeds", "1-10000", "-out", fresh}, "more than 100000 tasks (11 lr × 10000 seeds)"},
		{[]string{"gridworld", "-lr", "0.1", "-out", held}, "holds a different sweep"},
		{[]string{"gridworld", "-backend", "slurm", "-out", fresh}, "sbatch is not on PATH"},
		{[]string{"gridworld", "-backend", "pbs", "-out", fresh}, "-backend"},
		{[]string{"gridworld", "-seed", "3", "-out", fresh}, "-seed is not a sweep flag"},
		{[]string{"cartpole", "-resume", "x", "-out", fresh}, "-resume is not a sweep flag"},
		{[]string{"gridworld", "-nosuch", "3", "-out", fresh}, "-nosuch"},
		{[]string{"gridworld", "-lr", "0.1"}, "-out DIR is required"},
		{[]string{"nosuchenv", "-out", fresh}, "unknown environment"},
		{[]string{"gridworld", "-lr", "0.1,0.1", "-out", fresh}, "listed twice"},
		{[]string{"gridworld", "-resamples", "0", "-out", fresh}, "-resamples 0"},
		{[]string{"gridworld", "-backend", "slurm", "-submit=false", "-slurm-opt", "qos", "-out", fresh}, "-slurm-opt"},
		{[]string{"gridworld", "-out", filepath.Join(held, "runs", "t000")}, "holds files but no sweep.json"},
	}
	for _, c := range cases {
		code, out, e := sweepCLI(t, append([]string{"sweep"}, c.args...)...)
		if code != 2 || strings.Count(e, "\n") != 1 || !strings.Contains(e, c.msg) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, want exit 2 and one line with %q", c.args, code, e, c.msg)
		}
		if _, err := os.Stat(fresh); err == nil {
			t.Errorf("%v: wrote %s", c.args, fresh)
			os.RemoveAll(fresh)
		}
		got := snapshot()
		for p, b := range want {
			if got[p] != b {
				t.Errorf("%v: changed %s", c.args, p)
			}
		}
	}
	// -force replaces the manifest; tasks that still match keep their results.
	code, _, e := sweepCLI(t, "sweep", "gridworld", "-lr", "0.5", "-seeds", "1-3", "-out", held, "-force", "-quiet", "-resamples", "50")
	if code != 0 || !strings.Contains(e, "1 done now, 2 already complete") {
		t.Errorf("-force: %d %s", code, e)
	}
}

// Ctrl-C: the running task is interrupted and recorded so, the others stay
// pending, and the message says how to resume.
func TestSweepInterrupt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sw")
	old := interruptContext
	defer func() { interruptContext = old }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interruptContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	// Cancel once the first task has started its child process.
	go func() {
		for ctx.Err() == nil {
			b, err := os.ReadFile(filepath.Join(dir, sweep.RunsDir, "t000", sweep.TaskFile))
			if err == nil && bytes.Contains(b, []byte(`"running"`)) {
				cancel()
			}
			time.Sleep(time.Millisecond)
		}
	}()
	code, _, e := sweepCLI(t, "sweep", "gridworld", "-rollouts", "1000000000", "-seeds", "1-3", "-jobs", "1", "-out", dir, "-quiet", "-resamples", "50")
	if code != exitInterrupted || !strings.Contains(e, "1 interrupted, 2 not started; run the same command again to resume") {
		t.Fatalf("exit %d: %s", code, e)
	}
	m, _ := sweep.ReadManifest(dir)
	if st := sweep.Check(dir, m, 0); st.Status != sweep.Interrupted {
		t.Errorf("task 0 is %s", st.Status)
	}
	code, out, _ := sweepCLI(t, "sweep", "status", dir)
	if code != 0 || !strings.Contains(out, "0 done, 0 running, 2 pending, 0 failed, 1 interrupted") {
		t.Errorf("status: %s", out)
	}
}

func TestSweepHelpListsEveryFlag(t *testing.T) {
	code, out, _ := runCLI("sweep", "-h")
	fs, _ := newSweepFlagSet("x")
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(out, "  -"+f.Name+" ") && !strings.Contains(out, "  -"+f.Name+"\n") {
			t.Errorf("pgrad sweep -h lacks -%s", f.Name)
		}
	})
	if code != 0 || !strings.Contains(out, "pgrad sweep task DIR INDEX") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = runCLI("sweep", "cartpole", "-h")
	if code != 0 || !strings.Contains(out, "  -clip float") || strings.Contains(out, "  -seed uint") {
		t.Errorf("pgrad sweep cartpole -h:\n%s", out)
	}
}

func TestSweepSlurmScriptOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sw")
	code, out, e := sweepCLI(t, "sweep", "gridworld", "-lr", "0.1,0.5", "-seeds", "1-3", "-out", dir, "-backend", "slurm", "-submit=false",
		"-slurm-partition", "debug", "-slurm-time", "0:10:00", "-slurm-mem", "1G", "-slurm-cpus", "1", "-slurm-parallel", "4", "-slurm-opt", "--qos=short")
	if code != 0 || !strings.Contains(out, "sbatch") {
		t.Fatalf("exit %d: %s %s", code, out, e)
	}
	b, _ := os.ReadFile(filepath.Join(dir, sweep.SlurmScript))
	abs, _ := filepath.Abs(dir)
	for _, l := range []string{"#SBATCH --array=0-5%4", "#SBATCH --partition=debug", "#SBATCH --time=0:10:00", "#SBATCH --mem=1G", "#SBATCH --qos=short", "sweep task '" + abs + "' \"$SLURM_ARRAY_TASK_ID\""} {
		if !strings.Contains(string(b), l) {
			t.Errorf("script lacks %q:\n%s", l, b)
		}
	}
}
