package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgrad/pgrad/sweep"
)

// startSlurm starts a one-machine Slurm cluster with
// testdata/slurm-local.sh and stops it, by its PIDs, when the test ends.
// It skips the test when Slurm, munge or root is missing, except under
// CI=true, where .ci/run installs slurm-wlm and munge.
func startSlurm(t *testing.T) {
	t.Helper()
	why := ""
	for _, b := range []string{"munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"} {
		if _, err := exec.LookPath(b); err != nil {
			why = b + " is not installed (Debian: slurm-wlm and munge)"
		}
	}
	if why == "" && os.Geteuid() != 0 {
		why = "the test cluster's daemons must start as root"
	}
	if why != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real Slurm test under CI=true: %s", why)
		}
		t.Skipf("real Slurm test skipped: %s", why)
	}
	// A short path: munge's socket lives in it (a Unix socket path is
	// limited to about 100 bytes).
	dir, err := os.MkdirTemp("", "pgrad-slurm-")
	if err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("testdata", "slurm-local.sh"))
	t.Cleanup(func() {
		if out, err := exec.Command(script, "stop", dir).CombinedOutput(); err != nil {
			t.Errorf("stopping Slurm: %v\n%s", err, out)
		}
		os.RemoveAll(dir)
	})
	start := exec.Command(script, "start", dir)
	start.Env = append(os.Environ(), "SLURM_TEST_PORT="+strconv.Itoa(freePortPair(t)), "SLURM_TEST_OWNER="+strconv.Itoa(os.Getpid()))
	out, err := start.CombinedOutput()
	if err != nil {
		logs, _ := exec.Command("sh", "-c", "tail -n 20 "+dir+"/log/* "+dir+"/munge/*.log 2>/dev/null").CombinedOutput()
		t.Fatalf("starting Slurm: %v\n%s\n%s", err, out, logs)
	}
	t.Setenv("SLURM_CONF", filepath.Join(dir, "slurm.conf"))
}

// freePortPair returns a loopback port p such that p and p+1 were free, so
// that test clusters started at once (two test runs) do not collide.
func freePortPair(t *testing.T) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+1))
		l.Close()
		if err == nil {
			l2.Close()
			return p
		}
	}
	t.Fatal("no two consecutive free loopback ports")
	return 0
}

// waitSweep waits until every task of the sweep in dir is done, failing
// the test if one fails or nothing moves for long.
func waitSweep(t *testing.T, dir string) {
	t.Helper()
	m, err := sweep.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Not a time limit on the work: a guard against a job that never runs.
	deadline := time.Now().Add(10 * time.Minute)
	for {
		done := 0
		for i := range m.Tasks {
			switch st := sweep.Check(dir, m, i); st.Status {
			case sweep.Done:
				done++
			case sweep.Failed:
				t.Fatalf("task %d failed on Slurm: %s", i, st.Record.Error)
			}
		}
		if done == len(m.Tasks) {
			return
		}
		if time.Now().After(deadline) {
			logs, _ := exec.Command("sh", "-c", "cat "+dir+"/slurm/*.out; squeue; sinfo -N").CombinedOutput()
			t.Fatalf("%d of %d tasks done after 10 minutes:\n%s", done, len(m.Tasks), logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestSweepOnRealSlurm submits real job arrays to a Slurm started on this
// machine and checks that their reports equal, byte for byte, the local
// backend's for the same manifest; then that a rerun submits only what is
// missing.
func TestSweepOnRealSlurm(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the real-Slurm test runs in the full suite (make test-go)")
	}
	startSlurm(t)
	t.Setenv("PGRAD_AS_MAIN", "1") // sbatch exports it: the array tasks run this binary as pgrad
	for _, c := range []struct {
		name string
		args []string
	}{
		{"gridworld", []string{"gridworld", "-lr", "0.1,0.5", "-seeds", "1-5"}},
		{"cartpole", []string{"cartpole", "-lr", "1e-3,3e-3", "-steps", "4096", "-eval", "5", "-seeds", "1-2"}},
	} {
		tmp := t.TempDir()
		local, onSlurm := filepath.Join(tmp, "local"), filepath.Join(tmp, "slurm")
		common := []string{"-quiet", "-resamples", "2000"}
		code, out, e := sweepCLI(t, append(append([]string{"sweep"}, c.args...), append(common, "-out", onSlurm, "-backend", "slurm", "-slurm-time", "0:30:00", "-slurm-parallel", "2")...)...)
		if code != 0 || !strings.Contains(out, "submitted job") {
			t.Fatalf("%s: submit: exit %d: %s %s", c.name, code, out, e)
		}
		script, _ := os.ReadFile(filepath.Join(onSlurm, sweep.SlurmScript))
		m, _ := sweep.ReadManifest(onSlurm)
		if want := "#SBATCH --array=0-" + itoa(len(m.Tasks)-1) + "%2\n"; !strings.Contains(string(script), want) {
			t.Errorf("%s: script lacks %q:\n%s", c.name, want, script)
		}
		waitSweep(t, onSlurm)
		if code, out, e := sweepCLI(t, "sweep", "status", onSlurm); code != 0 || !strings.Contains(out, "on disk: "+itoa(len(m.Tasks))+" done") || !strings.Contains(out, "squeue (jobs ") {
			t.Errorf("%s: status: %d %s %s", c.name, code, out, e)
		}
		if code, _, e := sweepCLI(t, "sweep", "report", onSlurm, "-resamples", "2000"); code != 0 {
			t.Fatalf("%s: report: %s", c.name, e)
		}
		if code, _, e := sweepCLI(t, append(append([]string{"sweep"}, c.args...), append(common, "-out", local, "-jobs", "2")...)...); code != 0 {
			t.Fatalf("%s: local: %s", c.name, e)
		}
		for _, f := range []string{sweep.ManifestFile, sweep.ReportJSON, sweep.ReportMD, sweep.ProfileSVG, sweep.CurvesSVG} {
			a, _ := os.ReadFile(filepath.Join(local, f))
			b, _ := os.ReadFile(filepath.Join(onSlurm, f))
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%s: %s differs between the local backend (%d bytes) and Slurm (%d bytes)", c.name, f, len(a), len(b))
			}
		}
		if c.name != "gridworld" {
			continue
		}
		// Resume: a task removed is the only one submitted again.
		os.RemoveAll(m.TaskDir(onSlurm, 3))
		code, out, e = sweepCLI(t, append(append([]string{"sweep"}, c.args...), append(common, "-out", onSlurm, "-backend", "slurm", "-slurm-time", "0:30:00", "-slurm-parallel", "2")...)...)
		if code != 0 || !strings.Contains(out, "1 of 10 tasks") {
			t.Fatalf("resubmit: %d %s %s", code, out, e)
		}
		script, _ = os.ReadFile(filepath.Join(onSlurm, sweep.SlurmScript))
		if !strings.Contains(string(script), "#SBATCH --array=3%2\n") {
			t.Errorf("resubmitted script:\n%s", script)
		}
		waitSweep(t, onSlurm)
		sweepCLI(t, "sweep", "report", onSlurm, "-resamples", "2000")
		a, _ := os.ReadFile(filepath.Join(local, sweep.ReportJSON))
		b, _ := os.ReadFile(filepath.Join(onSlurm, sweep.ReportJSON))
		if !bytes.Equal(a, b) {
			t.Error("report.json differs after the resubmitted task")
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
