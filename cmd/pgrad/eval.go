package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pgrad/pgrad/internal/ckpt"
	"github.com/pgrad/pgrad/internal/progress"
	"github.com/pgrad/pgrad/internal/rundir"
	"github.com/pgrad/pgrad/pg/deep"
)

func init() {
	commands["eval"] = command{
		summary: "evaluate a trained agent: pgrad eval DIR|FILE [-episodes 100] [-sample]",
		run:     runEval,
	}
}

// evalSummary is what "pgrad eval -json" prints.
type evalSummary struct {
	Checkpoint string    `json:"checkpoint"`
	Env        string    `json:"env"`
	Algo       string    `json:"algo"`
	Episodes   int       `json:"episodes"`
	Sample     bool      `json:"sample"`
	Seed       uint64    `json:"seed"`
	Mean       float64   `json:"mean"`
	Std        float64   `json:"std"`
	Min        float64   `json:"min"`
	Max        float64   `json:"max"`
	Returns    []float64 `json:"returns,omitempty"`
	// Interrupted marks a summary of the episodes finished before Ctrl-C.
	Interrupted bool `json:"interrupted,omitempty"`
}

func runEval(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("pgrad eval", "DIR|FILE [flags]", "Runs a checkpoint written by 'pgrad train <env> -out DIR' (DIR/"+checkpointFile+",\nor the file itself) and prints the mean ± standard deviation of the return.")
	episodes := fs.Int("episodes", 100, "number of evaluation episodes")
	sample := fs.Bool("sample", false, "sample actions from the policy instead of taking the most likely one (the mean, for a Gaussian)")
	seed := fs.Uint64("seed", evalSeed(1), "seed of the environments' resets (and of the sampled actions with -sample); by default the eval_seed of the "+summaryFile+" beside the checkpoint (the seed of the evaluation that ended its training, so both report the same numbers), else that of training seed 1")
	jsonOut := fs.Bool("json", false, "print the result as one JSON object, with every episode's return")
	quiet := fs.Bool("quiet", false, "no progress bar")
	renderTo := fs.String("render", "", "also write one deterministic episode (its start state drawn from the evaluation seed) to this file as an animated SVG, drawn like the page's canvas at the task's time step")
	obsFlag := fs.String("obs", "", "instead of episodes, print the agent's action for this one observation (comma-separated), with the action probabilities or the mean and σ")
	path, args := takePath(fs, args)
	if status, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return status
	}
	fail := func(format string, a ...any) int {
		return usageErr(stderr, "pgrad eval", fmt.Errorf(format, a...))
	}
	if path == "" {
		return fail("missing the checkpoint: pgrad eval DIR|FILE")
	}
	if *episodes <= 0 || *episodes > maxEvalEpisodes {
		return fail("-episodes %d is out of range (1 to %d)", *episodes, maxEvalEpisodes)
	}
	a, summary, sumPath, err := loadForEval(path, stderr)
	if err != nil {
		return fail("%s", strings.TrimPrefix(err.Error(), "deep: "))
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, checkpointFile)
	}
	if *obsFlag != "" {
		return predictOne(a, *obsFlag, *jsonOut, stdout, stderr)
	}
	seedGiven := false
	fs.Visit(func(f *flag.Flag) { seedGiven = seedGiven || f.Name == "seed" })
	if !seedGiven && summary != nil {
		if s, err := trainedEvalSeed(summary); err != nil {
			fmt.Fprintf(stderr, "pgrad eval: warning: %s: %v; using seed %d\n", sumPath, err, *seed)
		} else {
			*seed = s
		}
	}
	if *renderTo != "" {
		if _, ok := sceneGeometry[a.Config.Env]; !ok {
			return fail("-render draws cartpole, pendulum, acrobot and mountaincar, not %s", a.Config.Env)
		}
		ep, err := renderEpisode(a, *seed, *renderTo)
		if err != nil {
			fmt.Fprintf(stderr, "pgrad eval: -render: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "pgrad eval: wrote %s: one %d-step episode (return %.1f, seed %d)\n", *renderTo, len(ep.obs), ep.ret, *seed)
	}
	var bar *progress.Bar
	if !*quiet {
		bar = progress.New(stderr, int64(*episodes), "episodes")
	}
	ctx, stop := interruptContext()
	defer stop()
	rets, err := a.EvaluateContext(ctx, *episodes, *sample, *seed, func(n int) {
		if bar != nil {
			bar.Set(int64(n), "")
		}
	})
	if bar != nil {
		bar.Finish()
	}
	status := 0
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "pgrad eval: interrupted after %d of %d episodes\n", len(rets), *episodes)
		status = exitInterrupted
		if len(rets) == 0 {
			return status
		}
	case err != nil:
		return fail("%s", strings.TrimPrefix(err.Error(), "deep: "))
	}
	m, sd := meanStd(rets)
	s := evalSummary{Checkpoint: path, Env: a.Config.Env, Algo: a.Config.Algo, Episodes: len(rets), Sample: *sample, Seed: *seed,
		Mean: m, Std: sd, Min: rets[0], Max: rets[0], Returns: rets, Interrupted: status != 0}
	for _, r := range rets {
		s.Min, s.Max = min(s.Min, r), max(s.Max, r)
	}
	if *jsonOut {
		if st := printJSON(stdout, stderr, s); st != 0 {
			return st
		}
		return status
	}
	mode := "deterministic"
	if *sample {
		mode = "sampled"
	}
	note := ""
	if s.Interrupted {
		note = fmt.Sprintf("; interrupted, %d asked", *episodes)
	}
	fmt.Fprintf(stdout, "%s %s: %.1f ± %.1f over %d %s episodes (min %.1f, max %.1f; seed %d%s)\n", envTitle(s.Env), s.Algo, m, sd, len(rets), mode, s.Min, s.Max, s.Seed, note)
	return status
}

// loadForEval reads the agent at path, a run directory or a checkpoint
// file, through internal/rundir: a directory must be a complete run (its
// summary naming the checkpoint's bytes); a file is read alone, with the
// summary beside it only if that summary names exactly its bytes. A
// summary that cannot be used is warned about on stderr, naming the file.
// summary is nil when there is none to use.
func loadForEval(path string, stderr io.Writer) (a *deep.Agent, summary []byte, sumPath string, err error) {
	warn := func(err error) {
		fmt.Fprintf(stderr, "pgrad eval: warning: %v; its eval_seed is not used\n", err)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		ck := filepath.Join(path, checkpointFile)
		r, err := rundir.Open(path)
		if errors.Is(err, rundir.ErrCorruptSummary) {
			warn(err)
			a, err := deep.Load(ck)
			return a, nil, "", err
		}
		if err != nil {
			return nil, nil, "", err
		}
		b, err := r.ReadFile(checkpointFile)
		if err != nil {
			return nil, nil, "", err
		}
		a, err := deep.Decode(ck, b)
		return a, r.Summary, filepath.Join(path, summaryFile), err
	}
	b, err := ckpt.ReadFile(path)
	if err != nil {
		return nil, nil, "", err
	}
	if a, err = deep.Decode(path, b); err != nil {
		return nil, nil, "", err
	}
	s, ok, err := rundir.SummaryFor(path, b)
	if err != nil {
		warn(err)
	}
	if !ok {
		return a, nil, "", nil
	}
	return a, s, filepath.Join(filepath.Dir(path), summaryFile), nil
}

// trainedEvalSeed returns the eval_seed of a training summary.
func trainedEvalSeed(b []byte) (uint64, error) {
	var s struct {
		EvalSeed *uint64 `json:"eval_seed"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return 0, fmt.Errorf("eval_seed: %s", rundir.Quote(err.Error()))
	}
	if s.EvalSeed == nil {
		return 0, errors.New("no eval_seed")
	}
	return *s.EvalSeed, nil
}

// predictSummary is what "pgrad eval DIR -obs …" prints with -json.
type predictSummary struct {
	Env    string    `json:"env"`
	Obs    []float64 `json:"obs"`
	Action []float64 `json:"action"`          // Agent.Predict: the index, or the mean within the bounds
	Probs  []float64 `json:"probs,omitempty"` // discrete
	Mean   []float64 `json:"mean,omitempty"`  // continuous, before the bounds
	Std    []float64 `json:"std,omitempty"`
}

// predictOne prints the agent's deterministic action for one observation
// (Agent.Predict) and its distribution (Agent.Probs or Agent.MeanStd).
func predictOne(a *deep.Agent, list string, jsonOut bool, stdout, stderr io.Writer) int {
	fail := func(err error) int { return usageErr(stderr, "pgrad eval", err) }
	var obs []float64
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return fail(fmt.Errorf("-obs: %q is not a number", f))
		}
		obs = append(obs, v)
	}
	if len(obs) != a.Space.ObsDim {
		return fail(fmt.Errorf("-obs: %d numbers for an observation of %d", len(obs), a.Space.ObsDim))
	}
	act, err := a.Predict(obs)
	if err != nil {
		return fail(fmt.Errorf("-obs: %s", strings.TrimPrefix(err.Error(), "deep: ")))
	}
	s := predictSummary{Env: a.Config.Env, Obs: obs, Action: act}
	if a.Space.Discrete {
		s.Probs, err = a.Probs(obs)
	} else {
		s.Mean, s.Std, err = a.MeanStd(obs)
	}
	if err != nil {
		return fail(err)
	}
	if jsonOut {
		return printJSON(stdout, stderr, s)
	}
	if a.Space.Discrete {
		fmt.Fprintf(stdout, "action %d (probabilities %s)\n", int(act[0]), joinFloats(s.Probs))
	} else {
		fmt.Fprintf(stdout, "action %s (mean %s, σ %s)\n", joinFloats(act), joinFloats(s.Mean), joinFloats(s.Std))
	}
	return 0
}

func joinFloats(x []float64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = strconv.FormatFloat(v, 'g', 6, 64)
	}
	return strings.Join(s, " ")
}

// takePath takes the one positional argument (a run directory or a
// checkpoint) out of args, wherever it stands among the flags, and returns
// it with the flags alone, for parseFlags to read.
func takePath(fs *flag.FlagSet, args []string) (string, []string) {
	fs.SetOutput(io.Discard)
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	if fs.Parse(args) == nil && fs.NArg() > 0 {
		return fs.Arg(0), slices.Concat(args[:len(args)-fs.NArg()], fs.Args()[1:])
	}
	return "", args
}
