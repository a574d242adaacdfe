package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/progress"
	"github.com/pgrad/pgrad/lab"
	"github.com/pgrad/pgrad/pg"
	"github.com/pgrad/pgrad/pg/deep"
)

func init() {
	commands["bench"] = command{
		summary: "measure training speed: pgrad bench gridworld|field|cartpole [flags]",
		run: func(args []string, stdout, stderr io.Writer) int {
			return dispatch(benches, "pgrad bench", "target", benchUsage, args, stdout, stderr)
		},
	}
	benches["gridworld"] = command{"rollouts/s of whole default training runs on the 3×3 world, one core", benchGrid}
	benches["field"] = command{"rollouts/s of whole default training runs of the Gaussian field, one core", benchField}
	benches["cartpole"] = command{"PPO with CleanRL's configuration on CartPole-v1: steps and seconds to a mean return of 475", benchCartPole}
}

func benchUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: pgrad bench <target> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Measures how fast pgrad trains; bench/run.sh ('make bench') runs every target")
	fmt.Fprintln(w, "beside its reference implementation and prints the ratios.")
	listCommands(w, "Targets", benches)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'pgrad bench <target> -h' for the flags of one target.")
}

// newBenchFlags returns the FlagSet of one bench target, with its -json
// flag.
func newBenchFlags(name, about string) (*flag.FlagSet, *bool) {
	fs := newFlagSet("pgrad bench "+name, "[flags]", about)
	what := "one JSON object"
	if name == "cartpole" {
		what = "one JSON object per seed"
	}
	return fs, fs.Bool("json", false, "print "+what+" instead of a summary (bench/run.sh reads it)")
}

// maxBenchRollouts bounds -rollouts so that a typo cannot start a run of
// hours; a training run of the 3×3 world needs a few thousand.
const maxBenchRollouts = 100_000_000

// tabularResult is what "pgrad bench gridworld|field -json" prints.
type tabularResult struct {
	Bench             string       `json:"bench"`
	Impl              string       `json:"impl"`
	Go                string       `json:"go"`
	Threads           int          `json:"threads"` // goroutines doing the work: one
	GOMAXPROCS        int          `json:"gomaxprocs"`
	Settings          lab.Settings `json:"settings"`
	Runs              int          `json:"runs"`
	RolloutsPerRun    int          `json:"rollouts_per_run"`
	Rollouts          int          `json:"rollouts"`
	Seconds           float64      `json:"seconds"`
	RolloutsPerSecond float64      `json:"rollouts_per_second"`
	SuccessRateMean   float64      `json:"success_rate_last100_mean"`
	SuccessRateMin    float64      `json:"success_rate_last100_min"`
	MeanReturn        float64      `json:"mean_return_last100"`
	// GreedyReachesGoal counts the gridworld runs whose greedy path from the
	// start ends at the goal.
	GreedyReachesGoal *int `json:"greedy_reaches_goal,omitempty"`
	// MuError is the largest distance of the field's μ from the target at
	// the end of a run; Target and Width describe the field.
	MuError *float64    `json:"mu_error_max,omitempty"`
	Target  *[2]float64 `json:"target,omitempty"`
	Width   *float64    `json:"width,omitempty"`
	// Constants are the fixed numbers of the algorithm that are not
	// settings; the numpy references print theirs, and the report flags a
	// difference.
	Constants map[string]float64 `json:"constants"`
	// Interrupted marks a measurement that Ctrl-C cut short: the runs
	// finished before it.
	Interrupted bool `json:"interrupted,omitempty"`
}

// tabularFlags holds the flags common to the gridworld and field benches.
type tabularFlags struct {
	rollouts  *int
	runs      *int
	benchtime *time.Duration
	seed      *uint64
	set       *lab.Settings
}

// newTabularFlags registers the flags; rollouts is the length of a default
// training run, as "pgrad train" has it.
func newTabularFlags(fs *flag.FlagSet, def lab.Settings, rollouts int) tabularFlags {
	return tabularFlags{
		rollouts:  fs.Int("rollouts", rollouts, "rollouts per training run (each run starts afresh)"),
		runs:      fs.Int("runs", 1, "train at least this many runs"),
		benchtime: fs.Duration("benchtime", 2*time.Second, "keep training whole runs, one after another, until this much time has passed (and -runs runs)"),
		seed:      fs.Uint64("seed", 1, "seed of the first run; run i uses seed+i"),
		set:       settingsFlags(fs, def),
	}
}

func (f tabularFlags) check() error {
	if *f.rollouts < 1 || *f.rollouts > maxBenchRollouts {
		return fmt.Errorf("-rollouts %d is out of range (1 to %d)", *f.rollouts, maxBenchRollouts)
	}
	if *f.runs < 1 || *f.runs > maxBenchRollouts / *f.rollouts {
		return fmt.Errorf("-runs %d is out of range (1 to %d with -rollouts %d)", *f.runs, maxBenchRollouts / *f.rollouts, *f.rollouts)
	}
	if *f.benchtime <= 0 || *f.benchtime > time.Hour {
		return fmt.Errorf("-benchtime %v is out of range (above 0, at most 1h)", *f.benchtime)
	}
	_, err := f.set.Config()
	return err
}

// session is what benchTabular needs of a lab session.
type session interface {
	Step(n int) error
}

// benchTabular trains whole runs from scratch, one after another on one
// goroutine, until at least runs runs and benchtime have passed, and times only the training:
// building the session and its Step calls. newRun builds run i; finish
// reads the success rate and mean return of its last 100 rollouts after
// the clock has stopped.
// When ctx is done it stops after the current run and marks the result
// interrupted.
func benchTabular(ctx context.Context, name string, f tabularFlags, newRun func(seed uint64) (session, error), finish func(s session) (success, ret float64)) (tabularResult, error) {
	r := tabularResult{
		Bench: name, Impl: "pgrad", Go: runtime.Version(), Threads: 1, GOMAXPROCS: runtime.GOMAXPROCS(0),
		Settings: *f.set, RolloutsPerRun: *f.rollouts, SuccessRateMin: 1,
	}
	var elapsed time.Duration
	var sumSuccess, sumReturn float64
	for r.Runs < *f.runs || elapsed < *f.benchtime {
		if ctx.Err() != nil {
			r.Interrupted = true
			break
		}
		t0 := time.Now()
		s, err := newRun(*f.seed + uint64(r.Runs))
		if err != nil {
			return r, err
		}
		if err := s.Step(*f.rollouts); err != nil {
			return r, err
		}
		elapsed += time.Since(t0)
		r.Runs++
		success, ret := finish(s)
		sumSuccess += success
		sumReturn += ret
		r.SuccessRateMin = min(r.SuccessRateMin, success)
	}
	r.Rollouts = r.Runs * r.RolloutsPerRun
	r.Seconds = elapsed.Seconds()
	if r.Runs == 0 { // interrupted before the first run ended
		r.SuccessRateMin = 0
		return r, nil
	}
	r.RolloutsPerSecond = float64(r.Rollouts) / r.Seconds
	r.SuccessRateMean = sumSuccess / float64(r.Runs)
	r.MeanReturn = sumReturn / float64(r.Runs)
	return r, nil
}

func benchGrid(args []string, stdout, stderr io.Writer) int {
	fs, jsonOut := newBenchFlags("gridworld", "Trains REINFORCE on the default 3×3 world (lab.NewGrid + Step) from scratch, run\nafter run on one goroutine, and reports rollouts per second over the whole runs,\nwith the success rate over the last 100 rollouts of each run. The defaults are\nthe browser's (lab.DefaultSettings).")
	f := newTabularFlags(fs, lab.DefaultSettings(), 2000)
	if status, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return status
	}
	if err := f.check(); err != nil {
		return usageErr(stderr, fs.Name(), err)
	}
	cfg := env.DefaultGrid()
	greedy := 0
	ctx, stop := interruptContext()
	defer stop()
	r, err := benchTabular(ctx, "gridworld", f,
		func(seed uint64) (session, error) { return lab.NewGrid(cfg, *f.set, seed) },
		func(s session) (float64, float64) {
			g := s.(*lab.Grid)
			if g.Snapshot(0).GreedyEnd == env.Goal {
				greedy++
			}
			return g.Window()
		})
	if err != nil {
		fmt.Fprintf(stderr, "pgrad bench gridworld: %v\n", err)
		return 1
	}
	r.GreedyReachesGoal = &greedy
	r.Constants = map[string]float64{"baseline_rate": pg.BaselineRate, "step_cap": float64(cfg.Steps())}
	return printTabular(stdout, stderr, *jsonOut, r, fmt.Sprintf("greedy path reaches the goal in %d/%d runs", greedy, r.Runs))
}

func benchField(args []string, stdout, stderr io.Writer) int {
	fs, jsonOut := newBenchFlags("field", "Trains the 2-D Gaussian policy on the default field (lab.NewField + Step) from\nscratch, run after run on one goroutine, and reports rollouts per second over the\nwhole runs, with the success rate over the last 100 rollouts of each run. The\ndefaults are the browser's (lab.DefaultFieldSettings).")
	f := newTabularFlags(fs, lab.DefaultFieldSettings(), 3000)
	if status, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return status
	}
	if err := f.check(); err != nil {
		return usageErr(stderr, fs.Name(), err)
	}
	cfg := env.DefaultField()
	muErr := 0.0
	ctx, stop := interruptContext()
	defer stop()
	r, err := benchTabular(ctx, "field", f,
		func(seed uint64) (session, error) { return lab.NewField(cfg, *f.set, seed) },
		func(s session) (float64, float64) {
			snap := s.(*lab.Field).Snapshot(0)
			muErr = max(muErr, math.Hypot(snap.Mu[0]-snap.Target[0], snap.Mu[1]-snap.Target[1]))
			return snap.SuccessRate, snap.MeanReturn
		})
	if err != nil {
		fmt.Fprintf(stderr, "pgrad bench field: %v\n", err)
		return 1
	}
	r.MuError, r.Target, r.Width = &muErr, &cfg.Target, &cfg.Width
	r.Constants = map[string]float64{
		"baseline_rate": pg.BaselineRate, "min_log_sigma": pg.MinLogSigma, "max_log_sigma": pg.MaxLogSigma,
		"initial_sigma": lab.InitialSigma, "success_reward": pg.FieldSuccess,
	}
	return printTabular(stdout, stderr, *jsonOut, r, fmt.Sprintf("μ ends within %.3f of the target", muErr))
}

// printTabular prints r and returns the exit status: exitInterrupted when
// Ctrl-C cut the measurement short.
func printTabular(w, stderr io.Writer, asJSON bool, r tabularResult, extra string) int {
	code := 0
	if r.Interrupted {
		fmt.Fprintf(stderr, "pgrad bench %s: interrupted after %d runs\n", r.Bench, r.Runs)
		code = exitInterrupted
	}
	if asJSON {
		if st := printJSON(w, stderr, r); st != 0 {
			return st
		}
		return code
	}
	if r.Runs == 0 {
		return code
	}
	fmt.Fprintf(w, "%s: %d runs × %d rollouts in %.2f s: %s rollouts/s on one goroutine (%s)\n",
		r.Bench, r.Runs, r.RolloutsPerRun, r.Seconds, progress.Human(r.RolloutsPerSecond), r.Go)
	fmt.Fprintf(w, "success rate over the last 100 rollouts: mean %.3f, min %.3f; %s\n",
		r.SuccessRateMean, r.SuccessRateMin, extra)
	return code
}

// parseSeeds reads a comma-separated list of seeds such as "1,2,3".
func parseSeeds(s string) ([]uint64, error) {
	var seeds []uint64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("-seeds %q: want comma-separated non-negative integers such as 1,2,3", s)
		}
		seeds = append(seeds, v)
	}
	return seeds, nil
}

// cartpoleResult is what "pgrad bench cartpole -json" prints, one per seed;
// bench/pytorch/ppo_cartpole.py prints the same fields.
type cartpoleResult struct {
	Bench      string  `json:"bench"`
	Impl       string  `json:"impl"`
	Go         string  `json:"go"`
	Seed       uint64  `json:"seed"`
	Threads    int     `json:"threads"` // goroutines that compute at once
	GOMAXPROCS int     `json:"gomaxprocs"`
	StopAt     float64 `json:"stop_at"`
	Reached    bool    `json:"reached"`
	// StepsToTarget and SecondsToTarget are taken at the end of the first
	// iteration (rollout and update) after which the mean return of the
	// last 20 finished episodes is at least StopAt.
	StepsToTarget   *int     `json:"steps_to_target"`
	SecondsToTarget *float64 `json:"seconds_to_target"`
	Steps           int      `json:"steps"`
	Seconds         float64  `json:"seconds"`
	StepsPerSecond  float64  `json:"steps_per_second"`
	FinalMeanReturn float64  `json:"final_mean_return"`
	// Interrupted marks a run that Ctrl-C cut short; later seeds do not run.
	Interrupted bool `json:"interrupted,omitempty"`
}

// ppoThreads is how many goroutines compute at once in a deep.Trainer: one,
// since its helper goroutine is off by default (see Trainer.SetParallel).
const ppoThreads = 1

func benchCartPole(args []string, stdout, stderr io.Writer) int {
	fs, jsonOut := newBenchFlags("cartpole", "Trains PPO with CleanRL's published configuration for CartPole-v1 (deep.CleanRL:\n4 envs × 128 steps, 4 minibatches × 4 epochs, lr 2.5e-4 annealed, 500,000 steps)\nonce per seed, and reports the steps and seconds until the mean return of the\nlast 20 finished episodes first reaches -stop-at (checked after each iteration),\nand the steps per second.")
	seedList := fs.String("seeds", "1,2,3", "comma-separated seeds, one run each")
	stopAt := fs.Float64("stop-at", 475, "the mean return (last 20 episodes) that ends a run")
	full := fs.Bool("full", false, "train all 500,000 steps even after reaching -stop-at")
	if status, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return status
	}
	seeds, err := parseSeeds(*seedList)
	if err != nil {
		return usageErr(stderr, fs.Name(), err)
	}
	if math.IsNaN(*stopAt) || math.IsInf(*stopAt, 0) {
		return usageErr(stderr, fs.Name(), fmt.Errorf("-stop-at %v must be a finite number", *stopAt))
	}
	ctx, stop := interruptContext()
	defer stop()
	for _, seed := range seeds {
		r, err := trainCartPole(ctx, seed, *stopAt, *full)
		if err != nil {
			fmt.Fprintf(stderr, "pgrad bench cartpole: seed %d: %v\n", seed, err)
			return 1
		}
		if r.Interrupted {
			fmt.Fprintf(stderr, "pgrad bench cartpole: interrupted in the run of seed %d\n", seed)
		}
		if *jsonOut {
			if st := printJSON(stdout, stderr, r); st != 0 {
				return st
			}
		} else if r.Reached {
			fmt.Fprintf(stdout, "seed %d: mean return %g after %d steps, %.2f s; %s steps/s (%d threads)\n",
				seed, r.StopAt, *r.StepsToTarget, *r.SecondsToTarget, progress.Human(r.StepsPerSecond), r.Threads)
		} else {
			fmt.Fprintf(stdout, "seed %d: did not reach %g in %d steps (%.2f s, %s steps/s, last mean %.1f)%s\n",
				seed, r.StopAt, r.Steps, r.Seconds, progress.Human(r.StepsPerSecond), r.FinalMeanReturn, interruptedNote(r.Interrupted))
		}
		if r.Interrupted {
			return exitInterrupted
		}
	}
	return 0
}

// trainCartPole runs one seed of the CleanRL configuration, timing from
// the trainer's construction (networks, environments, first reset) on.
// When ctx is done it stops after the current iteration and marks the
// result interrupted.
func trainCartPole(ctx context.Context, seed uint64, stopAt float64, full bool) (cartpoleResult, error) {
	r := cartpoleResult{
		Bench: "cartpole", Impl: "pgrad", Go: runtime.Version(), Seed: seed,
		Threads: min(ppoThreads, runtime.GOMAXPROCS(0)), GOMAXPROCS: runtime.GOMAXPROCS(0), StopAt: stopAt,
	}
	start := time.Now()
	t, err := deep.New(deep.CleanRL(), seed)
	if err != nil {
		return r, err
	}
	var last deep.Stats
	err = t.Train(ctx, deep.RecorderFunc(func(s deep.Stats) error {
		last = s
		if !r.Reached && s.Recent >= stopAt {
			sec := time.Since(start).Seconds()
			steps := s.Steps
			r.Reached, r.StepsToTarget, r.SecondsToTarget = true, &steps, &sec
			if !full {
				return deep.ErrStop
			}
		}
		return nil
	}))
	r.Seconds = time.Since(start).Seconds()
	if errors.Is(err, context.Canceled) {
		r.Interrupted, err = true, nil
	}
	if err != nil {
		return r, err
	}
	r.Steps = last.Steps
	if r.Seconds > 0 {
		r.StepsPerSecond = float64(r.Steps) / r.Seconds
	}
	r.FinalMeanReturn = last.Recent
	return r, nil
}
