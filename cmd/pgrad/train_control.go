package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pgrad/pgrad/internal/plot"
	"github.com/pgrad/pgrad/internal/progress"
	"github.com/pgrad/pgrad/internal/rundir"
	"github.com/pgrad/pgrad/pg/deep"
	"github.com/pgrad/pgrad/pg/deep/record"
)

func init() {
	trainers["cartpole"] = command{
		summary: "CartPole-v1 with a neural policy: -algo reinforce|a2c|ppo",
		run:     func(args []string, stdout, stderr io.Writer) int { return runControl("cartpole", args, stdout, stderr) },
	}
	trainers["pendulum"] = command{
		summary: "Pendulum-v1 swing-up with a Gaussian policy: -algo reinforce|a2c|ppo",
		run:     func(args []string, stdout, stderr io.Writer) int { return runControl("pendulum", args, stdout, stderr) },
	}
	trainers["acrobot"] = command{
		summary: "Acrobot-v1 swing-up with a neural policy: -algo reinforce|a2c|ppo",
		run:     func(args []string, stdout, stderr io.Writer) int { return runControl("acrobot", args, stdout, stderr) },
	}
	trainers["mountaincar"] = command{
		summary: "MountainCarContinuous-v0 with a Gaussian policy: -algo reinforce|a2c|ppo",
		run: func(args []string, stdout, stderr io.Writer) int {
			return runControl("mountaincar", args, stdout, stderr)
		},
	}
}

// File names inside -out (internal/rundir writes and reads them).
const (
	checkpointFile = rundir.Checkpoint
	metricsFile    = rundir.Metrics
	curveFile      = rundir.Curve
	summaryFile    = rundir.Summary
)

// controlSummary is what "pgrad train <env> -json" prints.
type controlSummary struct {
	Env      string `json:"env"`
	Algo     string `json:"algo"`
	Preset   string `json:"preset,omitempty"`
	Seed     uint64 `json:"seed"`
	Steps    int    `json:"steps"`
	Episodes int    `json:"episodes"`
	// WallSeconds is this command's training time and StepsPerSecond the
	// steps it trained per second of it: after -resume, the Steps −
	// ResumedAtSteps steps since the checkpoint, not the whole run's.
	WallSeconds     float64     `json:"wall_seconds"`
	StepsPerSecond  float64     `json:"steps_per_second"`
	ResumedAtSteps  int         `json:"resumed_at_steps,omitempty"` // with -resume: the steps the checkpoint held
	FinalMeanReturn *float64    `json:"final_mean_return"`          // last 20 finished episodes; null before the first
	EvalEpisodes    int         `json:"eval_episodes,omitempty"`
	EvalMean        *float64    `json:"eval_mean,omitempty"`
	EvalStd         *float64    `json:"eval_std,omitempty"`
	EvalSeed        uint64      `json:"eval_seed"` // evalSeed(Seed): what 'pgrad eval' uses by default
	Stopped         string      `json:"stopped"`   // "completed", "stop-at", "iters", "interrupted", "diverged" or "env-error"
	Portable        bool        `json:"portable,omitempty"`
	Interrupted     bool        `json:"interrupted,omitempty"`
	Out             string      `json:"out,omitempty"`
	Config          deep.Config `json:"config"`
	// Files names the size and SHA-256 of every file of -out; summary.json
	// is written last, so a reader can tell a complete run from a torn one.
	Files rundir.Files `json:"files,omitempty"`
	// With -eval-every: the best periodic evaluation and its iteration
	// (its agent is best.ckpt).
	BestEvalMean      *float64 `json:"best_eval_mean,omitempty"`
	BestEvalIteration int      `json:"best_eval_iteration,omitempty"`
}

// bestFile is the agent of the best periodic evaluation, with -eval-every.
const bestFile = "best.ckpt"

// scanChoice returns the value of -name or --name (either "-name v" or
// "-name=v") in args, or def. The defaults of the other flags depend on
// the algorithm and the preset, so these two are read before the FlagSet
// is built.
func scanChoice(args []string, name, def string) string {
	v := def
	for i := 0; i < len(args); i++ {
		a := strings.TrimPrefix(strings.TrimPrefix(args[i], "-"), "-")
		if a == args[i] {
			continue
		}
		if a == name && i+1 < len(args) {
			v = args[i+1]
			i++
		} else if strings.HasPrefix(a, name+"=") {
			v = a[len(name)+1:]
		}
	}
	return v
}

func runControl(env string, args []string, stdout, stderr io.Writer) int {
	prog := "pgrad train " + env
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, prog+": "+format+"\n", a...)
		return 2
	}
	algo := scanChoice(args, "algo", deep.PPO)
	preset := scanChoice(args, "preset", "")
	var cfg deep.Config
	switch preset {
	case "":
		c, err := deep.Defaults(env, algo)
		if err != nil {
			return fail("%s", configFlagError(err))
		}
		cfg = c
	case "cleanrl":
		if env != "cartpole" || algo != deep.PPO {
			return fail("-preset cleanrl is CleanRL's PPO on CartPole-v1; it does not apply to -algo %s on %s", algo, env)
		}
		cfg = deep.CleanRL()
	default:
		return fail("unknown preset %q (the only preset is cleanrl)", preset)
	}

	shown := "-algo " + algo
	if preset != "" {
		shown += " -preset " + preset
	}
	fs := newFlagSet(prog, "[flags]", fmt.Sprintf("Trains a neural policy on %s. The defaults shown are those of %s.%s", envTitle(env), shown, envNote(env)))
	fs.String("algo", algo, "algorithm: reinforce (with a learned baseline), a2c or ppo; the other defaults below depend on it")
	fs.String("preset", preset, "cleanrl: exactly CleanRL's ppo.py configuration for CartPole-v1 (other flags given still override it)")
	seed := fs.Uint64("seed", 1, "random seed (networks, environments, sampling)")
	fs.IntVar(&cfg.TotalSteps, "steps", cfg.TotalSteps, "total environment steps over all copies")
	fs.IntVar(&cfg.Envs, "envs", cfg.Envs, "parallel copies of the environment")
	fs.IntVar(&cfg.Steps, "rollout", cfg.Steps, "steps per copy in each rollout (A2C's n)")
	fs.Float64Var(&cfg.Gamma, "gamma", cfg.Gamma, "discount factor γ")
	fs.Float64Var(&cfg.Lambda, "lambda", cfg.Lambda, "GAE λ (REINFORCE always uses 1)")
	fs.Float64Var(&cfg.LR, "lr", cfg.LR, "Adam learning rate")
	fs.BoolVar(&cfg.Anneal, "anneal", cfg.Anneal, "decay the learning rate linearly to 0 over the run (-lr-schedule linear)")
	fs.StringVar(&cfg.LRSchedule, "lr-schedule", cfg.LRSchedule, "learning-rate schedule: constant, linear or cosine (give -anneal=false with constant or cosine); empty: linear with -anneal, else constant")
	fs.Float64Var(&cfg.TargetKL, "target-kl", cfg.TargetKL, "end an update's epochs once the approximate KL of the epoch's last minibatch exceeds this (0: off)")
	fs.BoolVar(&cfg.NormObs, "norm-obs", cfg.NormObs, "normalise observations by their running mean and variance (saved in the checkpoint, frozen at evaluation)")
	fs.BoolVar(&cfg.NormReward, "norm-reward", cfg.NormReward, "divide rewards by the running standard deviation of the discounted return (instead of -reward-scale, whose effect it cancels)")
	fs.Float64Var(&cfg.AdamEps, "adam-eps", cfg.AdamEps, "Adam ε")
	fs.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "passes over each rollout")
	fs.IntVar(&cfg.Minibatches, "minibatches", cfg.Minibatches, "minibatches per pass")
	fs.Float64Var(&cfg.Clip, "clip", cfg.Clip, "PPO clip range ε (also the value clip range)")
	fs.BoolVar(&cfg.ClipValue, "clip-value", cfg.ClipValue, "clip value updates to ±clip around the rollout's values")
	fs.BoolVar(&cfg.NormAdv, "norm-adv", cfg.NormAdv, "normalise advantages in each minibatch")
	fs.Float64Var(&cfg.EntCoef, "ent", cfg.EntCoef, "entropy bonus coefficient")
	fs.Float64Var(&cfg.VFCoef, "vf", cfg.VFCoef, "value loss coefficient")
	fs.Float64Var(&cfg.MaxGradNorm, "max-grad-norm", cfg.MaxGradNorm, "global gradient-norm clip (0: off)")
	hidden := fs.String("hidden", cfg.Hidden.String(), "hidden layer widths of both networks, comma-separated")
	fs.StringVar(&cfg.Activation, "activation", cfg.Activation, "hidden activation: tanh or relu")
	fs.Float64Var(&cfg.LogStd0, "log-std", cfg.LogStd0, "initial log σ of the Gaussian policy (pendulum, mountaincar)")
	fs.BoolVar(&cfg.StateStd, "state-std", cfg.StateStd, "the Gaussian policy's log σ is an output of its network (depends on the state) instead of one free parameter per action dimension (pendulum, mountaincar)")
	fs.BoolVar(&cfg.Squash, "squash", cfg.Squash, "squash the Gaussian policy's actions with tanh into the bounds (log-probability corrected) instead of clipping them (pendulum, mountaincar)")
	fs.Float64Var(&cfg.RewardScale, "reward-scale", cfg.RewardScale, "multiply rewards by this before learning (returns are reported unscaled)")
	fs.BoolVar(&cfg.NoTruncationBootstrap, "no-trunc-bootstrap", cfg.NoTruncationBootstrap, "treat time-limit truncation as termination instead of bootstrapping from V(final observation)")
	stopAt := fs.Float64("stop-at", math.Inf(1), "end training once the mean return of the last 20 finished episodes reaches this")
	out := fs.String("out", "", "directory for metrics.csv, agent.ckpt, curve.svg and summary.json (written atomically, summary last); it must not hold another run")
	force := fs.Bool("force", false, "let -out replace a run the directory already holds")
	evalEps := fs.Int("eval", 100, "deterministic evaluation episodes after training (0: none)")
	jsonOut := fs.Bool("json", false, "print the summary as one JSON object")
	quiet := fs.Bool("quiet", false, "no progress bar")
	evalEvery := fs.Int("eval-every", 0, "evaluate the agent every this many iterations (deterministic, the evaluation seed) and keep the best one as best.ckpt in -out (0: off)")
	evalEveryEps := fs.Int("eval-every-episodes", 10, "episodes of each -eval-every evaluation")
	saveEvery := fs.Int("save-every", 0, "with -out, write a checkpoint that -resume continues every this many iterations (0: only at the end; Ctrl-C also writes one)")
	resume := fs.String("resume", "", "continue the run in this directory exactly where its checkpoint stopped, with the flags it was started with (-steps may raise the budget; -quiet and -json are this command's)")
	portable, iters := portableFlags(fs)
	if status, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return status
	}
	var rs resumeState
	var resumed *deep.Trainer
	if *resume != "" {
		stepsGiven := false
		var other string
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "resume", "quiet", "json":
			case "steps":
				stepsGiven = true
			default:
				other = f.Name
			}
		})
		if other != "" {
			return fail("-%s: with -resume the flags come from the run directory (only -steps, -quiet and -json may be given)", other)
		}
		var err error
		if resumed, rs, err = loadResume(*resume); err != nil {
			return fail("-resume: %s", strings.TrimPrefix(err.Error(), "deep: "))
		}
		if e := resumed.Config().Env; e != env {
			return fail("-resume: %s holds a run of %s, not %s", *resume, e, env)
		}
		if stepsGiven {
			if err := resumed.SetTotalSteps(cfg.TotalSteps); err != nil {
				return fail("%s", configFlagError(err))
			}
		}
		cfg = resumed.Config()
		*hidden, algo, preset, *seed, *out = cfg.Hidden.String(), cfg.Algo, rs.Preset, rs.Seed, *resume
		*evalEps, *saveEvery, *portable, *iters = rs.Eval, rs.SaveEvery, rs.Portable, 0
		*evalEvery, *evalEveryEps = rs.EvalEvery, max(rs.EvalEps, 1)
		if *stopAt, err = strconv.ParseFloat(rs.StopAt, 64); err != nil {
			return fail("-resume: bad stop-at %q in the checkpoint", rs.StopAt)
		}
	}
	if *evalEvery < 0 || *evalEveryEps < 1 || *evalEveryEps > maxEvalEpisodes {
		return fail("-eval-every %d -eval-every-episodes %d: want 0 or more iterations and 1 to %d episodes", *evalEvery, *evalEveryEps, maxEvalEpisodes)
	}
	if *saveEvery < 0 {
		return fail("-save-every must be 0 (only at the end) or positive, got %d", *saveEvery)
	}
	if *saveEvery > 0 && *out == "" {
		return fail("-save-every needs -out")
	}
	if *iters < 0 {
		return fail("-iters must be 0 (all) or positive, got %d", *iters)
	}
	setPortable(*portable)
	cfg.Algo = algo
	h, err := parseInts(*hidden)
	if err != nil {
		return fail("-hidden: %v", err)
	}
	if cfg.Hidden, err = deep.MakeLayers(h...); err != nil {
		return fail("%s", configFlagError(err))
	}
	if math.IsNaN(*stopAt) {
		return fail("-stop-at must be a number, got NaN")
	}
	if *evalEps < 0 || *evalEps > maxEvalEpisodes {
		return fail("-eval %d is out of range (0 to %d)", *evalEps, maxEvalEpisodes)
	}
	if err := cfg.Validate(); err != nil {
		return fail("%s", configFlagError(err))
	}
	if probeTrain(stdout, fs, newControlProbe(env, algo, preset, *evalEps, *stopAt, cfg)) {
		return 0
	}
	var rw *rundir.Writer
	if *out != "" {
		// Every output path is checked now, not after the training. A
		// directory holding another run is bad input; one that cannot be
		// made or written is a failure of the run.
		opt := rundir.Options{Force: *force, Resume: resumed != nil}
		if *evalEvery > 0 {
			opt.Files = append(slices.Clone(rundir.DataFiles), bestFile)
		}
		w, err := rundir.Begin(*out, opt)
		if errors.Is(err, rundir.ErrHoldsRun) {
			return fail("-out: %v", err)
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: -out: %v\n", prog, err)
			return 1
		}
		for _, n := range w.Cleaned {
			fmt.Fprintf(stderr, "%s: removed %s, left by an interrupted run\n", prog, filepath.Join(*out, n))
		}
		rw = w
	}

	tr := resumed
	if tr == nil {
		if tr, err = deep.New(cfg, *seed); err != nil {
			return fail("%v", err)
		}
	}
	stepsSet := false
	fs.Visit(func(f *flag.Flag) { stepsSet = stepsSet || f.Name == "steps" })
	// A default budget rounded down to whole rollouts is the default, not news.
	if b := tr.Budget(); b != cfg.TotalSteps && stepsSet {
		fmt.Fprintf(stderr, "%s: -steps %d is not a whole number of rollouts of -envs %d × -rollout %d; running %d steps (%d rollouts)\n",
			prog, cfg.TotalSteps, cfg.Envs, cfg.Steps, b, tr.Iterations())
	}
	sum := controlSummary{Env: env, Algo: algo, Preset: preset, Portable: *portable, Seed: *seed, EvalSeed: evalSeed(*seed), Out: *out, Stopped: "completed", Config: cfg}
	var metrics *record.CSV
	var metricsBuf bytes.Buffer
	curve := &record.Curve{}
	if *out != "" {
		// Kept in memory and written with the other files at the end, so
		// that a crash leaves the previous run's metrics.csv whole; a
		// checkpoint carries the rows so far, for -resume.
		if resumed != nil {
			metricsBuf.WriteString(rs.Metrics)
			metrics = record.ContinueCSV(&metricsBuf, tr.Steps())
			*curve = curveFromCSV(rs.Metrics)
		} else {
			metrics = record.NewCSV(&metricsBuf)
		}
	}
	rs = resumeState{Seed: *seed, Preset: preset, StopAt: strconv.FormatFloat(*stopAt, 'g', -1, 64), Eval: *evalEps,
		SaveEvery: *saveEvery, Portable: *portable, EvalEvery: *evalEvery, EvalEps: *evalEveryEps}
	// checkpoint is the bytes of agent.ckpt now: the agent and the run's
	// state, with this command's flags and the metrics so far; after a
	// divergence or a task's error, whose iteration was cut short, the
	// agent (the last good update's parameters) alone.
	stateOK := true
	checkpoint := func() ([]byte, error) {
		if !stateOK {
			return tr.Agent().Encode()
		}
		if err := metrics.Flush(); err != nil {
			return nil, err
		}
		rs.Metrics = metricsBuf.String()
		extra, err := json.Marshal(rs)
		if err != nil {
			return nil, err
		}
		return tr.Checkpoint(extra)
	}
	var bar *record.Progress
	if !*quiet {
		bar = record.NewProgress(stderr, tr.Budget())
	}
	ctx, stop := interruptContext()
	defer stop()
	if resumed != nil {
		sum.ResumedAtSteps = tr.Steps()
	}
	start := time.Now()
	stopAtRec := deep.RecorderFunc(func(s deep.Stats) error {
		if *iters > 0 && s.Iteration == *iters {
			sum.Stopped = "iters"
			return deep.ErrStop
		}
		if s.Recent >= *stopAt {
			sum.Stopped = "stop-at"
			return deep.ErrStop
		}
		return nil
	})
	recs := []deep.Recorder{curve}
	if bar != nil {
		recs = append(recs, bar)
	}
	if metrics != nil {
		recs = append(recs, metrics)
	}
	var best *record.Best
	if *evalEvery > 0 {
		best = record.NewBest(tr.Agent, *evalEvery, *evalEveryEps, sum.EvalSeed)
		recs = append(recs, best)
	}
	if *saveEvery > 0 {
		recs = append(recs, deep.RecorderFunc(func(s deep.Stats) error {
			if s.Iteration%*saveEvery != 0 {
				return nil
			}
			b, err := checkpoint()
			if err == nil {
				err = rw.Put(checkpointFile, b)
			}
			return err
		}))
	}
	recs = append(recs, stopAtRec)
	err = tr.Train(ctx, record.All(recs...))
	wall := time.Since(start).Seconds()
	if bar != nil {
		bar.Finish()
	}
	status := 0
	var diverged *deep.DivergedError
	var envErr *deep.EnvStepError
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		sum.Stopped, sum.Interrupted = "interrupted", true
		msg := fmt.Sprintf("interrupted after %d steps", tr.Steps())
		if *out != "" {
			msg += "; writing the checkpoint and the summary to " + *out
		}
		fmt.Fprintf(stderr, "%s: %s\n", prog, msg)
		status = exitInterrupted
	case errors.As(err, &diverged):
		sum.Stopped, stateOK = "diverged", false
		msg := fmt.Sprintf("%s at iteration %d", strings.TrimPrefix(err.Error(), "deep: "), diverged.Iteration)
		if *out != "" {
			msg += fmt.Sprintf("; %s holds the parameters before that update", filepath.Join(*out, checkpointFile))
		}
		fmt.Fprintf(stderr, "%s: %s\n", prog, msg)
		status = 1
	case errors.As(err, &envErr):
		// The task misbehaved: the parameters are those of the last
		// update, and they are written like a divergence's.
		sum.Stopped, stateOK = "env-error", false
		msg := strings.TrimPrefix(err.Error(), "deep: ")
		if *out != "" {
			msg += fmt.Sprintf("; %s holds the parameters of the last update", filepath.Join(*out, checkpointFile))
		}
		fmt.Fprintf(stderr, "%s: %s\n", prog, msg)
		status = 1
	default:
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	if best != nil && best.Checkpoint != nil {
		m := best.Mean
		sum.BestEvalMean, sum.BestEvalIteration = &m, best.Iteration
		if rw != nil {
			if err := rw.Put(bestFile, best.Checkpoint); err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", prog, err)
				return 1
			}
		}
	}
	// Milliseconds and whole steps per second: the clock gives no more.
	sum.Steps, sum.Episodes, sum.WallSeconds = tr.Steps(), tr.Episodes(), math.Round(wall*1000)/1000
	if wall > 0 {
		sum.StepsPerSecond = math.Round(float64(sum.Steps-sum.ResumedAtSteps) / wall)
	}
	if r := tr.Recent(); !math.IsNaN(r) {
		sum.FinalMeanReturn = &r
	}
	if *evalEps > 0 && status == 0 {
		var ebar *progress.Bar
		if !*quiet {
			ebar = progress.New(stderr, int64(*evalEps), "evaluation episodes")
		}
		rets, err := tr.Agent().EvaluateContext(ctx, *evalEps, false, sum.EvalSeed, func(n int) {
			if ebar != nil {
				ebar.Set(int64(n), "")
			}
		})
		if ebar != nil {
			ebar.Finish()
		}
		switch {
		case errors.Is(err, context.Canceled):
			// The training is whole; the evaluation is not, so it is left out.
			sum.Interrupted, status = true, exitInterrupted
			fmt.Fprintf(stderr, "%s: interrupted during the evaluation, after %d of %d episodes; the summary has none\n", prog, len(rets), *evalEps)
		case err != nil:
			return fail("%v", err)
		default:
			m, sd := meanStd(rets)
			sum.EvalEpisodes, sum.EvalMean, sum.EvalStd = len(rets), &m, &sd
		}
	}
	if *out != "" {
		if err := writeOutputs(rw, checkpoint, metrics, &metricsBuf, curve.Steps, curve.Returns, env, algo, sum); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prog, err)
			return 1
		}
	}
	if *jsonOut {
		if st := printJSON(stdout, stderr, sum); st != 0 {
			return st
		}
		return status
	}
	printControlSummary(stdout, sum)
	return status
}

// writeOutputs stages the run's files and commits them with the summary
// (rundir's Stage and Finish): a crash at any point leaves the directory
// holding the previous run or this one, whole. (A -save-every or
// -eval-every checkpoint, Put during the run, has already replaced the
// previous run's summary.)
func writeOutputs(w *rundir.Writer, checkpoint func() ([]byte, error), metrics *record.CSV, metricsBuf *bytes.Buffer, x, y []float64, env, algo string, sum controlSummary) error {
	if err := metrics.Flush(); err != nil {
		return err
	}
	if err := w.Stage(metricsFile, metricsBuf.Bytes()); err != nil {
		return err
	}
	chart := plot.Chart{
		Title:  fmt.Sprintf("%s · %s · seed %d", envTitle(env), strings.ToUpper(algo), sum.Seed),
		XLabel: "environment steps", YLabel: "mean return of the last 20 episodes",
		Series: []plot.Series{{Name: "training return", X: x, Y: y}},
	}
	if sum.EvalMean != nil && len(x) > 0 {
		chart.Series = append(chart.Series, plot.Series{Name: fmt.Sprintf("evaluation (%d episodes)", sum.EvalEpisodes), X: []float64{x[len(x)-1]}, Y: []float64{*sum.EvalMean}})
	}
	var svg bytes.Buffer
	if err := plot.WriteSVG(&svg, chart); err != nil {
		return err
	}
	if err := w.Stage(curveFile, svg.Bytes()); err != nil {
		return err
	}
	ck, err := checkpoint()
	if err != nil {
		return err
	}
	if err := w.Stage(checkpointFile, ck); err != nil {
		return err
	}
	sum.Files = w.Files()
	return w.Finish(sum)
}

// configFlags maps deep.Config's fields, as a *deep.ConfigError names
// them, to the flags that set them.
var configFlags = map[string]string{
	"Env": "<env>", "Algo": "-algo", "Envs": "-envs", "Steps": "-rollout", "TotalSteps": "-steps",
	"Gamma": "-gamma", "Lambda": "-lambda", "LR": "-lr", "AdamEps": "-adam-eps", "Epochs": "-epochs",
	"Minibatches": "-minibatches", "Clip": "-clip", "EntCoef": "-ent", "VFCoef": "-vf",
	"MaxGradNorm": "-max-grad-norm", "Hidden": "-hidden", "Activation": "-activation", "LogStd0": "-log-std",
	"RewardScale": "-reward-scale", "StateStd": "-state-std", "Squash": "-squash",
	"LRSchedule": "-lr-schedule", "TargetKL": "-target-kl", "NormObs": "-norm-obs", "NormReward": "-norm-reward",
}

// configFlagError says an error of deep.Config.Validate in the words of
// the command line, from the error's fields: Envs 0 becomes -envs 0.
func configFlagError(err error) string {
	var ce *deep.ConfigError
	if !errors.As(err, &ce) {
		return strings.TrimPrefix(err.Error(), "deep: ")
	}
	flag := func(field string) string {
		if f, ok := configFlags[field]; ok {
			return f
		}
		return field
	}
	msg := flag(ce.Field) + " " + ce.Value
	if ce.Other != "" {
		msg += " × " + flag(ce.Other) + " " + ce.OtherValue
	}
	return msg + ": " + ce.Rule
}

func printControlSummary(w io.Writer, s controlSummary) {
	fmt.Fprintf(w, "env          %s\n", envTitle(s.Env))
	fmt.Fprintf(w, "algo         %s\n", s.Algo)
	fmt.Fprintf(w, "seed         %d\n", s.Seed)
	fmt.Fprintf(w, "steps        %d (%s)\n", s.Steps, s.Stopped)
	fmt.Fprintf(w, "episodes     %d\n", s.Episodes)
	if s.ResumedAtSteps > 0 {
		fmt.Fprintf(w, "wall time    %.2f s (%.0f steps/s) for the %d steps since the resume at step %d\n", s.WallSeconds, s.StepsPerSecond, s.Steps-s.ResumedAtSteps, s.ResumedAtSteps)
	} else {
		fmt.Fprintf(w, "wall time    %.2f s (%.0f steps/s)\n", s.WallSeconds, s.StepsPerSecond)
	}
	if s.FinalMeanReturn != nil {
		fmt.Fprintf(w, "mean return  %.1f (last %d training episodes)\n", *s.FinalMeanReturn, min(s.Episodes, 20))
	}
	if s.EvalMean != nil {
		fmt.Fprintf(w, "evaluation   %.1f ± %.1f over %d deterministic episodes (seed %d)\n", *s.EvalMean, *s.EvalStd, s.EvalEpisodes, s.EvalSeed)
	} else if s.Interrupted && s.Stopped != "interrupted" {
		fmt.Fprintf(w, "evaluation   interrupted\n")
	}
	if s.BestEvalMean != nil {
		fmt.Fprintf(w, "best         %.1f at iteration %d (periodic evaluation; %s)\n", *s.BestEvalMean, s.BestEvalIteration, bestFile)
	}
	if s.Out != "" {
		fmt.Fprintf(w, "written      %s/{%s,%s,%s,%s}\n", s.Out, metricsFile, checkpointFile, curveFile, summaryFile)
	}
}

// evalSeedOffset separates the seed of the evaluation after training from
// the training's own, so that the evaluation does not replay the resets
// the policy was trained on.
const evalSeedOffset = 1_000_003

// evalSeed is the seed of the evaluation after a training run with seed
// seed, and the default of 'pgrad eval' for its checkpoint.
func evalSeed(seed uint64) uint64 { return seed + evalSeedOffset }

// maxEvalEpisodes bounds -eval and -episodes: ample for a mean, and small
// enough that a typo does not start an evaluation of days.
const maxEvalEpisodes = 1_000_000

func envTitle(env string) string {
	switch env {
	case "cartpole":
		return "CartPole-v1"
	case "pendulum":
		return "Pendulum-v1"
	case "acrobot":
		return "Acrobot-v1"
	case "mountaincar":
		return "MountainCarContinuous-v0"
	}
	return env
}

// envNote is what the help of env adds about its defaults: what they
// reached when they were tuned.
func envNote(env string) string {
	switch env {
	case "acrobot":
		return "\nPPO's defaults (200k steps) ended between −87 and −81 in a 100-episode\ndeterministic evaluation on seeds 1–10; a random policy gets about −500."
	case "mountaincar":
		return "\nMountainCarContinuous-v0 counts as solved at 90. PPO's defaults (initial log σ 1,\nno entropy bonus, γ 0.999, 2M steps) ended between 91.0 and 93.1 in a 100-episode\ndeterministic evaluation on seeds 1–20, the seeds tried; not a guarantee: PPO\nmay settle on doing nothing (return about 0), as it did with log σ 0 and, on\n2 of 11 seeds, with log σ 0.5, and 1M steps were too few. A2C's defaults\n(4M steps) solved 4 of 5 seeds tried and REINFORCE's (5M) 3 of 4; the\nothers ended pushing one way for the whole episode (−99.9)."
	}
	return ""
}

// g formats a metric for the CSV: shortest exact form, NaN as empty.
func g(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func meanStd(x []float64) (mean, std float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(x)))
}

func parseInts(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var v []int
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || x <= 0 {
			return nil, fmt.Errorf("%q is not a positive width", f)
		}
		v = append(v, x)
	}
	return v, nil
}

// resumeState is what pgrad train keeps in a checkpoint, beside the
// configuration and the run's state that deep keeps, to -resume the run
// with the flags it was started with.
type resumeState struct {
	Seed      uint64 `json:"seed"`
	Preset    string `json:"preset,omitempty"`
	StopAt    string `json:"stop_at"` // a float, "+Inf" by default
	Eval      int    `json:"eval"`
	SaveEvery int    `json:"save_every,omitempty"`
	EvalEvery int    `json:"eval_every,omitempty"` // the best agent so far is not kept: a resumed run starts it afresh
	EvalEps   int    `json:"eval_every_episodes,omitempty"`
	Portable  bool   `json:"portable,omitempty"`
	Metrics   string `json:"metrics"` // metrics.csv so far
}

// loadResume reads the checkpoint of the run in dir and the flags it was
// started with.
func loadResume(dir string) (*deep.Trainer, resumeState, error) {
	var rs resumeState
	path := filepath.Join(dir, checkpointFile)
	data, err := rundir.ReadFile(path, 512<<20)
	if err != nil {
		return nil, rs, err
	}
	tr, extra, err := deep.Resume(path, data)
	if err != nil {
		return nil, rs, err
	}
	if err := json.Unmarshal(extra, &rs); err != nil {
		return nil, rs, fmt.Errorf("%s: not written by pgrad train (%v)", path, err)
	}
	return tr, rs, nil
}

// resumeEnv returns the environment of the run a 'pgrad train -resume DIR'
// continues, so that the command can be given without it.
func resumeEnv(dir string) (string, error) {
	path := filepath.Join(dir, checkpointFile)
	data, err := rundir.ReadFile(path, 512<<20)
	if err != nil {
		return "", err
	}
	a, err := deep.Decode(path, data)
	if err != nil {
		return "", err
	}
	return a.Config.Env, nil
}

// curveFromCSV returns the learning curve of metrics.csv's rows.
func curveFromCSV(s string) record.Curve {
	var c record.Curve
	rows, _ := csv.NewReader(strings.NewReader(s)).ReadAll()
	for i, r := range rows {
		if i == 0 || len(r) < 3 {
			continue
		}
		x, err := strconv.ParseFloat(r[0], 64)
		if err != nil {
			continue
		}
		y := math.NaN()
		if r[2] != "" {
			y, _ = strconv.ParseFloat(r[2], 64)
		}
		c.Steps, c.Returns = append(c.Steps, x), append(c.Returns, y)
	}
	return c
}
