package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
}

func runEval(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("pgrad eval", "DIR|FILE [flags]", "Runs a checkpoint written by 'pgrad train cartpole|pendulum -out DIR' (DIR/"+checkpointFile+",\nor the file itself) and prints the mean ± standard deviation of the return.")
	episodes := fs.Int("episodes", 100, "number of evaluation episodes")
	sample := fs.Bool("sample", false, "sample actions from the policy instead of taking the most likely one (the mean, for a Gaussian)")
	seed := fs.Uint64("seed", 1, "seed of the environments' resets (and of the sampled actions with -sample)")
	jsonOut := fs.Bool("json", false, "print the result as one JSON object, with every episode's return")
	// The checkpoint may come before, between or after the flags: take it
	// out, then parse the flags alone.
	fs.SetOutput(io.Discard)
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	} else if fs.Parse(args) == nil && fs.NArg() > 0 {
		path = fs.Arg(0)
		args = slices.Concat(args[:len(args)-fs.NArg()], fs.Args()[1:])
	}
	if status, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return status
	}
	fail := func(format string, a ...any) int {
		return usageErr(stderr, "pgrad eval", fmt.Errorf(format, a...))
	}
	if path == "" {
		return fail("missing the checkpoint: pgrad eval DIR|FILE")
	}
	if *episodes <= 0 {
		return fail("-episodes must be positive, got %d", *episodes)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, checkpointFile)
	}
	a, err := deep.Load(path)
	if err != nil {
		return fail("%s", strings.TrimPrefix(err.Error(), "deep: "))
	}
	rets, err := a.Evaluate(*episodes, *sample, *seed)
	if err != nil {
		return fail("%s", strings.TrimPrefix(err.Error(), "deep: "))
	}
	m, sd := meanStd(rets)
	s := evalSummary{Checkpoint: path, Env: a.Config.Env, Algo: a.Config.Algo, Episodes: len(rets), Sample: *sample, Seed: *seed, Mean: m, Std: sd, Min: rets[0], Max: rets[0], Returns: rets}
	for _, r := range rets {
		s.Min, s.Max = min(s.Min, r), max(s.Max, r)
	}
	if *jsonOut {
		return printJSON(stdout, stderr, s)
	}
	mode := "deterministic"
	if *sample {
		mode = "sampled"
	}
	fmt.Fprintf(stdout, "%s %s: %.1f ± %.1f over %d %s episodes (min %.1f, max %.1f)\n", envTitle(s.Env), s.Algo, m, sd, len(rets), mode, s.Min, s.Max)
	return 0
}
