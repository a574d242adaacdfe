package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/cells"
	"github.com/pgrad/pgrad/internal/progress"
	"github.com/pgrad/pgrad/internal/rundir"
	"github.com/pgrad/pgrad/lab"
	"github.com/pgrad/pgrad/pg"
)

func init() {
	trainers["gridworld"] = command{
		summary: "the seed's gridworld with a tabular softmax policy (REINFORCE)",
		run:     runTrainGrid,
	}
	trainers["field"] = command{
		summary: "the 2-D field with a Gaussian policy (REINFORCE)",
		run:     runTrainField,
	}
}

// Limits of -rollouts: enough for any experiment, small enough that a
// typo does not start a run of days.
const maxTabRollouts = 1_000_000_000

// tabChunk is how many rollouts run between progress-bar updates.
const tabChunk = 20000

// settingsFlags registers the REINFORCE settings, with defaults def.
func settingsFlags(fs *flag.FlagSet, def lab.Settings) *lab.Settings {
	s := def
	fs.Float64Var(&s.LR, "lr", def.LR, "learning rate α (> 0)")
	fs.IntVar(&s.Batch, "batch", def.Batch, "rollouts per update (≥ 1)")
	fs.Float64Var(&s.Gamma, "gamma", def.Gamma, "discount γ of the returns-to-go, in (0, 1]")
	fs.StringVar(&s.Baseline, "baseline", def.Baseline, "subtracted from the return: none, mean (running mean) or state (per-state running mean)")
	fs.Float64Var(&s.Entropy, "entropy", def.Entropy, "entropy bonus β (≥ 0)")
	return &s
}

// settingFlagErr names the flag of a pg.SettingError: "-gamma: pg: …".
func settingFlagErr(err error) error {
	var se *pg.SettingError
	if errors.As(err, &se) {
		return fmt.Errorf("-%s: %w", se.Name, err)
	}
	return err
}

// tabOutput holds the output flags shared by both worlds.
type tabOutput struct {
	seed     uint64
	rollouts int
	json     bool
	csv      string
	// interrupted is set by run when Ctrl-C stopped the training early.
	interrupted bool
}

func (o *tabOutput) register(fs *flag.FlagSet, rollouts int) {
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the random number generator (same seed, same run)")
	fs.IntVar(&o.rollouts, "rollouts", rollouts, "number of rollouts to train for")
	fs.BoolVar(&o.json, "json", false, "print one JSON object instead of a table")
	fs.StringVar(&o.csv, "csv", "", "write the learning curve (rollouts, success rate and mean return over the last 100) to this CSV `file`")
}

func (o *tabOutput) check() error {
	if o.rollouts < 0 || o.rollouts > maxTabRollouts {
		return fmt.Errorf("-rollouts %d is out of range (0 to %d)", o.rollouts, maxTabRollouts)
	}
	return nil
}

// tabGridJSON is what "pgrad train gridworld -json" prints.
type tabGridJSON struct {
	Env         string       `json:"env"`
	Size        int          `json:"size"`
	Start       [2]int       `json:"start"`
	Goal        [2]int       `json:"goal"`
	Pits        [][2]int     `json:"pits"`
	Walls       [][2]int     `json:"walls"`
	Seed        uint64       `json:"seed"`
	Rollouts    int          `json:"rollouts"`
	Updates     int          `json:"updates"`
	Settings    lab.Settings `json:"settings"`
	SuccessRate float64      `json:"success_rate"` // over the last 100 rollouts
	MeanReturn  float64      `json:"mean_return"`  // over the last 100 rollouts
	GreedyPath  [][2]int     `json:"greedy_path"`
	GreedyEnd   env.Outcome  `json:"greedy_end"`
	PiStart     tabPi        `json:"pi_start"`
	Interrupted bool         `json:"interrupted,omitempty"` // Ctrl-C ended the run early
	// Algo and Critic are set for -algo ac and ppo (train_grid_ac.go).
	Algo   string              `json:"algo,omitempty"`
	Critic *lab.CriticSettings `json:"critic,omitempty"`
}

// tabPi is π at one cell, its keys in the order of env's actions.
type tabPi struct {
	Up    float64 `json:"up"`
	Right float64 `json:"right"`
	Down  float64 `json:"down"`
	Left  float64 `json:"left"`
}

// of returns π(a).
func (p tabPi) of(a env.Action) float64 {
	return [env.NumActions]float64{p.Up, p.Right, p.Down, p.Left}[a]
}

func tabCellPair(c env.Cell) [2]int { return [2]int{c.Row, c.Col} }

func tabCellPairs(cs []env.Cell) [][2]int {
	out := make([][2]int, len(cs))
	for i, c := range cs {
		out[i] = tabCellPair(c)
	}
	return out
}

const tabGridAbout = `Trains REINFORCE with a tabular softmax policy on a gridworld (the seed's 3×3
world by default: start bottom-left, goal top-right, a pit in the centre).
Cells are row,col counted from the top-left corner from 0; lists are separated
by ';' or given by repeating the flag. Without -start, -goal or -pits a world of
another -size gets the same layout: start (size-1,0), goal (0,size-1), one pit
at (size/2,size/2). Prints a table, or one JSON object with -json.`

func runTrainGrid(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("pgrad train gridworld", "[flags]", tabGridAbout)
	def := env.DefaultGrid()
	size := fs.Int("size", def.Size, "cells per side (2 to 10)")
	start := &cells.One{Cell: def.Start}
	goal := &cells.One{Cell: def.Goal}
	pits := &cells.List{Cells: def.Pits}
	walls := &cells.List{}
	fs.Var(start, "start", "start `cell` row,col (bottom-left corner for any -size)")
	fs.Var(goal, "goal", "goal `cell` row,col, reward +1 (top-right corner for any -size)")
	fs.Var(pits, "pits", "pit `cells`, reward −1 each, e.g. '1,1;2,2' or '' for none (the centre for any -size)")
	fs.Var(walls, "walls", "wall `cells`: moves into them stay in place")
	maxSteps := fs.Int("max-steps", 0, "step cap per rollout (0: 4 × cells)")
	stepReward := fs.Float64("step-reward", 0, "reward of every other step (e.g. -0.01)")
	set := settingsFlags(fs, lab.DefaultSettings())
	credit := fs.String("credit", "togo", "weight of each move's log-probability: togo (the discounted return from that move on) or return (the rollout's whole discounted return, the same for every move)")
	ac := acFlags(fs)
	markLearnerFlags(fs)
	var out tabOutput
	out.register(fs, 2000)
	if status, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return status
	}
	switch ac.algo {
	case "reinforce", "ac", "ppo":
		if err := checkLearnerFlags(fs, ac.algo); err != nil {
			return usageErr(stderr, fs.Name(), err)
		}
	}
	if *credit != "togo" {
		set.Credit = *credit // "" stands for togo in lab.Settings
	}
	if err := out.check(); err != nil {
		return usageErr(stderr, fs.Name(), err)
	}
	cfg := env.GridConfig{
		Size: *size, Start: start.Cell, Goal: goal.Cell, Pits: pits.Cells, Walls: walls.Cells,
		MaxSteps: *maxSteps, StepReward: *stepReward,
	}
	if *size != def.Size {
		if !start.Given() {
			cfg.Start = env.Cell{Row: *size - 1, Col: 0}
		}
		if !goal.Given() {
			cfg.Goal = env.Cell{Row: 0, Col: *size - 1}
		}
		if !pits.Given() {
			cfg.Pits = []env.Cell{{Row: *size / 2, Col: *size / 2}}
		}
	}
	if ac.algo != "reinforce" {
		return runTrainGridAC(fs.Name(), cfg, *set, ac, &out, stdout, stderr)
	}
	g, err := lab.NewGrid(cfg, *set, out.seed)
	if err != nil {
		return usageErr(stderr, fs.Name(), settingFlagErr(err))
	}
	if probeTrain(stdout, fs, gridProbe{World: cfg, Settings: *set, Rollouts: out.rollouts}) {
		return 0
	}
	return out.run(fs.Name(), stdout, stderr, g.Step, func() string {
		sr, mr := g.Window()
		return fmt.Sprintf("success %.2f  return %.3f", sr, mr)
	}, func() ([]lab.CurvePoint, any, func(io.Writer)) {
		snap := g.Snapshot(0)
		res := tabGridSummary(g.Config(), out.seed, &snap)
		res.Interrupted = out.interrupted
		return snap.Curve, res, func(w io.Writer) { tabPrintGridTable(w, res, &snap) }
	})
}

// run is what follows building a gridworld or field session: it opens the
// -csv file, trains with step, showing status on a progress bar that
// appears only when the run lasts more than about a second, and then takes
// finish's learning curve to the CSV and prints its summary, as JSON with
// -json and with table otherwise.
func (o *tabOutput) run(prog string, stdout, stderr io.Writer, step func(int) error, status func() string,
	finish func() (curve []lab.CurvePoint, summary any, table func(io.Writer))) int {
	csvFile, err := tabCreateCSV(o.csv)
	if err != nil {
		// A file that cannot be created is a failure at run time, as for
		// -out: exit 1, not 2.
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	bar := progress.New(stderr, int64(o.rollouts), "rollouts")
	ctx, stop := interruptContext()
	defer stop()
	done := 0
	for done < o.rollouts && ctx.Err() == nil {
		k := min(tabChunk, o.rollouts-done)
		_ = step(k) // k ≥ 0 always, the only error Step has
		done += k
		bar.Set(int64(done), status())
	}
	bar.Finish()
	o.interrupted = done < o.rollouts
	if o.interrupted {
		fmt.Fprintf(stderr, "%s: interrupted after %d of %d rollouts\n", prog, done, o.rollouts)
	}
	curve, summary, table := finish()
	if csvFile != nil {
		if err := csvFile.commit(curve); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prog, err)
			return 1
		}
	}
	code := 0
	if o.interrupted {
		code = exitInterrupted
	}
	if o.json {
		if st := printJSON(stdout, stderr, summary); st != 0 {
			return st
		}
		return code
	}
	table(stdout)
	return code
}

func tabGridSummary(cfg env.GridConfig, seed uint64, s *lab.GridSnapshot) tabGridJSON {
	start := s.Probs[s.Start.Row*s.Size+s.Start.Col]
	pi := tabPi{Up: start[env.Up], Right: start[env.Right], Down: start[env.Down], Left: start[env.Left]}
	return tabGridJSON{
		Env: "gridworld", Size: cfg.Size, Start: tabCellPair(cfg.Start), Goal: tabCellPair(cfg.Goal),
		Pits: tabCellPairs(cfg.Pits), Walls: tabCellPairs(cfg.Walls),
		Seed: seed, Rollouts: s.Rollouts, Updates: s.Updates, Settings: s.Settings,
		SuccessRate: s.SuccessRate, MeanReturn: s.MeanReturn,
		GreedyPath: tabCellPairs(s.GreedyPath), GreedyEnd: s.GreedyEnd, PiStart: pi,
	}
}

var tabArrows = [env.NumActions]string{"↑", "→", "↓", "←"}

func cellsOrNone(cs []env.Cell) string {
	if len(cs) == 0 {
		return "none"
	}
	return cells.Format(cs)
}

func tabPrintGridTable(w io.Writer, r tabGridJSON, s *lab.GridSnapshot) {
	set := r.Settings
	fmt.Fprintf(w, "env            gridworld %d×%d: start %d,%d  goal %d,%d  pits %s  walls %s\n",
		r.Size, r.Size, r.Start[0], r.Start[1], r.Goal[0], r.Goal[1], cellsOrNone(s.Pits), cellsOrNone(s.Walls))
	fmt.Fprintf(w, "seed           %d\n", r.Seed)
	fmt.Fprintf(w, "rollouts       %d (%d updates%s)\n", r.Rollouts, r.Updates, interruptedNote(r.Interrupted))
	if r.Algo != "" { // ac, ppo: the learner line names the critic's settings; there is no baseline, entropy or credit to show
		fmt.Fprintf(w, "settings       lr %g  batch %d  gamma %g  (advantages from the critic)\n", set.LR, set.Batch, set.Gamma)
	} else {
		fmt.Fprintf(w, "settings       lr %g  batch %d  gamma %g  baseline %s  entropy %g  credit %s\n", set.LR, set.Batch, set.Gamma, set.Baseline, set.Entropy, set.CreditName())
	}
	fmt.Fprintf(w, "success rate   %.2f (last %d rollouts)\n", r.SuccessRate, min(r.Rollouts, lab.Window))
	fmt.Fprintf(w, "mean return    %.3f (last %d rollouts)\n", r.MeanReturn, min(r.Rollouts, lab.Window))
	path := make([]string, len(r.GreedyPath))
	for i, c := range r.GreedyPath {
		path[i] = fmt.Sprintf("%d,%d", c[0], c[1])
	}
	fmt.Fprintf(w, "greedy path    %s (%s)\n", strings.Join(path, " → "), tabGreedyEndText(r.GreedyEnd))
	pi := make([]string, env.NumActions)
	for a := env.Action(0); a < env.NumActions; a++ {
		pi[a] = fmt.Sprintf("%s %.3f", a, r.PiStart.of(a))
	}
	fmt.Fprintf(w, "π at start     %s\n", strings.Join(pi, "  "))
	fmt.Fprintln(w, "\nmost probable move and its probability per cell (S start, G goal, X pit, # wall):")
	kind := map[env.Cell]string{s.Goal: "  G  "}
	for _, p := range s.Pits {
		kind[p] = "  X  "
	}
	for _, wl := range s.Walls {
		kind[wl] = "  #  "
	}
	for row := 0; row < s.Size; row++ {
		var line strings.Builder
		line.WriteString(" ")
		for col := 0; col < s.Size; col++ {
			c := env.Cell{Row: row, Col: col}
			if k, ok := kind[c]; ok {
				fmt.Fprintf(&line, " %s", k)
				continue
			}
			p := s.Probs[row*s.Size+col]
			best := 0
			for a := range p {
				if p[a] > p[best] {
					best = a
				}
			}
			mark := " "
			if c == s.Start {
				mark = "S"
			}
			prob := strconv.FormatFloat(p[best], 'f', 2, 64)
			if prob == "1.00" {
				prob = "1.0"
			} else {
				prob = prob[1:] // ".97": the leading zero only widens the column
			}
			fmt.Fprintf(&line, " %s%s%s", mark, tabArrows[best], prob)
		}
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
}

// interruptedNote marks a table's count of rollouts as cut short.
func interruptedNote(interrupted bool) string {
	if interrupted {
		return "; interrupted"
	}
	return ""
}

func tabGreedyEndText(o env.Outcome) string {
	switch o {
	case env.Goal:
		return "reaches the goal"
	case env.Pit:
		return "falls into a pit"
	case env.Capped:
		return "hits the step cap"
	}
	return "loops"
}

// A tabCSV is the -csv file on its way: a temporary file beside it,
// created before training so that a bad path fails at once rather than
// after a long run, and renamed over the path when the curve is written
// and synced (then the directory synced), rundir's way: until then the
// path keeps whatever it held, and a run that dies leaves at most the
// temporary file (named rundir.TempPrefix+…), never half a CSV.
type tabCSV struct {
	path string
	tmp  *os.File
}

// tabCreateCSV starts the -csv file; "" means no file.
func tabCreateCSV(path string) (*tabCSV, error) {
	if path == "" {
		return nil, nil
	}
	cannot := func(err error) error {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("-csv: cannot create %s: %v", path, err)
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, cannot(fmt.Errorf("it is a %s, not a regular file", tabKind(fi.Mode())))
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), rundir.TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return nil, cannot(err)
	}
	if err := tmp.Chmod(rundir.FileMode); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, cannot(err)
	}
	return &tabCSV{path: path, tmp: tmp}, nil
}

func tabKind(m os.FileMode) string {
	if m.IsDir() {
		return "directory"
	}
	return "special file"
}

// commit writes the learning curve to the temporary file, syncs it and
// renames it over the path; on error the temporary file is removed and the
// path is as it was.
func (c *tabCSV) commit(curve []lab.CurvePoint) error {
	var b strings.Builder
	b.WriteString("rollouts,success_rate,mean_return\n")
	for _, p := range curve {
		b.WriteString(strconv.Itoa(p.Rollouts))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(p.SuccessRate, 'g', -1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(p.MeanReturn, 'g', -1, 64))
		b.WriteByte('\n')
	}
	name := c.tmp.Name()
	fail := func(err error) error {
		c.tmp.Close()
		os.Remove(name)
		return fmt.Errorf("-csv: %v", err)
	}
	if _, err := io.WriteString(c.tmp, b.String()); err != nil {
		return fail(err)
	}
	if err := c.tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := c.tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(name, c.path); err != nil {
		os.Remove(name)
		return fmt.Errorf("-csv: %v", err)
	}
	if d, err := os.Open(filepath.Dir(c.path)); err == nil {
		d.Sync() // the rename is done; a file system that cannot sync a directory loses nothing here
		d.Close()
	}
	return nil
}

// tabFieldJSON is what "pgrad train field -json" prints.
type tabFieldJSON struct {
	Env         string       `json:"env"`
	Seed        uint64       `json:"seed"`
	Rollouts    int          `json:"rollouts"`
	Updates     int          `json:"updates"`
	Settings    lab.Settings `json:"settings"`
	Target      [2]float64   `json:"target"`
	Width       float64      `json:"width"`
	Mu          [2]float64   `json:"mu"`
	Sigma       [2]float64   `json:"sigma"`
	Distance    float64      `json:"distance"`     // ‖μ − target‖
	SuccessRate float64      `json:"success_rate"` // reward > 0.5, last 100 rollouts
	MeanReturn  float64      `json:"mean_return"`  // last 100 rollouts
	Distractor  *tabBumpJSON `json:"distractor,omitempty"`
	Interrupted bool         `json:"interrupted,omitempty"` // Ctrl-C ended the run early
	// Algo and Critic are set for -algo ac and ppo (train_grid_ac.go).
	Algo   string              `json:"algo,omitempty"`
	Critic *lab.CriticSettings `json:"critic,omitempty"`
}

// tabBumpJSON is the field's second, lower bump.
type tabBumpJSON struct {
	Center [2]float64 `json:"center"`
	Height float64    `json:"height"`
	Width  float64    `json:"width"`
}

// tabBumpFlag is a flag.Value for "x,y,height"; empty means no bump.
type tabBumpFlag struct {
	p      [2]float64
	height float64
	set    bool
}

func (f *tabBumpFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatFloat(f.p[0], 'g', -1, 64) + "," + strconv.FormatFloat(f.p[1], 'g', -1, 64) + "," + strconv.FormatFloat(f.height, 'g', -1, 64)
}

func (f *tabBumpFlag) Set(s string) error {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return fmt.Errorf("want x,y,height, e.g. -0.5,-0.4,0.5")
	}
	var v [3]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return fmt.Errorf("%q is not three numbers x,y,height", s)
		}
		v[i] = x
	}
	f.p, f.height, f.set = [2]float64{v[0], v[1]}, v[2], true
	return nil
}

// tabPointFlag is a flag.Value for "x,y".
type tabPointFlag struct{ p [2]float64 }

func (f *tabPointFlag) String() string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(f.p[0], 'g', -1, 64) + "," + strconv.FormatFloat(f.p[1], 'g', -1, 64)
}

func (f *tabPointFlag) Set(s string) error {
	xs, ys, ok := strings.Cut(s, ",")
	if !ok {
		return fmt.Errorf("want x,y, e.g. 0.5,0.4")
	}
	x, err1 := strconv.ParseFloat(strings.TrimSpace(xs), 64)
	y, err2 := strconv.ParseFloat(strings.TrimSpace(ys), 64)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("%q is not two numbers x,y", s)
	}
	f.p = [2]float64{x, y}
	return nil
}

const tabFieldAbout = `Trains REINFORCE with a 2-D Gaussian policy (learnable μ and log σ) on the field:
each rollout proposes one point a of the plane [-1,1]² and earns
exp(-‖a - target‖² / (2 width²)), plus height · exp(-‖a - x,y‖² / (2 w²)) with
-distractor x,y,height (w: -distractor-width). Prints a table, or one JSON object with -json.`

func runTrainField(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("pgrad train field", "[flags]", tabFieldAbout)
	def := env.DefaultField()
	target := &tabPointFlag{p: def.Target}
	fs.Var(target, "target", "centre `x,y` of the reward's bump, inside [-1,1]²")
	width := fs.Float64("width", def.Width, "width of the reward's bump (> 0)")
	distractor := &tabBumpFlag{}
	fs.Var(distractor, "distractor", "a second, lower bump that can trap the policy: centre and height `x,y,height`, inside [-1,1]², height in [0, 1)")
	distractorWidth := fs.Float64("distractor-width", 0, "width of the -distractor bump (> 0; 0: the same as -width)")
	set := settingsFlags(fs, lab.DefaultFieldSettings())
	var out tabOutput
	out.register(fs, 3000)
	if status, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return status
	}
	if err := out.check(); err != nil {
		return usageErr(stderr, fs.Name(), err)
	}
	cfg := def
	cfg.Target, cfg.Width = target.p, *width
	if *distractorWidth != 0 && !distractor.set {
		return usageErr(stderr, fs.Name(), errors.New("-distractor-width needs -distractor x,y,height"))
	}
	if distractor.set {
		w := *distractorWidth
		if w == 0 {
			w = *width
		}
		cfg.Distractor = &env.Bump{Center: distractor.p, Height: distractor.height, Width: w}
	}
	f, err := lab.NewField(cfg, *set, out.seed)
	if err != nil {
		return usageErr(stderr, fs.Name(), settingFlagErr(err))
	}
	if probeTrain(stdout, fs, fieldProbe{Field: cfg, Settings: *set, Rollouts: out.rollouts}) {
		return 0
	}
	defer func() {
		if w, ok := f.Warning(); ok {
			fmt.Fprintf(stderr, "%s: warning (-lr): %s\n", fs.Name(), w)
		}
	}()
	return out.run(fs.Name(), stdout, stderr, f.Step, func() string {
		s := f.Snapshot(0)
		return fmt.Sprintf("μ %.2f,%.2f  σ %.3f", s.Mu[0], s.Mu[1], math.Sqrt(s.Sigma[0]*s.Sigma[1]))
	}, func() ([]lab.CurvePoint, any, func(io.Writer)) {
		s := f.Snapshot(0)
		res := tabFieldJSON{
			Env: "field", Seed: out.seed, Rollouts: s.Rollouts, Updates: s.Updates, Settings: s.Settings,
			Target: s.Target, Width: s.Width, Mu: s.Mu, Sigma: s.Sigma,
			Distance:    math.Hypot(s.Mu[0]-s.Target[0], s.Mu[1]-s.Target[1]),
			SuccessRate: s.SuccessRate, MeanReturn: s.MeanReturn, Interrupted: out.interrupted,
		}
		if d := s.Distractor; d != nil {
			res.Distractor = &tabBumpJSON{Center: d.Center, Height: d.Height, Width: d.Width}
		}
		return s.Curve, res, func(w io.Writer) { tabPrintFieldTable(w, res) }
	})
}

func tabPrintFieldTable(w io.Writer, r tabFieldJSON) {
	fmt.Fprintf(w, "env            field: target %g,%g  width %g\n", r.Target[0], r.Target[1], r.Width)
	if d := r.Distractor; d != nil {
		fmt.Fprintf(w, "distractor     %g,%g  height %g  width %g\n", d.Center[0], d.Center[1], d.Height, d.Width)
	}
	fmt.Fprintf(w, "seed           %d\n", r.Seed)
	fmt.Fprintf(w, "rollouts       %d (%d updates%s)\n", r.Rollouts, r.Updates, interruptedNote(r.Interrupted))
	fmt.Fprintf(w, "settings       lr %g  batch %d  baseline %s  entropy %g\n", r.Settings.LR, r.Settings.Batch, r.Settings.Baseline, r.Settings.Entropy)
	fmt.Fprintf(w, "μ              %.4f, %.4f (%.4f from the target)\n", r.Mu[0], r.Mu[1], r.Distance)
	fmt.Fprintf(w, "σ              %.4f, %.4f\n", r.Sigma[0], r.Sigma[1])
	fmt.Fprintf(w, "success rate   %.2f (reward > 0.5, last %d rollouts)\n", r.SuccessRate, min(r.Rollouts, lab.Window))
	fmt.Fprintf(w, "mean return    %.3f (last %d rollouts)\n", r.MeanReturn, min(r.Rollouts, lab.Window))
}
