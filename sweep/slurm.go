package sweep

import (
	"fmt"
	"strconv"
	"strings"
)

// SlurmScript is the file name of the job-array script in a sweep's
// directory; SlurmLogs is the directory of the array tasks' output.
const (
	SlurmScript = "sweep.sbatch"
	SlurmLogs   = "slurm"
	SlurmJobs   = "slurm-jobs.txt" // one submitted job ID per line
)

// A SlurmJob describes the job array that runs a sweep on Slurm: each
// array element runs one task with `<Pgrad> sweep task DIR INDEX`.
type SlurmJob struct {
	Pgrad     string   // absolute path of the pgrad binary on the nodes
	Partition string   // --partition; empty: the default
	Time      string   // --time of each element; empty: the partition's
	CPUs      int      // --cpus-per-task
	Mem       string   // --mem; empty: the default
	Parallel  int      // elements running at once (the %K of --array)
	Opts      []string // further #SBATCH options, e.g. "--qos=short"
}

// ArraySpec writes indices (ascending) as Slurm's --array value, runs of
// consecutive indices as ranges: "0-4,7,9-12%K".
func ArraySpec(indices []int, parallel int) string {
	var parts []string
	for i := 0; i < len(indices); {
		j := i
		for j+1 < len(indices) && indices[j+1] == indices[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(indices[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", indices[i], indices[j]))
		}
		i = j + 1
	}
	s := strings.Join(parts, ",")
	if parallel > 0 {
		s += "%" + strconv.Itoa(parallel)
	}
	return s
}

// SlurmOptionError reports an option that cannot go on an #SBATCH line.
type SlurmOptionError struct {
	Option, Value string
}

func (e *SlurmOptionError) Error() string {
	return fmt.Sprintf("sweep: slurm %s %q: one line of printable characters without quotes wanted", e.Option, e.Value)
}

func checkLine(option, v string) error {
	for _, r := range v {
		if r < ' ' || r == 0x7f || r == '"' || r == '\'' || r == '\\' {
			return &SlurmOptionError{option, v}
		}
	}
	return nil
}

// Script returns the sbatch script that runs the tasks indices of the
// sweep in dir (an absolute path).
func (j SlurmJob) Script(dir string, indices []int) (string, error) {
	for _, c := range []struct{ name, v string }{{"partition", j.Partition}, {"time", j.Time}, {"mem", j.Mem}, {"pgrad", j.Pgrad}, {"dir", dir}} {
		if err := checkLine(c.name, c.v); err != nil {
			return "", err
		}
	}
	for _, o := range j.Opts {
		if err := checkLine("option", o); err != nil || !strings.HasPrefix(o, "-") {
			return "", &SlurmOptionError{"option", o}
		}
	}
	if len(indices) == 0 {
		return "", fmt.Errorf("sweep: no tasks to submit")
	}
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString("# Written by 'pgrad sweep -backend slurm'. Each element of the array runs one task of\n")
	fmt.Fprintf(&b, "# %s/%s into %s/%s/<task>/; they share nothing but that directory.\n", dir, ManifestFile, dir, RunsDir)
	b.WriteString("#SBATCH --job-name=pgrad-sweep\n")
	fmt.Fprintf(&b, "#SBATCH --array=%s\n", ArraySpec(indices, j.Parallel))
	fmt.Fprintf(&b, "#SBATCH --output=%s/%s/%%A_%%a.out\n", dir, SlurmLogs)
	fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", max(j.CPUs, 1))
	if j.Partition != "" {
		fmt.Fprintf(&b, "#SBATCH --partition=%s\n", j.Partition)
	}
	if j.Time != "" {
		fmt.Fprintf(&b, "#SBATCH --time=%s\n", j.Time)
	}
	if j.Mem != "" {
		fmt.Fprintf(&b, "#SBATCH --mem=%s\n", j.Mem)
	}
	for _, o := range j.Opts {
		fmt.Fprintf(&b, "#SBATCH %s\n", o)
	}
	fmt.Fprintf(&b, "exec '%s' sweep task '%s' \"$SLURM_ARRAY_TASK_ID\"\n", j.Pgrad, dir)
	return b.String(), nil
}
