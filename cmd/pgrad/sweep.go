package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pgrad/pgrad/internal/progress"
	"github.com/pgrad/pgrad/stats"
	"github.com/pgrad/pgrad/sweep"
)

func init() {
	commands["sweep"] = command{
		summary: "run a grid of settings × seeds and report it: pgrad sweep <env> -seeds 1-20 -out DIR [flags]",
		run:     runSweep,
	}
}

const sweepAbout = `Runs every combination of the listed values × every seed as one 'pgrad train <env>'
task each, locally on -jobs cores or as a Slurm job array, and reports the final
performance of each combination with rliable's statistics: mean, median and
interquartile mean (IQM) with 95 % stratified bootstrap intervals, the
probability of improvement between combinations, a performance profile and the
mean learning curves with bands.

Every flag of 'pgrad train <env>' is accepted and may list values: -lr 1e-4,3e-4
-algo ppo,a2c. For flags whose own values hold commas (-hidden 64,64, -goal 0,2,
-pits, -target, -distractor), give each value by repeating the flag:
-hidden 64,64 -hidden 128,128. A boolean flag lists values with '=':
-anneal=true,false. -seed, -out, -csv, -json, -quiet and -resume are the sweep's.

DIR gets sweep.json (the manifest: every task's full configuration and seed),
runs/<task>/ (each task's files, as 'pgrad train' writes them, and task.json
with their checksums), report.md, report.json, profile.svg and curves.svg.
Running the same command again resumes: complete tasks whose files match their
checksums are skipped; interrupted, failed, half-written or altered ones run
again (the report names those redone).

Other forms:
  pgrad sweep task DIR INDEX   run task INDEX of DIR (what each Slurm array element runs)
  pgrad sweep status DIR       pending, running, done and failed tasks (and squeue/sacct)
  pgrad sweep report DIR       write and print the report of the tasks done so far`

// sweepFlags are the sweep's own flags.
type sweepFlags struct {
	seeds, out, backend  *string
	jobs                 *int
	force, submit, quiet *bool
	resamples            *int
	bootSeed             *uint64
	partition, time, mem *string
	cpus, parallel       *int
	slurmOpts            stringList
}

type stringList []string

func (l *stringList) String() string { return strings.Join(*l, " ") }
func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

func newSweepFlagSet(prog string) (*flag.FlagSet, *sweepFlags) {
	fs := newFlagSet(prog, "<env> -out DIR [-seeds LIST] [sweep flags] [train flags with lists of values]", sweepAbout)
	f := &sweepFlags{}
	f.seeds = fs.String("seeds", "1-10", "seeds of every combination: numbers and ranges, e.g. 1-20 or 1,5,10-12")
	f.out = fs.String("out", "", "the sweep's directory (required)")
	f.jobs = fs.Int("jobs", runtime.NumCPU(), "tasks run at once by the local backend (default: the number of CPUs)")
	f.force = fs.Bool("force", false, "replace the manifest of a different sweep in -out (tasks that still match keep their results)")
	f.backend = fs.String("backend", "local", "local (a worker pool on this machine) or slurm (a job array submitted with sbatch)")
	f.submit = fs.Bool("submit", true, "with -backend slurm: submit DIR/sweep.sbatch with sbatch (false: only write it)")
	f.partition = fs.String("slurm-partition", "", "Slurm partition (#SBATCH --partition); empty: the cluster's default")
	f.time = fs.String("slurm-time", "", "time limit of each array task, e.g. 1:00:00 (#SBATCH --time); empty: the partition's default")
	f.cpus = fs.Int("slurm-cpus", 1, "CPUs of each array task (#SBATCH --cpus-per-task)")
	f.mem = fs.String("slurm-mem", "", "memory of each array task, e.g. 2G (#SBATCH --mem); empty: the cluster's default")
	f.parallel = fs.Int("slurm-parallel", 100, "array tasks running at once (the K of #SBATCH --array=0-N%K)")
	fs.Var(&f.slurmOpts, "slurm-opt", "an extra #SBATCH line's option, e.g. --qos=short (repeat the flag for several)")
	f.resamples = fs.Int("resamples", 10000, "bootstrap resamples of each interval")
	f.bootSeed = fs.Uint64("boot-seed", 1, "seed of the bootstrap resampling")
	f.quiet = fs.Bool("quiet", false, "no progress bar")
	return fs, f
}

// sweepOwned are train flags the sweep sets itself.
var sweepOwned = map[string]string{
	"seed": "give the seeds with -seeds", "out": "the sweep writes each task's run into DIR/runs/<task>",
	"csv": "the sweep writes each task's curve into its run directory", "json": "the sweep reads each task's summary itself",
	"quiet":  "the sweep's -quiet applies to its own progress bar",
	"resume": "a sweep resumes by running the same command again",
}

func sweepUsage(w io.Writer) {
	fs, _ := newSweepFlagSet("pgrad sweep")
	fs.SetOutput(w)
	fs.Usage()
	fmt.Fprintln(w, "\nTrain flags: every flag that 'pgrad train <env> -h' lists, with lists of values, except -seed,")
	fmt.Fprintln(w, "-out, -csv, -json, -quiet and -resume. 'pgrad sweep <env> -h' lists those of one environment.")
	listCommands(w, "Environments", trainers)
}

func runSweep(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return usageErr(stderr, "pgrad sweep", errors.New("missing the environment (see 'pgrad sweep -h')"))
	}
	switch args[0] {
	case "-h", "-help", "--help":
		sweepUsage(stdout)
		return 0
	case "task":
		return runSweepTask(args[1:], stdout, stderr)
	case "status":
		return runSweepStatus(args[1:], stdout, stderr)
	case "report":
		return runSweepReport(args[1:], stdout, stderr)
	}
	envName := args[0]
	prog := "pgrad sweep " + envName
	if _, ok := trainers[envName]; !ok {
		names := strings.Join(slices.Sorted(maps.Keys(trainers)), ", ")
		return usageErr(stderr, "pgrad sweep", fmt.Errorf("unknown environment %q: want one of %s (see 'pgrad sweep -h')", envName, names))
	}
	def, err := probe(envName, nil)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	fs, f := newSweepFlagSet(prog)
	own, params, err := splitSweepArgs(fs, def.fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		fmt.Fprintf(stdout, "\nTrain flags of %s (each may list values):\n", envName)
		def.fs.SetOutput(stdout)
		def.fs.VisitAll(func(fl *flag.Flag) {
			if _, owned := sweepOwned[fl.Name]; !owned {
				typ, usage := flag.UnquoteUsage(fl)
				fmt.Fprintf(stdout, "  -%s %s\n    \t%s (default %q)\n", fl.Name, typ, usage, fl.DefValue)
			}
		})
		return 0
	}
	if err != nil {
		return usageErr(stderr, prog, err)
	}
	if st, ok := parseFlags(fs, own, stdout, stderr); !ok {
		return st
	}
	if *f.out == "" {
		return usageErr(stderr, prog, errors.New("-out DIR is required (see 'pgrad sweep -h')"))
	}
	if *f.backend != "local" && *f.backend != "slurm" {
		return usageErr(stderr, prog, fmt.Errorf("-backend %q: want local or slurm", *f.backend))
	}
	if *f.jobs < 1 || *f.jobs > 4096 {
		return usageErr(stderr, prog, fmt.Errorf("-jobs %d is out of range (1 to 4096)", *f.jobs))
	}
	boot := stats.Bootstrap{Resamples: *f.resamples, Seed: *f.bootSeed}
	if *f.resamples < 1 || *f.resamples > stats.MaxResamples {
		return usageErr(stderr, prog, fmt.Errorf("-resamples %d is out of range (1 to %d)", *f.resamples, stats.MaxResamples))
	}
	seeds, err := sweep.ParseSeeds(*f.seeds)
	if err != nil {
		return usageErr(stderr, prog, fmt.Errorf("-seeds: %s", strings.TrimPrefix(err.Error(), sweep.ErrSeeds.Error()+": ")))
	}
	var slurm *slurmSpec
	if *f.backend == "slurm" {
		if slurm, err = newSlurmSpec(f); err != nil {
			return usageErr(stderr, prog, err)
		}
	}
	// Every combination is checked by train's own parsing before anything
	// is written.
	resolved := map[string]json.RawMessage{}
	m, err := sweep.NewManifest(envName, params, seeds, func(_ string, c sweep.Combination, seed uint64) (json.RawMessage, error) {
		key := c.Label(params) + "\x00" + fmt.Sprint(c)
		if r, ok := resolved[key]; ok {
			return r, nil
		}
		p, err := probe(envName, trainArgs(sweep.Task{Settings: c, Seed: seed}))
		if err != nil {
			return nil, err
		}
		if cp, ok := p.config.(controlProbe); ok && cp.Eval == 0 {
			return nil, errors.New("-eval 0: the report's final performance is the evaluation return; give -eval 1 or more")
		}
		b, err := json.Marshal(p.config)
		if err != nil {
			return nil, err
		}
		resolved[key] = b
		return b, nil
	})
	if err != nil {
		return usageErr(stderr, prog, errors.New(strings.TrimPrefix(err.Error(), "sweep: ")))
	}
	m.Score, m.CurveX, m.CurveY = sweepScore(envName)
	if slurm != nil && *f.submit {
		if err := slurm.checkSbatch(); err != nil {
			return usageErr(stderr, prog, err)
		}
	}
	if st := prepareSweepDir(prog, *f.out, m, *f.force, stderr); st != 0 {
		return st
	}
	if slurm != nil {
		return slurm.launch(prog, *f.out, m, *f.submit, stdout, stderr)
	}
	return runSweepLocal(prog, *f.out, m, *f.jobs, *f.quiet, boot, stdout, stderr)
}

// splitSweepArgs separates the sweep's own flags (returned as arguments
// for sweepFS) from train's, which become the grid's parameters in the
// order train lists them.
func splitSweepArgs(sweepFS, trainFS *flag.FlagSet, args []string) (own []string, params []sweep.Param, err error) {
	values := map[string][]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, ok := strings.CutPrefix(a, "-")
		if !ok || name == "" {
			return nil, nil, fmt.Errorf("unexpected argument %q: flags only (see 'pgrad sweep -h')", a)
		}
		name = strings.TrimPrefix(name, "-")
		switch name {
		case "h", "help":
			return nil, nil, flag.ErrHelp
		}
		name, val, hasVal := strings.Cut(name, "=")
		isBool := func(f *flag.Flag) bool {
			b, ok := f.Value.(interface{ IsBoolFlag() bool })
			return ok && b.IsBoolFlag()
		}
		if f := sweepFS.Lookup(name); f != nil {
			if !hasVal && !isBool(f) {
				if i+1 >= len(args) {
					return nil, nil, fmt.Errorf("flag needs an argument: -%s", name)
				}
				i++
				val, hasVal = args[i], true
			}
			if hasVal {
				own = append(own, "-"+name+"="+val)
			} else {
				own = append(own, "-"+name)
			}
			continue
		}
		if why, owned := sweepOwned[name]; owned {
			return nil, nil, fmt.Errorf("-%s is not a sweep flag: %s", name, why)
		}
		f := trainFS.Lookup(name)
		if f == nil {
			return nil, nil, fmt.Errorf("flag provided but not defined: -%s (see 'pgrad sweep %s -h')", name, strings.TrimPrefix(trainFS.Name(), "pgrad train "))
		}
		if !hasVal {
			if isBool(f) {
				val = "true"
			} else if i+1 < len(args) {
				i++
				val = args[i]
			} else {
				return nil, nil, fmt.Errorf("flag needs an argument: -%s", name)
			}
		}
		alts := []string{val}
		if !tupleFlag(f) {
			alts = strings.Split(val, ",")
		}
		for _, v := range alts {
			if strings.TrimSpace(v) == "" {
				return nil, nil, fmt.Errorf("-%s: an empty value in %q: the grid would be empty", name, val)
			}
			if slices.Contains(values[name], v) {
				return nil, nil, fmt.Errorf("-%s: %s is listed twice", name, v)
			}
			values[name] = append(values[name], v)
		}
	}
	trainFS.VisitAll(func(f *flag.Flag) {
		if v, ok := values[f.Name]; ok {
			params = append(params, sweep.Param{Name: f.Name, Values: v})
		}
	})
	return own, params, nil
}

// tupleFlag reports whether a value of f may itself hold commas (cells,
// points, widths), so that its alternatives come one per occurrence.
func tupleFlag(f *flag.Flag) bool {
	typ, _ := flag.UnquoteUsage(f)
	switch typ {
	case "float", "int", "uint", "duration", "":
		return false
	case "string":
		return strings.Contains(f.DefValue, ",")
	}
	return true
}

// prepareSweepDir makes dir and writes m there, unless dir holds a
// different sweep (or other files) and force is false.
func prepareSweepDir(prog, dir string, m *sweep.Manifest, force bool, stderr io.Writer) int {
	old, err := sweep.ReadManifest(dir)
	switch {
	case err == nil && sweep.Same(old, m):
		return 0
	case err == nil && !force:
		return usageErr(stderr, prog, fmt.Errorf("-out %s holds a different sweep (%s, %d tasks); give -force to replace its manifest (tasks that still match keep their results)", dir, old.Env, len(old.Tasks)))
	case errors.Is(err, sweep.ErrNoManifest):
		if ents, _ := os.ReadDir(dir); len(ents) > 0 && !force {
			return usageErr(stderr, prog, fmt.Errorf("-out %s holds files but no sweep.json; give an empty or new directory, or -force", dir))
		}
	case err != nil && !errors.Is(err, os.ErrNotExist) && !force:
		return usageErr(stderr, prog, fmt.Errorf("-out %s: %v; give -force to replace it", dir, err))
	}
	if err := os.MkdirAll(filepath.Join(dir, sweep.RunsDir), 0o755); err != nil {
		fmt.Fprintf(stderr, "%s: -out: %v\n", prog, err)
		return 1
	}
	if err := sweep.WriteManifest(dir, m); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	return 0
}

func taskLabel(m *sweep.Manifest, i int) string {
	t := m.Tasks[i]
	for _, c := range m.Configs {
		if c.ID == t.Config {
			return fmt.Sprintf("%s (%s, seed %d)", t.ID, c.Label, t.Seed)
		}
	}
	return t.ID
}

func runSweepLocal(prog, dir string, m *sweep.Manifest, jobs int, quiet bool, boot stats.Bootstrap, stdout, stderr io.Writer) int {
	r, err := newCLIRunner(m.Env)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	var (
		mu   sync.Mutex
		bar  *progress.Bar
		last sweep.Progress
	)
	draw := func() {
		bar.Set(int64(last.Done+last.Failed), fmt.Sprintf("done %d  running %d  failed %d", last.Done, last.Running, last.Failed))
	}
	opt := sweep.Options{Jobs: jobs}
	if !quiet {
		opt.OnProgress = func(p sweep.Progress) {
			mu.Lock()
			defer mu.Unlock()
			if bar == nil {
				bar = progress.New(stderr, int64(p.Total), "tasks")
			}
			last = p
			draw()
		}
		// The bar throttles redraws, so a task that starts just after
		// another ends would not show until the next event: redraw twice a
		// second too.
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-done:
					return
				case <-tick.C:
				}
				mu.Lock()
				if bar != nil {
					draw()
				}
				mu.Unlock()
			}
		}()
	}
	ctx, stop := interruptContext()
	defer stop()
	out, err := sweep.RunLocal(ctx, dir, m, r, opt)
	mu.Lock()
	if bar != nil {
		bar.Finish()
	}
	mu.Unlock()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	for _, id := range slices.Sorted(maps.Keys(out.Redone)) {
		fmt.Fprintf(stderr, "%s: task %s was redone: %s\n", prog, id, out.Redone[id])
	}
	for _, i := range out.Failed {
		st := sweep.Check(dir, m, i)
		msg := ""
		if st.Record != nil {
			msg = st.Record.Error
		}
		fmt.Fprintf(stderr, "%s: task %s failed: %s\n", prog, taskLabel(m, i), msg)
	}
	fmt.Fprintf(stderr, "%s: %d tasks: %d done now, %d already complete, %d failed", prog, len(m.Tasks), out.Done, out.Skipped, len(out.Failed))
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, ", %d interrupted, %d not started; run the same command again to resume\n", len(out.Interrupted), out.NotStarted)
	} else {
		fmt.Fprintln(stderr)
	}
	if st := writeSweepReport(prog, dir, m, boot, stdout, stderr); st != 0 {
		return st
	}
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case len(out.Failed) > 0:
		return 1
	}
	return 0
}

func writeSweepReport(prog, dir string, m *sweep.Manifest, boot stats.Bootstrap, stdout, stderr io.Writer) int {
	rep, err := sweep.BuildReport(dir, m, boot)
	if err != nil {
		fmt.Fprintf(stderr, "%s: report: %v\n", prog, err)
		return 1
	}
	if err := rep.Write(dir); err != nil {
		fmt.Fprintf(stderr, "%s: report: %v\n", prog, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s · final performance: %s\n\n", m.Env, m.Score)
	rep.Table(stdout)
	fmt.Fprintf(stdout, "\n%d of %d tasks complete; written %s/{%s,%s,%s,%s}\n", rep.Complete, rep.Tasks, dir, sweep.ReportMD, sweep.ReportJSON, sweep.ProfileSVG, sweep.CurvesSVG)
	return 0
}

// readSweepDir reads the manifest of the sweep in dir for prog, printing
// the error.
func readSweepDir(prog, dir string, stderr io.Writer) (*sweep.Manifest, int) {
	m, err := sweep.ReadManifest(dir)
	if err != nil {
		return nil, usageErr(stderr, prog, errors.New(strings.TrimPrefix(err.Error(), "sweep: ")))
	}
	if _, ok := trainers[m.Env]; !ok {
		return nil, usageErr(stderr, prog, fmt.Errorf("%s is a sweep of %q, which this pgrad cannot train", dir, m.Env))
	}
	return m, 0
}

func runSweepReport(args []string, stdout, stderr io.Writer) int {
	prog := "pgrad sweep report"
	fs := newFlagSet(prog, "DIR [flags]", "Writes DIR/report.md, report.json, profile.svg and curves.svg from the tasks of the sweep in\nDIR that are complete and verified, and prints the table.")
	resamples := fs.Int("resamples", 10000, "bootstrap resamples of each interval")
	bootSeed := fs.Uint64("boot-seed", 1, "seed of the bootstrap resampling")
	dir, st, ok := dirArg(fs, args, stdout, stderr)
	if !ok {
		return st
	}
	if *resamples < 1 || *resamples > stats.MaxResamples {
		return usageErr(stderr, prog, fmt.Errorf("-resamples %d is out of range (1 to %d)", *resamples, stats.MaxResamples))
	}
	m, st := readSweepDir(prog, dir, stderr)
	if m == nil {
		return st
	}
	return writeSweepReport(prog, dir, m, stats.Bootstrap{Resamples: *resamples, Seed: *bootSeed}, stdout, stderr)
}

// dirArg parses flags around the one argument DIR.
func dirArg(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (string, int, bool) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if st, ok := parseFlags(fs, args, stdout, stderr); !ok {
			return "", st, false
		}
		return "", usageErr(stderr, fs.Name(), fmt.Errorf("missing DIR (see '%s -h')", fs.Name())), false
	}
	if st, ok := parseFlags(fs, args[1:], stdout, stderr); !ok {
		return "", st, false
	}
	return args[0], 0, true
}

func runSweepTask(args []string, stdout, stderr io.Writer) int {
	prog := "pgrad sweep task"
	fs := newFlagSet(prog, "DIR INDEX", "Runs task INDEX (from 0) of the sweep in DIR, unless it is complete and verified:\nwhat each element of the Slurm job array runs. Exit 0 done, 1 failed, 130 interrupted.")
	if len(args) != 2 || strings.HasPrefix(args[0], "-") {
		if st, ok := parseFlags(fs, args, stdout, stderr); !ok {
			return st
		}
		return usageErr(stderr, prog, errors.New("want DIR INDEX (see 'pgrad sweep task -h')"))
	}
	m, st := readSweepDir(prog, args[0], stderr)
	if m == nil {
		return st
	}
	var i int
	if _, err := fmt.Sscan(args[1], &i); err != nil || i < 0 || i >= len(m.Tasks) || fmt.Sprint(i) != args[1] {
		return usageErr(stderr, prog, fmt.Errorf("INDEX %q is not a task of %s (0 to %d)", args[1], args[0], len(m.Tasks)-1))
	}
	state := sweep.Check(args[0], m, i)
	if state.Status == sweep.Done {
		fmt.Fprintf(stdout, "task %s is complete and verified; nothing to do\n", taskLabel(m, i))
		return 0
	}
	r, err := newCLIRunner(m.Env)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	ctx, stop := interruptContext()
	defer stop()
	rec, err := sweep.RunTask(ctx, args[0], m, i, r, state.Why)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	fmt.Fprintf(stdout, "task %s: %s", taskLabel(m, i), rec.Status)
	if rec.Score != nil {
		fmt.Fprintf(stdout, ", score %g", *rec.Score)
	}
	fmt.Fprintln(stdout)
	switch rec.Status {
	case sweep.Done:
		return 0
	case sweep.Interrupted:
		fmt.Fprintf(stderr, "%s: interrupted: %s\n", prog, rec.Error)
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "%s: task %s failed: %s\n", prog, m.Tasks[i].ID, rec.Error)
	return 1
}
