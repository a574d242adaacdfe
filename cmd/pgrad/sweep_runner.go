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
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/rundir"
	"github.com/pgrad/pgrad/lab"
	"github.com/pgrad/pgrad/pg/deep"
	"github.com/pgrad/pgrad/sweep"
)

// A configProbe, passed to a train command as its stdout, makes it stop
// once its flags are parsed and checked: the command hands the probe its
// FlagSet and the configuration it would train, and returns 0 without
// training. 'pgrad sweep' checks and records every task's configuration
// this way, with train's own parsing and messages.
type configProbe struct {
	fs     *flag.FlagSet
	config any
}

func (*configProbe) Write(p []byte) (int, error) { return len(p), nil }

// probeTrain reports whether stdout is a probe, after giving it fs (nil
// where the command's FlagSet is out of reach) and config.
func probeTrain(stdout io.Writer, fs *flag.FlagSet, config any) bool {
	p, ok := stdout.(*configProbe)
	if ok {
		p.fs, p.config = fs, config
	}
	return ok
}

// controlProbe is the configuration of a neural training run.
type controlProbe struct {
	Env    string      `json:"env"`
	Algo   string      `json:"algo"`
	Preset string      `json:"preset,omitempty"`
	Eval   int         `json:"eval_episodes"`
	StopAt *float64    `json:"stop_at"` // null: none
	Config deep.Config `json:"config"`
}

func newControlProbe(env, algo, preset string, eval int, stopAt float64, cfg deep.Config) controlProbe {
	p := controlProbe{Env: env, Algo: algo, Preset: preset, Eval: eval, Config: cfg}
	if !math.IsInf(stopAt, 0) {
		p.StopAt = &stopAt
	}
	return p
}

// gridProbe and fieldProbe are the configurations of tabular runs.
type gridProbe struct {
	World    env.GridConfig `json:"world"`
	Settings lab.Settings   `json:"settings"`
	Rollouts int            `json:"rollouts"`
}

// gridACProbe is the configuration of a gridworld run with -algo ac or ppo.
type gridACProbe struct {
	World    env.GridConfig     `json:"world"`
	Settings lab.Settings       `json:"settings"`
	Critic   lab.CriticSettings `json:"critic"`
	Rollouts int                `json:"rollouts"`
}

type fieldProbe struct {
	Field    env.FieldConfig `json:"field"`
	Settings lab.Settings    `json:"settings"`
	Rollouts int             `json:"rollouts"`
}

// probe runs 'pgrad train env args' as far as its checks go.
func probe(envName string, args []string) (*configProbe, error) {
	tr, ok := trainers[envName]
	if !ok {
		return nil, fmt.Errorf("unknown environment %q", envName)
	}
	p := &configProbe{}
	var stderr bytes.Buffer
	if status := tr.run(args, p, &stderr); status != 0 || p.config == nil {
		msg := strings.TrimSpace(strings.TrimPrefix(stderr.String(), "pgrad train "+envName+": "))
		if msg == "" {
			msg = "pgrad train " + envName + " did not report its configuration (a trainer without the sweep's probe)"
		}
		return nil, errors.New(msg)
	}
	return p, nil
}

// tabular reports whether env is trained by the lab package (no -out).
func tabular(env string) bool { return env == "gridworld" || env == "field" }

// sweepScore names the final performance of env's runs and the axes of
// its learning curves.
func sweepScore(env string) (score, x, y string) {
	switch env {
	case "gridworld":
		return "greedy-policy return (the deterministic episode from the start: +1 goal, −1 pit, -step-reward per other step)",
			"rollouts", "mean return of the last 100 rollouts"
	case "field":
		return "reward of the mean action μ (the deterministic action)", "rollouts", "mean return of the last 100 rollouts"
	}
	return "evaluation return (mean over the -eval deterministic episodes after training)",
		"environment steps", "mean return of the last 20 training episodes"
}

// trainArgs are the arguments of 'pgrad train' for task t, output flags
// excluded.
func trainArgs(t sweep.Task) []string {
	args := make([]string, 0, len(t.Settings)+1)
	for _, s := range t.Settings {
		args = append(args, "-"+s.Name+"="+s.Value)
	}
	return append(args, "-seed="+strconv.FormatUint(t.Seed, 10))
}

// cliRunner runs each task as a child process 'pgrad train', the way a
// user would, so that a task that crashes takes nothing else down; Ctrl-C
// reaches it as an interrupt, and it writes its files as train does.
type cliRunner struct {
	env string
	bin string
}

func newCLIRunner(env string) (*cliRunner, error) {
	bin, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return &cliRunner{env: env, bin: bin}, nil
}

func (r *cliRunner) Run(ctx context.Context, t sweep.Task, dir string) (sweep.Result, error) {
	args := append([]string{"train", r.env}, trainArgs(t)...)
	// The tabular trainers have no -out: their curve goes to a temporary
	// file and their -json summary to stdout, and the sweep writes the two
	// as a run directory through rundir, as -out would.
	tmpCSV := filepath.Join(dir, rundir.TempPrefix+"curve.csv")
	if tabular(r.env) {
		args = append(args, "-json", "-csv", tmpCSV)
	} else {
		args = append(args, "-out", dir, "-json", "-quiet")
	}
	cmd := exec.CommandContext(ctx, r.bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		if msg == "" {
			msg = err.Error()
		}
		return sweep.Result{}, errors.New(msg)
	}
	if tabular(r.env) {
		if err := writeTabularRun(dir, tmpCSV, stdout.Bytes()); err != nil {
			return sweep.Result{}, err
		}
	}
	return readTaskResult(r.env, t, dir)
}

// writeTabularRun writes the run directory of a tabular task: its curve
// as metrics.csv and its summary, naming the curve's checksum, last.
func writeTabularRun(dir, csvPath string, summary []byte) error {
	csvBytes, err := os.ReadFile(csvPath)
	if err != nil {
		return err
	}
	os.Remove(csvPath)
	w, err := rundir.Begin(dir, rundir.Options{Force: true})
	if err != nil {
		return err
	}
	if err := w.Put(rundir.Metrics, csvBytes); err != nil {
		return err
	}
	var sum map[string]any
	if err := json.Unmarshal(summary, &sum); err != nil {
		return fmt.Errorf("the summary printed by train: %v", err)
	}
	sum["files"] = w.Files()
	return w.Finish(sum)
}

// readTaskResult reads the score and the learning curve of a finished
// run directory, checked against its summary's checksums.
func readTaskResult(envName string, t sweep.Task, dir string) (sweep.Result, error) {
	run, err := rundir.Open(dir)
	if err != nil {
		return sweep.Result{}, err
	}
	b := run.Summary
	var res sweep.Result
	switch envName {
	case "gridworld":
		var sum struct {
			GreedyPath [][2]int `json:"greedy_path"`
			GreedyEnd  string   `json:"greedy_end"`
		}
		var cfg gridProbe
		if err := json.Unmarshal(b, &sum); err != nil {
			return res, fmt.Errorf("%s: %v", summaryFile, err)
		}
		if err := json.Unmarshal(t.Resolved, &cfg); err != nil {
			return res, err
		}
		end := map[string]env.Outcome{"goal": env.Goal, "pit": env.Pit, "capped": env.Capped, "running": env.Running}[sum.GreedyEnd]
		if len(sum.GreedyPath) == 0 {
			return res, fmt.Errorf("%s has no greedy path", summaryFile)
		}
		res.Score = greedyReturn(cfg.World, len(sum.GreedyPath)-1, end)
	case "field":
		var sum tabFieldJSON
		var cfg fieldProbe
		if err := json.Unmarshal(b, &sum); err != nil {
			return res, fmt.Errorf("%s: %v", summaryFile, err)
		}
		if err := json.Unmarshal(t.Resolved, &cfg); err != nil {
			return res, err
		}
		f, err := env.NewField(cfg.Field)
		if err != nil {
			return res, err
		}
		res.Score = f.Reward(sum.Mu)
	default:
		var sum controlSummary
		if err := json.Unmarshal(b, &sum); err != nil {
			return res, fmt.Errorf("%s: %v", summaryFile, err)
		}
		if sum.EvalMean == nil {
			return res, fmt.Errorf("%s has no evaluation return", summaryFile)
		}
		res.Score = *sum.EvalMean
	}
	x, y := "step", "mean_return"
	if tabular(envName) {
		x = "rollouts"
	}
	csvBytes, err := run.ReadFile(rundir.Metrics)
	if err != nil {
		return res, err
	}
	res.Curve, err = readCurve(csvBytes, x, y)
	return res, err
}

// greedyReturn is the return of the greedy episode of moves steps ending
// with end: the goal's +1 or the pit's −1 after moves−1 other steps, or
// the step reward at every step up to the cap when it loops or is capped.
func greedyReturn(w env.GridConfig, moves int, end env.Outcome) float64 {
	switch end {
	case env.Goal:
		return 1 + w.StepReward*float64(moves-1)
	case env.Pit:
		return -1 + w.StepReward*float64(moves-1)
	}
	return w.StepReward * float64(w.Steps())
}

// readCurve reads columns x and y of metrics.csv; an empty y is NaN.
func readCurve(b []byte, x, y string) (sweep.Curve, error) {
	path := metricsFile
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) == 0 {
		return sweep.Curve{}, fmt.Errorf("%s: not a CSV with a header (%v)", filepath.Base(path), err)
	}
	xi, yi := -1, -1
	for i, h := range rows[0] {
		switch h {
		case x:
			xi = i
		case y:
			yi = i
		}
	}
	if xi < 0 || yi < 0 {
		return sweep.Curve{}, fmt.Errorf("%s has no %s and %s columns", filepath.Base(path), x, y)
	}
	var c sweep.Curve
	for _, r := range rows[1:] {
		xv, err := strconv.ParseFloat(r[xi], 64)
		if err != nil {
			return sweep.Curve{}, fmt.Errorf("%s: %v", filepath.Base(path), err)
		}
		yv := math.NaN()
		if r[yi] != "" {
			if yv, err = strconv.ParseFloat(r[yi], 64); err != nil {
				return sweep.Curve{}, fmt.Errorf("%s: %v", filepath.Base(path), err)
			}
		}
		c.X, c.Y = append(c.X, xv), append(c.Y, yv)
	}
	return c, nil
}
