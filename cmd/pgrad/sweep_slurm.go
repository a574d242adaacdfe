package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pgrad/pgrad/sweep"
)

// slurmSpec is the Slurm backend of one 'pgrad sweep' command.
type slurmSpec struct {
	job sweep.SlurmJob
}

func newSlurmSpec(f *sweepFlags) (*slurmSpec, error) {
	if *f.cpus < 1 || *f.cpus > 4096 {
		return nil, fmt.Errorf("-slurm-cpus %d is out of range (1 to 4096)", *f.cpus)
	}
	if *f.parallel < 1 || *f.parallel > sweep.MaxTasks {
		return nil, fmt.Errorf("-slurm-parallel %d is out of range (1 to %d)", *f.parallel, sweep.MaxTasks)
	}
	bin, err := os.Executable()
	if err != nil {
		return nil, err
	}
	s := &slurmSpec{job: sweep.SlurmJob{Pgrad: bin, Partition: *f.partition, Time: *f.time, CPUs: *f.cpus,
		Mem: *f.mem, Parallel: *f.parallel, Opts: f.slurmOpts}}
	// Checked now, before anything is written.
	if _, err := s.job.Script("/", []int{0}); err != nil {
		var oe *sweep.SlurmOptionError
		if errors.As(err, &oe) {
			return nil, fmt.Errorf("-slurm-%s %q: want one line without quotes or backslashes (options start with -)", map[string]string{"option": "opt"}[oe.Option]+strings.TrimPrefix(oe.Option, "option"), oe.Value)
		}
		return nil, err
	}
	return s, nil
}

// sbatchPath is sbatch's path; tests may point it elsewhere.
var sbatchPath = func() (string, error) { return exec.LookPath("sbatch") }

func (s *slurmSpec) checkSbatch() error {
	if _, err := sbatchPath(); err != nil {
		return errors.New("-backend slurm: sbatch is not on PATH (give -submit=false to only write the script)")
	}
	return nil
}

// launch writes DIR/sweep.sbatch for the tasks not complete and, with
// submit, hands it to sbatch.
func (s *slurmSpec) launch(prog, dir string, m *sweep.Manifest, submit bool, stdout, stderr io.Writer) int {
	abs, err := filepath.Abs(dir)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	var todo []int
	for i := range m.Tasks {
		if sweep.Check(dir, m, i).Status != sweep.Done {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		fmt.Fprintf(stderr, "%s: all %d tasks are complete; nothing to submit\n", prog, len(m.Tasks))
		return 0
	}
	script, err := s.job.Script(abs, todo)
	if err != nil {
		return usageErr(stderr, prog, err)
	}
	if err := os.MkdirAll(filepath.Join(abs, sweep.SlurmLogs), 0o755); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	path := filepath.Join(abs, sweep.SlurmScript)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	if !submit {
		fmt.Fprintf(stdout, "wrote %s: %d of %d tasks; submit it with: sbatch %s\n", path, len(todo), len(m.Tasks), path)
		return 0
	}
	sbatch, err := sbatchPath()
	if err != nil {
		return usageErr(stderr, prog, err)
	}
	cmd := exec.Command(sbatch, "--parsable", path)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(stderr, "%s: sbatch: %v: %s\n", prog, err, strings.TrimSpace(errOut.String()))
		return 1
	}
	id, _, _ := strings.Cut(strings.TrimSpace(out.String()), ";")
	f, err := os.OpenFile(filepath.Join(abs, sweep.SlurmJobs), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		fmt.Fprintln(f, id)
		err = f.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: job %s submitted, but: %v\n", prog, id, err)
		return 1
	}
	fmt.Fprintf(stdout, "submitted job %s: %d of %d tasks (%s)\nfollow it with 'pgrad sweep status %s'; 'pgrad sweep report %s' reports what is done\n", id, len(todo), len(m.Tasks), path, dir, dir)
	return 0
}

func runSweepStatus(args []string, stdout, stderr io.Writer) int {
	prog := "pgrad sweep status"
	fs := newFlagSet(prog, "DIR", "Counts the tasks of the sweep in DIR by state, from the results on disk (pending, running,\ndone, failed, interrupted, tampered), and, for a Slurm sweep, from squeue and sacct when\nthey are on PATH. Lists the failed tasks with their errors.")
	dir, st, ok := dirArg(fs, args, stdout, stderr)
	if !ok {
		return st
	}
	m, st := readSweepDir(prog, dir, stderr)
	if m == nil {
		return st
	}
	counts := map[string]int{}
	var notes []string
	for i := range m.Tasks {
		s := sweep.Check(dir, m, i)
		counts[s.Status]++
		switch {
		case s.Status == sweep.Failed && s.Record != nil:
			notes = append(notes, fmt.Sprintf("  %s failed: %s", taskLabel(m, i), s.Record.Error))
		case s.Status == sweep.Tampered:
			notes = append(notes, fmt.Sprintf("  %s will be redone: %s", taskLabel(m, i), s.Why))
		}
	}
	fmt.Fprintf(stdout, "%s: %s sweep of %d tasks\n", dir, m.Env, len(m.Tasks))
	fmt.Fprintf(stdout, "on disk: ")
	var parts []string
	for _, k := range []string{sweep.Done, sweep.Running, sweep.Pending, sweep.Failed, sweep.Interrupted, sweep.Tampered} {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	fmt.Fprintln(stdout, strings.Join(parts, ", "))
	for _, n := range notes {
		fmt.Fprintln(stdout, n)
	}
	if b, err := os.ReadFile(filepath.Join(dir, sweep.SlurmJobs)); err == nil {
		ids := strings.Fields(string(b))
		if len(ids) > 0 {
			slurmStatus(stdout, ids)
		}
	}
	return 0
}

// slurmStatus prints what squeue and sacct say of the jobs ids.
func slurmStatus(w io.Writer, ids []string) {
	list := strings.Join(ids, ",")
	if p, err := exec.LookPath("squeue"); err == nil {
		out, err := exec.Command(p, "-h", "-r", "-j", list, "-o", "%T").Output()
		if err == nil {
			fmt.Fprintf(w, "squeue (jobs %s): %s\n", list, countLines(string(out), "nothing queued or running"))
		} else {
			fmt.Fprintf(w, "squeue (jobs %s): %v\n", list, err)
		}
	}
	if p, err := exec.LookPath("sacct"); err == nil {
		out, err := exec.Command(p, "-n", "-X", "-P", "-j", list, "-o", "State").Output()
		if err == nil {
			fmt.Fprintf(w, "sacct (jobs %s): %s\n", list, countLines(string(out), "no accounting records"))
		} else {
			fmt.Fprintf(w, "sacct (jobs %s): not available (%v)\n", list, err)
		}
	}
}

// countLines counts the distinct lines of out: "3 RUNNING, 7 PENDING".
func countLines(out, none string) string {
	counts := map[string]int{}
	var order []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if counts[l] == 0 {
			order = append(order, l)
		}
		counts[l]++
	}
	if len(order) == 0 {
		return none
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%d %s", counts[k], k)
	}
	return strings.Join(parts, ", ")
}
