package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/internal/ckpt"
	"github.com/pgrad/pgrad/internal/rundir"
)

// quickTrain is a one-iteration CartPole run with a 5-episode evaluation.
func quickTrain(dir string, seed int, extra ...string) []string {
	return append([]string{"train", "cartpole", "-steps", "512", "-eval", "5", "-quiet", "-seed", strconv.Itoa(seed), "-out", dir}, extra...)
}

// evalOf is what 'pgrad eval DIR -episodes 5 -json' reports.
func evalOf(t *testing.T, dir string) (evalSummary, int, string) {
	t.Helper()
	code, out, errOut := runCLI("eval", dir, "-episodes", "5", "-json", "-quiet")
	var e evalSummary
	if code == 0 {
		if err := json.Unmarshal([]byte(out), &e); err != nil {
			t.Fatal(err)
		}
	}
	return e, code, errOut
}

func readSummary(t *testing.T, dir string) controlSummary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, summaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s controlSummary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTrainOutRefusesAnotherRun: -out over a run is refused (exit 2, the
// run untouched) unless -force.
func TestTrainOutRefusesAnotherRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, errOut := runCLI(quickTrain(dir, 1)...); code != 0 {
		t.Fatal(errOut)
	}
	before, _ := os.ReadFile(filepath.Join(dir, checkpointFile))
	code, _, errOut := runCLI(quickTrain(dir, 2)...)
	if code != 2 || !strings.Contains(errOut, "holds another run") || !strings.Contains(errOut, "-force") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("-out over a run: exit %d, %q", code, errOut)
	}
	after, _ := os.ReadFile(filepath.Join(dir, checkpointFile))
	if string(before) != string(after) || readSummary(t, dir).Seed != 1 {
		t.Error("the refused run changed the directory")
	}
	if code, _, errOut := runCLI(quickTrain(dir, 2, "-force")...); code != 0 || readSummary(t, dir).Seed != 2 {
		t.Errorf("-force: exit %d, %q", code, errOut)
	}
	s := readSummary(t, dir)
	if len(s.Files) != 3 || s.Files[checkpointFile].Bytes == 0 {
		t.Errorf("summary's files: %+v", s.Files)
	}
	for _, n := range []string{checkpointFile, metricsFile, curveFile, summaryFile} {
		if st, err := os.Stat(filepath.Join(dir, n)); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v %v, want 0644", n, st.Mode(), err)
		}
	}
}

// TestTrainOutCheckedFirst: an output path that is a directory fails
// before any training (with a billion steps asked, a late check would not
// end this test).
func TestTrainOutCheckedFirst(t *testing.T) {
	for _, n := range []string{checkpointFile, summaryFile} {
		dir := t.TempDir()
		os.Mkdir(filepath.Join(dir, n), 0o755)
		code, out, errOut := runCLI("train", "cartpole", "-steps", "1000000000", "-quiet", "-force", "-out", dir)
		if code != 1 || out != "" || !strings.Contains(errOut, filepath.Join(dir, n)) || !strings.Contains(errOut, "not a regular file") {
			t.Errorf("%s a directory: exit %d, %q %q", n, code, out, errOut)
		}
	}
}

// TestEvalWarnsCorruptSummary: a corrupt summary.json is warned about,
// naming it, and eval falls back to the default seed; a summary naming
// another checkpoint is not used for a checkpoint file.
func TestEvalWarnsCorruptSummary(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, errOut := runCLI(quickTrain(dir, 3)...); code != 0 {
		t.Fatal(errOut)
	}
	sp := filepath.Join(dir, summaryFile)
	os.WriteFile(sp, []byte(`{"eval_seed": 12, "files": {`), 0o644)
	e, code, errOut := evalOf(t, dir)
	if code != 0 || e.Seed != evalSeed(1) || !strings.Contains(errOut, "warning") || !strings.Contains(errOut, sp) {
		t.Errorf("corrupt summary: exit %d, seed %d, %q", code, e.Seed, errOut)
	}
	os.WriteFile(sp, []byte(`{"eval_seed": 12, "files": {"agent.ckpt": {"sha256": "`+strings.Repeat("0", 64)+`", "bytes": 5}}}`), 0o644)
	e, code, errOut = evalOf(t, filepath.Join(dir, checkpointFile))
	if code != 0 || e.Seed != evalSeed(1) || !strings.Contains(errOut, "another checkpoint") || !strings.Contains(errOut, sp) {
		t.Errorf("a summary of another checkpoint: exit %d, seed %d, %q", code, e.Seed, errOut)
	}
}

// TestEvalBoundedErrors: a 50 MB env name in a checkpoint's configuration
// gives a short error line; a FIFO and /dev/zero are refused at once.
func TestEvalBoundedErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := []byte(`{"env": "` + strings.Repeat("x", 50<<20) + `", "algo": "ppo"}`)
	if _, err := ckpt.Encode(&ckpt.File{Config: cfg}); err == nil {
		t.Fatal("a 50 MB configuration encoded")
	}
	// Over MaxConfig, written by hand as a hostile file would be.
	le := binary.LittleEndian
	h := le.AppendUint32(le.AppendUint32([]byte("PGRADCKP"), ckpt.Version), uint32(len(cfg)))
	h = le.AppendUint32(append(h, cfg...), 0)
	h = le.AppendUint32(h, crc32.ChecksumIEEE(h))
	p := filepath.Join(dir, "huge.ckpt")
	os.WriteFile(p, h, 0o644)
	code, _, errOut := runCLI("eval", p)
	if code != 2 || len(errOut) > 600 || !strings.Contains(errOut, "configuration of 52428") {
		t.Errorf("a 50 MB env name: exit %d, a %d-byte error %.200q", code, len(errOut), errOut)
	}
	cfg = []byte(`{"env": "` + strings.Repeat("x", 900_000) + `", "algo": "ppo"}`)
	b, err := ckpt.Encode(&ckpt.File{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	p = filepath.Join(dir, "long.ckpt")
	os.WriteFile(p, b, 0o644)
	code, _, errOut = runCLI("eval", p)
	if code != 2 || len(errOut) > 600 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "bytes cut") {
		t.Errorf("a 900 kB env name: exit %d, a %d-byte error %.200q", code, len(errOut), errOut)
	}
	if runtime.GOOS == "js" {
		return
	}
	zero := filepath.Join(dir, "zero")
	os.Symlink("/dev/zero", zero)
	code, _, errOut = runCLI("eval", zero)
	if code != 2 || !strings.Contains(errOut, "not a regular file") {
		t.Errorf("/dev/zero: exit %d, %q", code, errOut)
	}
	fifo := filepath.Join(dir, "fifo")
	exec.Command("mkfifo", fifo).Run()
	code, _, errOut = runCLI("eval", fifo)
	if code != 2 || !strings.Contains(errOut, "named pipe") {
		t.Errorf("a FIFO: exit %d, %q", code, errOut)
	}
}

// TestTrainCrashAtEveryWrite kills 'pgrad train -out DIR -force' at every
// point where the run directory's writing can be interrupted, over a
// complete earlier run, and checks that eval then reports the old run's
// evaluation or the new run's: never the new checkpoint with the old
// summary's seed, or the reverse, and never a directory it cannot read.
func TestTrainCrashAtEveryWrite(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("needs subprocesses")
	}
	base := t.TempDir()
	oldDir, newDir := filepath.Join(base, "old"), filepath.Join(base, "new")
	if code, _, e := runCLI(quickTrain(oldDir, 1)...); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := runCLI(quickTrain(newDir, 2)...); code != 0 {
		t.Fatal(e)
	}
	oldEval, _, _ := evalOf(t, oldDir)
	newEval, _, _ := evalOf(t, newDir)
	if oldEval.Seed == newEval.Seed || oldEval.Mean == newEval.Mean {
		t.Fatalf("the two runs are not told apart: %+v %+v", oldEval, newEval)
	}
	oldFiles, _ := os.ReadDir(oldDir)
	crashes := 0
	for n := 1; ; n++ {
		dir := filepath.Join(base, "crash"+strconv.Itoa(n))
		os.Mkdir(dir, 0o755)
		for _, f := range oldFiles {
			b, _ := os.ReadFile(filepath.Join(oldDir, f.Name()))
			os.WriteFile(filepath.Join(dir, f.Name()), b, 0o644)
		}
		cmd := exec.Command(os.Args[0], quickTrain(dir, 2, "-force")...)
		cmd.Env = append(os.Environ(), "PGRAD_AS_MAIN=1", "PGRAD_CRASH_AT="+strconv.Itoa(n))
		out, err := cmd.Output()
		var ee *exec.ExitError
		if err == nil {
			break
		}
		if !errors.As(err, &ee) || ee.ExitCode() != 3 {
			t.Fatalf("crash %d: %v %s", n, err, out)
		}
		crashes++
		point := strings.TrimSpace(string(out[strings.LastIndex(string(out), "crash at"):]))
		e, code, errOut := evalOf(t, dir)
		switch {
		case code == 0 && e.Seed == oldEval.Seed && e.Mean == oldEval.Mean:
		case code == 0 && e.Seed == newEval.Seed && e.Mean == newEval.Mean:
		default: // an incomplete directory too: the files are staged, then committed

			t.Errorf("%s: eval exit %d, seed %d, mean %v, %q; old run seed %d mean %v, new %d %v",
				point, code, e.Seed, e.Mean, errOut, oldEval.Seed, oldEval.Mean, newEval.Seed, newEval.Mean)
		}
		// The next run cleans up what the crash left and names it.
		code, _, errOut = runCLI(quickTrain(dir, 2, "-force")...)
		if code != 0 {
			t.Fatalf("%s: the next run: %q", point, errOut)
		}
		if strings.Contains(point, "write") && !strings.Contains(errOut, "left by an interrupted run") {
			t.Errorf("%s: the next run did not say it removed the torn file: %q", point, errOut)
		}
		ents, _ := os.ReadDir(dir)
		for _, f := range ents {
			if strings.HasPrefix(f.Name(), rundir.TempPrefix) {
				t.Errorf("%s: %s left", point, f.Name())
			}
		}
		if e, code, _ := evalOf(t, dir); code != 0 || e.Seed != newEval.Seed || e.Mean != newEval.Mean {
			t.Errorf("%s: after the rerun eval gives %+v", point, e)
		}
	}
	// 3 per staged file, the journal's 4, 3 renames, the summary's 4 and
	// the journal's removal.
	if crashes != 21 {
		t.Errorf("%d crash points, want 21", crashes)
	}
}

// TestOneLRRule: the tabular and the neural trainers refuse the same
// learning rates with the same stated rule, and accept the limit itself.
func TestOneLRRule(t *testing.T) {
	short := map[string][]string{
		"gridworld": {"-rollouts", "8"}, "field": {"-rollouts", "8"},
		"cartpole": {"-steps", "512", "-eval", "0", "-quiet"}, "pendulum": {"-steps", "2048", "-eval", "0", "-quiet"},
	}
	for env, extra := range short {
		for _, lr := range []string{"1e18", "1000000.1", "0", "-1", "NaN", "Inf"} {
			code, _, errOut := runCLI(append([]string{"train", env, "-lr", lr}, extra...)...)
			if code != 2 || !strings.Contains(errOut, "-lr") || !strings.Contains(errOut, "must be a number in (0, 1e6]") {
				t.Errorf("%s -lr %s: exit %d, %q", env, lr, code, errOut)
			}
		}
		// The limit itself passes validation (a neural run may then
		// diverge, exit 1, which is a run-time failure, not bad input).
		if code, _, errOut := runCLI(append([]string{"train", env, "-lr", "1e6"}, extra...)...); code == 2 {
			t.Errorf("%s -lr 1e6: exit 2, %q", env, errOut)
		}
	}
}
