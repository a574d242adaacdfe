package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/golden"
	"github.com/pgrad/pgrad/internal/rundir"
	"github.com/pgrad/pgrad/lab"
)

// gridCLI runs pgrad with args and returns the status and both streams.
func TestTrainGridHelpListsEveryFlag(t *testing.T) {
	for env, flags := range map[string][]string{
		"gridworld": {"size", "start", "goal", "pits", "walls", "seed", "rollouts", "batch", "lr", "gamma", "baseline", "entropy", "credit", "json", "csv", "max-steps", "step-reward"},
		"field":     {"target", "width", "distractor", "distractor-width", "seed", "rollouts", "batch", "lr", "gamma", "baseline", "entropy", "json", "csv"},
	} {
		status, out, errOut := runCLI("train", env, "-h")
		if status != 0 || errOut != "" {
			t.Errorf("%s -h: status %d, stderr %q", env, status, errOut)
		}
		for _, f := range flags {
			i := strings.Index(out, "\n  -"+f+" ")
			if i < 0 {
				i = strings.Index(out, "\n  -"+f+"\n")
			}
			if i < 0 {
				t.Errorf("%s -h does not list -%s:\n%s", env, f, out)
				continue
			}
			// The flag's two lines end with its default.
			rest := out[i+1:]
			lines := strings.SplitN(rest, "\n", 3)
			if len(lines) < 2 || !strings.Contains(lines[1], "(default ") {
				t.Errorf("%s -h: -%s shows no default: %q", env, f, lines)
			}
		}
	}
	if status, out, _ := runCLI("train", "-h"); status != 0 || !strings.Contains(out, "gridworld") || !strings.Contains(out, "field") {
		t.Errorf("pgrad train -h: status %d, output %q", status, out)
	}
}

func TestTrainGridBadInput(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", "mars"}, `unknown environment "mars"`},
		{[]string{"train", "gridworld", "-size", "1"}, "grid size 1 is out of range"},
		{[]string{"train", "gridworld", "-size", "11"}, "grid size 11 is out of range"},
		{[]string{"train", "gridworld", "-goal", "5,1"}, "goal (5,1) is outside the 3×3 grid"},
		{[]string{"train", "gridworld", "-goal", "1,1"}, "goal (1,1) is on a pit"},
		{[]string{"train", "gridworld", "-walls", "0,2"}, "goal (0,2) is on a wall"},
		{[]string{"train", "gridworld", "-goal", "2,0"}, "goal (2,0) is on the start"},
		{[]string{"train", "gridworld", "-lr", "0"}, "learning rate 0"},
		{[]string{"train", "gridworld", "-lr", "-0.1"}, "learning rate -0.1"},
		{[]string{"train", "gridworld", "-lr", "NaN"}, "learning rate NaN"},
		{[]string{"train", "gridworld", "-lr", "Inf"}, "learning rate +Inf"},
		{[]string{"train", "gridworld", "-batch", "-3"}, "batch -3"},
		{[]string{"train", "gridworld", "-batch", "0"}, "batch 0"},
		{[]string{"train", "gridworld", "-gamma", "1.5"}, "-gamma: pg: discount 1.5"},
		{[]string{"train", "gridworld", "-gamma", "0"}, "-gamma: pg: discount 0 must be in (0, 1]"},
		{[]string{"train", "gridworld", "-credit", "whole"}, `-credit: pg: unknown credit "whole" (want togo or return)`},
		{[]string{"train", "gridworld", "-entropy", "-1"}, "entropy bonus -1"},
		{[]string{"train", "gridworld", "-baseline", "median"}, `unknown baseline "median"`},
		{[]string{"train", "gridworld", "-pits", "1;2"}, `cells: "1": a cell is row,col`},
		{[]string{"train", "gridworld", "-goal", "1,2,3"}, `cells: "1,2,3": a cell is row,col: two integers`},
		{[]string{"train", "gridworld", "-start", "a,b"}, `row "a" is not an integer`},
		{[]string{"train", "gridworld", "-rollouts", "-1"}, "-rollouts -1 is out of range"},
		{[]string{"train", "gridworld", "-nope"}, "flag provided but not defined: -nope"},
		{[]string{"train", "gridworld", "stray"}, `unexpected argument "stray"`},
		{[]string{"train", "gridworld", "-walls", "0,1;1,2"}, "cannot be reached"},
		{[]string{"train", "field", "-target", "1.5,0"}, "target (1.5, 0) is outside the field"},
		{[]string{"train", "field", "-target", "x"}, "want x,y"},
		{[]string{"train", "field", "-width", "-1"}, "field width -1"},
		{[]string{"train", "field", "-lr", "NaN"}, "learning rate NaN"},
	}
	for _, tc := range cases {
		status, out, errOut := runCLI(tc.args...)
		if status != 2 {
			t.Errorf("%v: status %d, want 2", tc.args, status)
		}
		if out != "" {
			t.Errorf("%v: printed %q on stdout", tc.args, out)
		}
		if strings.Count(errOut, "\n") != 1 || !strings.HasSuffix(errOut, "\n") || !strings.HasPrefix(errOut, "pgrad train") {
			t.Errorf("%v: stderr is not one line starting with the command: %q", tc.args, errOut)
		}
		if !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: stderr %q does not say %q", tc.args, errOut, tc.want)
		}
	}
}

// A -csv file that cannot be created fails at run time, like -out: exit 1,
// one line on stderr, nothing trained.
func TestTrainGridCSVUnwritable(t *testing.T) {
	status, out, errOut := runCLI("train", "gridworld", "-csv", filepath.Join(t.TempDir(), "no", "dir.csv"))
	if status != 1 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "-csv: cannot create") {
		t.Errorf("status %d, stdout %q, stderr %q; want 1, nothing, one line saying -csv: cannot create", status, out, errOut)
	}
}

// A -csv path that is a directory fails the same way, at once.
func TestTrainGridCSVIsADirectory(t *testing.T) {
	dir := t.TempDir()
	status, out, errOut := runCLI("train", "gridworld", "-csv", dir)
	if status != 1 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "-csv: cannot create") || !strings.Contains(errOut, "directory") {
		t.Errorf("status %d, stdout %q, stderr %q; want 1, nothing, one line saying the -csv path is a directory", status, out, errOut)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left %v in the directory", left)
	}
}

// peekContext is a context that is never done, calling peek each time the
// training loop asks (before every chunk of rollouts).
type peekContext struct {
	context.Context
	peek func()
}

func (c peekContext) Err() error { c.peek(); return nil }

// TestTrainGridCSVIsAtomic: while the run trains, the -csv path keeps what
// it held and the curve grows in one temporary file beside it; at the end
// the path holds the whole new curve and no temporary file is left (before
// this, the path was truncated at the start and written at the end).
func TestTrainGridCSVIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "curve.csv")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	peeks := 0
	old := interruptContext
	defer func() { interruptContext = old }()
	interruptContext = func() (context.Context, context.CancelFunc) {
		return peekContext{context.Background(), func() {
			peeks++
			if b, err := os.ReadFile(path); err != nil || string(b) != "old\n" {
				t.Errorf("during the run (check %d) the -csv path holds %.40q, %v; want the old content", peeks, b, err)
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 2 || !strings.HasPrefix(ents[0].Name(), rundir.TempPrefix+"curve.csv-") {
				t.Errorf("during the run the directory holds %v; want the file and one temporary file beside it", ents)
			}
		}}, func() {}
	}
	status, _, errOut := runCLI("train", "gridworld", "-rollouts", "50000", "-csv", path)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	if peeks < 2 {
		t.Fatalf("the loop asked %d times; the test saw no run in progress", peeks)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), "rollouts,success_rate,mean_return\n") || !strings.HasSuffix(string(b), "\n") {
		t.Errorf("after the run: %.60q, %v", b, err)
	}
	if rows := strings.Count(string(b), "\n"); rows < 2 {
		t.Errorf("after the run the curve has %d lines", rows)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("after the run the directory holds %v; want the CSV only", ents)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != rundir.FileMode {
		t.Errorf("mode %v, %v; want %v", fi.Mode(), err, rundir.FileMode)
	}
}

type gridResult struct {
	Env         string             `json:"env"`
	Size        int                `json:"size"`
	Start       [2]int             `json:"start"`
	Goal        [2]int             `json:"goal"`
	Pits        [][2]int           `json:"pits"`
	Seed        uint64             `json:"seed"`
	Rollouts    int                `json:"rollouts"`
	SuccessRate float64            `json:"success_rate"`
	MeanReturn  float64            `json:"mean_return"`
	GreedyPath  [][2]int           `json:"greedy_path"`
	GreedyEnd   string             `json:"greedy_end"`
	PiStart     map[string]float64 `json:"pi_start"`
}

func decodeGrid(t *testing.T, out string) gridResult {
	t.Helper()
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("-json printed %d lines, want one object on one line", strings.Count(out, "\n"))
	}
	var r gridResult
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	return r
}

func TestTrainGridJSONLearnsTheDefaultWorld(t *testing.T) {
	status, out, errOut := runCLI("train", "gridworld", "-json", "-seed", "7")
	if status != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	r := decodeGrid(t, out)
	if r.Env != "gridworld" || r.Seed != 7 || r.Rollouts != 2000 || r.Size != 3 {
		t.Errorf("summary %+v", r)
	}
	if r.SuccessRate < 0.95 || r.MeanReturn < 0.9 || r.GreedyEnd != "goal" {
		t.Errorf("not learned: success %v, mean return %v, greedy path %v ending %q", r.SuccessRate, r.MeanReturn, r.GreedyPath, r.GreedyEnd)
	}
	if len(r.GreedyPath) == 0 || r.GreedyPath[0] != [2]int{2, 0} || r.GreedyPath[len(r.GreedyPath)-1] != [2]int{0, 2} {
		t.Errorf("greedy path %v does not go from the start to the goal", r.GreedyPath)
	}
	var sum float64
	for _, a := range []string{"up", "right", "down", "left"} {
		p, ok := r.PiStart[a]
		if !ok || p < 0 || p > 1 {
			t.Errorf("π(%s|start) = %v, %v", a, p, ok)
		}
		sum += p
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("π at start sums to %v", sum)
	}
	// The keys come in the order of the actions, as the table prints them.
	i := strings.Index(out, `"pi_start":{`)
	keys := []int{strings.Index(out[i:], `"up"`), strings.Index(out[i:], `"right"`), strings.Index(out[i:], `"down"`), strings.Index(out[i:], `"left"`)}
	if i < 0 || !slices.IsSorted(keys) || keys[0] < 0 {
		t.Errorf("pi_start keys are not in the order up, right, down, left: %s", out[i:])
	}
}

func TestTrainGridReproducible(t *testing.T) {
	args := []string{"train", "gridworld", "-json", "-seed", "42", "-rollouts", "700", "-size", "4", "-walls", "1,1", "-pits", "2,2", "-pits", "0,1", "-baseline", "mean", "-entropy", "0.01"}
	_, a, _ := runCLI(args...)
	_, b, _ := runCLI(args...)
	if a != b || a == "" {
		t.Fatalf("same seed, different output:\n%s\n%s", a, b)
	}
	args[4] = "43"
	if _, c, _ := runCLI(args...); c == a {
		t.Error("seeds 42 and 43 gave identical output; is the seed used?")
	}
	golden.Check(t, filepath.Join("testdata", "train_gridworld.golden.json"), []byte(a))
	r := decodeGrid(t, a)
	if r.Size != 4 || len(r.Pits) != 2 || r.Start != [2]int{3, 0} || r.Goal != [2]int{0, 3} {
		t.Errorf("-size 4 with repeated -pits gave %+v", r)
	}
}

func TestTrainGridTableAndCSV(t *testing.T) {
	csvPath := filepath.Join(t.TempDir(), "curve.csv")
	status, out, errOut := runCLI("train", "gridworld", "-size", "5", "-rollouts", "3000", "-csv", csvPath)
	if status != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	for _, want := range []string{"gridworld 5×5: start 4,0  goal 0,4  pits 2,2", "rollouts       3000 (750 updates)", "greedy path    4,0 → ", "(reaches the goal)", "π at start     up ", "  G"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "rollouts,success_rate,mean_return" || len(lines) != 751 {
		t.Fatalf("CSV starts %q and has %d lines, want a header and 750 rows", lines[0], len(lines))
	}
	prev := 0
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		n, err := strconv.Atoi(f[0])
		sr, err2 := strconv.ParseFloat(f[1], 64)
		if len(f) != 3 || err != nil || err2 != nil || n <= prev || sr < 0 || sr > 1 {
			t.Fatalf("bad CSV row %q after %d", l, prev)
		}
		prev = n
	}
	if last := strings.Split(lines[len(lines)-1], ","); last[0] != "3000" || last[1] != "1" {
		t.Errorf("last CSV row %v, want 3000 rollouts at success 1", last)
	}
}

func TestTrainFieldJSON(t *testing.T) {
	status, out, errOut := runCLI("train", "field", "-json", "-target", "-0.3,0.6")
	if status != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	var r struct {
		Env                     string
		Rollouts                int
		Mu, Sigma, Target       [2]float64
		Distance                float64
		SuccessRate, MeanReturn float64 `json:"-"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Env != "field" || r.Rollouts != 3000 || r.Target != [2]float64{-0.3, 0.6} {
		t.Errorf("summary %+v", r)
	}
	if d := math.Hypot(r.Mu[0]-r.Target[0], r.Mu[1]-r.Target[1]); d > 0.1 || math.Abs(d-r.Distance) > 1e-15 {
		t.Errorf("μ %v is %v from the target (reported %v)", r.Mu, d, r.Distance)
	}
	if r.Sigma[0] <= 0 || r.Sigma[0] > 1 {
		t.Errorf("σ %v", r.Sigma)
	}
	status, out, _ = runCLI("train", "field", "-rollouts", "10")
	if status != 0 || !strings.Contains(out, "μ ") || !strings.Contains(out, "σ ") {
		t.Errorf("field table: %d %q", status, out)
	}
}

// TestTrainFieldDistractor checks that -distractor reaches the field: the
// summary reports it, it changes the run, and bad bumps are one line, exit 2.
func TestTrainFieldDistractor(t *testing.T) {
	var plain, with struct {
		Mu         [2]float64
		Distractor *struct {
			Center        [2]float64
			Height, Width float64
		}
	}
	status, out, errOut := runCLI("train", "field", "-json", "-rollouts", "500")
	if status != 0 || json.Unmarshal([]byte(out), &plain) != nil || plain.Distractor != nil {
		t.Fatalf("without -distractor: status %d, %q %q", status, out, errOut)
	}
	status, out, errOut = runCLI("train", "field", "-json", "-rollouts", "500", "-distractor", "-0.5,-0.4,0.5")
	if status != 0 || json.Unmarshal([]byte(out), &with) != nil || with.Distractor == nil {
		t.Fatalf("-distractor: status %d, %q %q", status, out, errOut)
	}
	if d := *with.Distractor; d.Center != [2]float64{-0.5, -0.4} || d.Height != 0.5 || d.Width != 0.35 {
		t.Errorf("distractor %+v, want centre -0.5,-0.4, height 0.5 and the main bump's width 0.35", d)
	}
	if with.Mu == plain.Mu {
		t.Errorf("the distractor changed nothing: μ %v both times", with.Mu)
	}
	status, out, _ = runCLI("train", "field", "-json", "-rollouts", "10", "-distractor", "0,0,0.5", "-distractor-width", "0.2")
	if status != 0 || json.Unmarshal([]byte(out), &with) != nil || with.Distractor == nil || with.Distractor.Width != 0.2 {
		t.Errorf("-distractor-width 0.2: status %d, %q", status, out)
	}
	for _, args := range [][]string{
		{"-distractor", "2,0,0.5"}, {"-distractor", "0,0,1"}, {"-distractor", "0,0"}, {"-distractor", "0,0,x"},
		{"-distractor-width", "0.1"}, {"-distractor", "0,0,0.5", "-distractor-width", "-1"}, {"-distractor", "0,0,NaN"},
	} {
		status, out, errOut := runCLI(append([]string{"train", "field"}, args...)...)
		if status != 2 || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want exit 2 and one line", args, status, out, errOut)
		}
	}
}

// -gamma and -credit reach the session: the CLI's π at the start equals a
// lab session's with the same settings, bit for bit, and the two credits
// give different runs.
func TestTrainGridCreditAndGamma(t *testing.T) {
	pis := map[string]float64{}
	for _, credit := range []string{"togo", "return"} {
		status, out, errOut := runCLI("train", "gridworld", "-gamma", "0.7", "-credit", credit, "-rollouts", "300", "-seed", "3", "-json")
		if status != 0 || errOut != "" {
			t.Fatalf("%s: status %d, stderr %q", credit, status, errOut)
		}
		var r struct {
			Settings lab.Settings       `json:"settings"`
			PiStart  map[string]float64 `json:"pi_start"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		want := lab.DefaultSettings()
		want.Gamma = 0.7
		if credit == "return" {
			want.Credit = "return"
		}
		if r.Settings != want {
			t.Errorf("%s: settings %+v, want %+v", credit, r.Settings, want)
		}
		g, err := lab.NewGrid(env.DefaultGrid(), want, 3)
		if err != nil {
			t.Fatal(err)
		}
		g.Step(300)
		if p := g.Snapshot(0).Probs[6][env.Up]; p != r.PiStart["up"] {
			t.Errorf("%s: π(up|start) %v from the CLI, %v from lab", credit, r.PiStart["up"], p)
		}
		pis[credit] = r.PiStart["up"]
	}
	if pis["togo"] == pis["return"] {
		t.Errorf("-credit togo and return gave the same π(up|start) %v", pis["togo"])
	}
	status, out, _ := runCLI("train", "gridworld", "-credit", "return", "-rollouts", "10")
	if status != 0 || !strings.Contains(out, "credit return") {
		t.Errorf("the table does not show the credit: %q", out)
	}
}

// Issue 7 §4.1: a large field learning rate throws μ off the plane; the
// CLI says so on stderr, naming the learning rate, and still exits 0 with
// its summary; the default rate prints no warning.
func TestTrainFieldWarnsOfALargeLearningRate(t *testing.T) {
	status, out, errOut := runCLI("train", "field", "-lr", "10", "-rollouts", "500")
	if status != 0 || !strings.Contains(out, "μ ") {
		t.Fatalf("status %d, stdout %q", status, out)
	}
	if !strings.Contains(errOut, "warning (-lr): μ has left the plane") || !strings.Contains(errOut, "learning rate α = 10 is too large") {
		t.Errorf("stderr %q: want the warning naming the learning rate", errOut)
	}
	if status, _, errOut := runCLI("train", "field", "-rollouts", "500"); status != 0 || errOut != "" {
		t.Errorf("default field: status %d, stderr %q; want no warning", status, errOut)
	}
}
