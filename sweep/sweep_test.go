package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pgrad/pgrad/stats"
)

func TestParseSeeds(t *testing.T) {
	got, err := ParseSeeds("1-3, 7,10-11")
	if err != nil || !reflect.DeepEqual(got, []uint64{1, 2, 3, 7, 10, 11}) {
		t.Errorf("ParseSeeds = %v, %v", got, err)
	}
	for _, bad := range []string{"", "5-1", "1,1", "1-3,2", "a", "1-", "-3", "0-200000"} {
		if _, err := ParseSeeds(bad); !errors.Is(err, ErrSeeds) {
			t.Errorf("ParseSeeds(%q) = %v, want ErrSeeds", bad, err)
		}
	}
}

func TestExpand(t *testing.T) {
	params := []Param{{"lr", []string{"1", "2"}}, {"algo", []string{"ppo", "a2c", "x"}}, {"gamma", []string{"0.9"}}}
	c, err := Expand(params, 2)
	if err != nil || len(c) != 6 {
		t.Fatalf("Expand: %d, %v", len(c), err)
	}
	if c[1].Label(params) != "lr=1 algo=a2c" || c[3].Label(params) != "lr=2 algo=ppo" {
		t.Errorf("order: %v, %v", c[1], c[3])
	}
	if (Combination{{"gamma", "0.9"}}).Label([]Param{{"gamma", []string{"0.9"}}}) != "default" {
		t.Error("nothing varied is not 'default'")
	}
	var ge *GridError
	if _, err := Expand([]Param{{"lr", nil}}, 1); !errors.As(err, &ge) || ge.Param != "lr" {
		t.Errorf("empty values: %v", err)
	}
	if _, err := Expand(params, 0); !errors.As(err, &ge) || ge.Param != "seeds" {
		t.Errorf("no seeds: %v", err)
	}
	big := []Param{{"a", make([]string, 1000)}, {"b", make([]string, 1000)}}
	if _, err := Expand(big, 1); !errors.As(err, &ge) || !strings.Contains(err.Error(), "more than 100000 tasks") {
		t.Errorf("a million tasks: %v", err)
	}
	if _, err := Expand([]Param{{"a", make([]string, 10)}}, MaxTasks/10+1); err == nil {
		t.Error("100,010 tasks accepted")
	}
	if _, err := Expand([]Param{{"a", make([]string, 10)}}, MaxTasks/10); err != nil {
		t.Errorf("exactly %d tasks: %v", MaxTasks, err)
	}
}

// testManifest is a sweep of two configurations × seeds whose score is
// known: the "score" setting plus the seed.
func testManifest(t *testing.T, seeds ...uint64) *Manifest {
	t.Helper()
	m, err := NewManifest("toy", []Param{{"score", []string{"10", "20"}}}, seeds, func(env string, c Combination, seed uint64) (json.RawMessage, error) {
		return json.RawMessage(fmt.Sprintf(`{"score":%s,"seed":%d}`, c[0].Value, seed)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m.Score, m.CurveX, m.CurveY = "toy score", "step", "value"
	return m
}

// toyRunner writes one file and scores score+seed; its curve is 0..2 ×
// the score.
func toyRunner(calls *atomic.Int64) Runner {
	return RunnerFunc(func(ctx context.Context, tk Task, dir string) (Result, error) {
		calls.Add(1)
		var cfg struct{ Score, Seed float64 }
		json.Unmarshal(tk.Resolved, &cfg)
		s := cfg.Score + cfg.Seed
		if err := os.WriteFile(filepath.Join(dir, "out.txt"), []byte(fmt.Sprint(s)), 0o644); err != nil {
			return Result{}, err
		}
		return Result{Score: s, Curve: Curve{X: []float64{0, 1, 2}, Y: []float64{0, s, 2 * s}}}, nil
	})
}

func newSweepDir(t *testing.T, m *Manifest) string {
	dir := t.TempDir()
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	back, err := ReadManifest(dir)
	if err != nil || !Same(back, m) {
		t.Fatalf("manifest round trip: %v", err)
	}
	return dir
}

// The pool never runs more than Jobs tasks at once, runs each once, and a
// second run skips them all.
func TestRunLocalPoolAndResume(t *testing.T) {
	m := testManifest(t, 1, 2, 3, 4, 5, 6)
	dir := newSweepDir(t, m)
	var running, peak atomic.Int64
	var calls atomic.Int64
	inner := toyRunner(&calls)
	r := RunnerFunc(func(ctx context.Context, tk Task, d string) (Result, error) {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		defer running.Add(-1)
		return inner.Run(ctx, tk, d)
	})
	var last Progress
	var mu sync.Mutex
	sawLeft := false
	out, err := RunLocal(context.Background(), dir, m, r, Options{Jobs: 3, OnProgress: func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		// Once a task has ended and others remain, the time left is
		// estimated from the pace so far.
		if p.Done > 0 && p.Done < p.Total && p.Left > 0 {
			sawLeft = true
		}
		if p.Done+p.Failed < last.Done+last.Failed || p.Running > 3 {
			t.Errorf("progress went from %+v to %+v", last, p)
		}
		last = p
	}})
	if err != nil || out.Done != 12 || calls.Load() != 12 {
		t.Fatalf("first run: %+v, %v, %d calls", out, err, calls.Load())
	}
	if peak.Load() > 3 {
		t.Errorf("%d tasks ran at once with -jobs 3", peak.Load())
	}
	if last.Done != 12 || last.Running != 0 || last.Total != 12 || last.Left != 0 {
		t.Errorf("last progress %+v", last)
	}
	if !sawLeft {
		t.Error("no estimate of the time left while tasks remained")
	}
	out, err = RunLocal(context.Background(), dir, m, r, Options{Jobs: 3})
	if err != nil || out.Skipped != 12 || out.Done != 0 || calls.Load() != 12 {
		t.Errorf("second run: %+v, %v, %d calls", out, err, calls.Load())
	}
}

// A failing task and a panicking one are recorded with their errors and
// the others complete.
func TestRunLocalFailuresDoNotStopOthers(t *testing.T) {
	m := testManifest(t, 1, 2, 3)
	dir := newSweepDir(t, m)
	var calls atomic.Int64
	inner := toyRunner(&calls)
	r := RunnerFunc(func(ctx context.Context, tk Task, d string) (Result, error) {
		switch tk.Index {
		case 1:
			return Result{}, errors.New("diverged at iteration 3")
		case 4:
			panic("boom")
		}
		return inner.Run(ctx, tk, d)
	})
	out, err := RunLocal(context.Background(), dir, m, r, Options{Jobs: 2})
	if err != nil || out.Done != 4 || len(out.Failed) != 2 {
		t.Fatalf("%+v, %v", out, err)
	}
	if st := Check(dir, m, 1); st.Status != Failed || st.Record.Error != "diverged at iteration 3" {
		t.Errorf("task 1: %+v", st)
	}
	if st := Check(dir, m, 4); st.Status != Failed || !strings.Contains(st.Record.Error, "panic: boom") {
		t.Errorf("task 4: %+v", st)
	}
	rep, err := BuildReport(dir, m, stats.Bootstrap{Resamples: 100, Seed: 1})
	if err != nil || rep.Complete != 4 || len(rep.Incomplete) != 2 {
		t.Errorf("report: %+v, %v", rep, err)
	}
}

// Cancelling stops the sweep: finished tasks stay done, running ones are
// recorded interrupted, the rest not started; a rerun does only those.
func TestRunLocalInterruptAndResume(t *testing.T) {
	m := testManifest(t, 1, 2, 3, 4)
	dir := newSweepDir(t, m)
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int64
	inner := toyRunner(&calls)
	r := RunnerFunc(func(c context.Context, tk Task, d string) (Result, error) {
		if tk.Index == 2 {
			cancel()
			<-c.Done()
			return Result{}, c.Err()
		}
		return inner.Run(c, tk, d)
	})
	out, err := RunLocal(ctx, dir, m, r, Options{Jobs: 1})
	if err != nil || out.Done != 2 || len(out.Interrupted) != 1 || out.NotStarted != 5 {
		t.Fatalf("%+v, %v", out, err)
	}
	if st := Check(dir, m, 2); st.Status != Interrupted {
		t.Errorf("task 2 is %s", st.Status)
	}
	calls.Store(0)
	out, err = RunLocal(context.Background(), dir, m, toyRunner(&calls), Options{Jobs: 2})
	if err != nil || out.Skipped != 2 || out.Done != 6 || calls.Load() != 6 {
		t.Errorf("resume: %+v, %v, %d calls", out, err, calls.Load())
	}
}

// A changed file, a removed file, an added file, a half-written record and
// a record of another manifest entry each make the task count as not
// complete; the rerun redoes it, and the report names it with the reason.
func TestTamperedTasksAreRedone(t *testing.T) {
	m := testManifest(t, 1, 2, 3)
	dir := newSweepDir(t, m)
	var calls atomic.Int64
	if _, err := RunLocal(context.Background(), dir, m, toyRunner(&calls), Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	td := func(i int) string { return m.TaskDir(dir, i) }
	os.WriteFile(filepath.Join(td(0), "out.txt"), []byte("999"), 0o644)
	os.Remove(filepath.Join(td(1), "out.txt"))
	os.WriteFile(filepath.Join(td(2), "extra"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(td(3), TaskFile), []byte(`{"task":"t003","stat`), 0o644)
	rec, _ := os.ReadFile(filepath.Join(td(5), TaskFile))
	os.WriteFile(filepath.Join(td(4), TaskFile), rec, 0o644) // task 5's record in task 4's directory
	want := map[int]string{0: "out.txt checksum does not match", 1: "out.txt is missing", 2: "extra was added",
		3: "task.json is not valid JSON", 4: "task.json belongs to another task entry"}
	for i, why := range want {
		if st := Check(dir, m, i); st.Status != Tampered || st.Why != why {
			t.Errorf("task %d: %s (%q), want tampered (%q)", i, st.Status, st.Why, why)
		}
	}
	calls.Store(0)
	out, err := RunLocal(context.Background(), dir, m, toyRunner(&calls), Options{Jobs: 2})
	if err != nil || out.Done != 5 || out.Skipped != 1 || len(out.Redone) != 5 {
		t.Fatalf("rerun: %+v, %v", out, err)
	}
	rep, err := BuildReport(dir, m, stats.Bootstrap{Resamples: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Redone) != 5 || rep.Redone[0].Note != want[0] {
		t.Errorf("report's redone list: %+v", rep.Redone)
	}
	var md bytes.Buffer
	rep.Markdown(&md)
	if !strings.Contains(md.String(), "## Tasks redone") || !strings.Contains(md.String(), "out.txt checksum does not match") {
		t.Errorf("report.md does not say which tasks were redone:\n%s", md.String())
	}
}

// The report's figures are the stats package's on the scores the runs
// gave, and the same disk gives the same bytes.
func TestReport(t *testing.T) {
	m := testManifest(t, 1, 2, 3, 4, 5)
	dir := newSweepDir(t, m)
	var calls atomic.Int64
	if _, err := RunLocal(context.Background(), dir, m, toyRunner(&calls), Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	b := stats.Bootstrap{Resamples: 2000, Seed: 9}
	rep, err := BuildReport(dir, m, b)
	if err != nil {
		t.Fatal(err)
	}
	c0 := []float64{11, 12, 13, 14, 15}
	if !reflect.DeepEqual(rep.Configs[0].Scores, c0) || rep.Configs[1].Scores[0] != 21 {
		t.Fatalf("scores %v %v", rep.Configs[0].Scores, rep.Configs[1].Scores)
	}
	iqm, _ := b.Interval([][]float64{c0}, stats.IQM)
	if *rep.Configs[0].IQM != iqm || iqm.Point != 13 {
		t.Errorf("IQM %+v, want %+v", rep.Configs[0].IQM, iqm)
	}
	// Every run of 20 beats every run of 10.
	if p := rep.Improvement[1][0]; p.Point != 1 || p.Lo != 1 {
		t.Errorf("P(20 > 10) = %+v", p)
	}
	if p := rep.Improvement[0][1]; p.Point != 0 {
		t.Errorf("P(10 > 20) = %+v", p)
	}
	if got := rep.Configs[0].Curve.Point; !reflect.DeepEqual(got, []float64{0, 13, 26}) {
		t.Errorf("mean curve %v", got)
	}
	if rep.Taus[0] != 11 || rep.Taus[len(rep.Taus)-1] != 25 || rep.Configs[0].Profile.Point[0] != 0.8 {
		t.Errorf("profile: taus %v…, first point %v", rep.Taus[:2], rep.Configs[0].Profile.Point[0])
	}
	if err := rep.Write(dir); err != nil {
		t.Fatal(err)
	}
	first := map[string][]byte{}
	for _, f := range []string{ReportJSON, ReportMD, ProfileSVG, CurvesSVG} {
		first[f], _ = os.ReadFile(filepath.Join(dir, f))
	}
	rep2, _ := BuildReport(dir, m, b)
	if err := rep2.Write(dir); err != nil {
		t.Fatal(err)
	}
	for f, want := range first {
		if got, _ := os.ReadFile(filepath.Join(dir, f)); !bytes.Equal(got, want) {
			t.Errorf("%s differs between two reports of the same runs", f)
		}
	}
	var tab bytes.Buffer
	rep.Table(&tab)
	lines := strings.Split(tab.String(), "\n")
	if f := strings.Fields(lines[1]); len(lines) < 3 || f[0] != "score=10" || f[1] != "5" || f[2] != "13" {
		t.Errorf("table:\n%s", tab.String())
	}
}

func TestSlurmScript(t *testing.T) {
	if got := ArraySpec([]int{0, 1, 2, 3, 7, 9, 10}, 4); got != "0-3,7,9-10%4" {
		t.Errorf("ArraySpec = %q", got)
	}
	j := SlurmJob{Pgrad: "/opt/pgrad", Partition: "gpu", Time: "1:00:00", CPUs: 2, Mem: "2G", Parallel: 8, Opts: []string{"--qos=short"}}
	s, err := j.Script("/data/sw", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"#SBATCH --array=0-9%8", "#SBATCH --partition=gpu", "#SBATCH --time=1:00:00",
		"#SBATCH --cpus-per-task=2", "#SBATCH --mem=2G", "#SBATCH --qos=short", "#SBATCH --output=/data/sw/slurm/%A_%a.out",
		`exec '/opt/pgrad' sweep task '/data/sw' "$SLURM_ARRAY_TASK_ID"`} {
		if !strings.Contains(s, line+"\n") {
			t.Errorf("script lacks %q:\n%s", line, s)
		}
	}
	var oe *SlurmOptionError
	for _, bad := range []SlurmJob{{Partition: "a\n#SBATCH --x"}, {Opts: []string{"qos"}}, {Time: "1'"}} {
		if _, err := bad.Script("/d", []int{0}); !errors.As(err, &oe) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
