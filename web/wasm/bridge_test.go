package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

var update = flag.Bool("update", false, "rewrite testdata/frames.golden from the native run")

// driver performs the bridge's operations and returns each frame as a
// fresh copy. The native driver calls the bridge directly; under wasm a
// second driver goes through the JS functions the page calls, so that both
// can run one script and be compared.
type driver interface {
	step(n int) []float64
	stepField(n int) []float64
	setGoal(row, col int) []float64
	setPit(row, col int) []float64
	setTarget(x, y float64) []float64
	setSettings(lr float64, baseline string)
	reset()
}

type nativeDriver struct {
	t *testing.T
	b *bridge
}

func (d nativeDriver) must(err error) {
	d.t.Helper()
	if err != nil {
		d.t.Fatal(err)
	}
}

func (d nativeDriver) grid() []float64  { return append([]float64(nil), d.b.gridFrame()...) }
func (d nativeDriver) field() []float64 { return append([]float64(nil), d.b.fieldFrame()...) }

func (d nativeDriver) step(n int) []float64      { d.must(d.b.step(n)); return d.grid() }
func (d nativeDriver) stepField(n int) []float64 { d.must(d.b.stepField(n)); return d.field() }
func (d nativeDriver) setGoal(r, c int) []float64 {
	d.must(d.b.grid.SetGoal(env.Cell{Row: r, Col: c}))
	return d.grid()
}
func (d nativeDriver) setPit(r, c int) []float64 {
	d.must(d.b.grid.SetPit(env.Cell{Row: r, Col: c}))
	return d.grid()
}
func (d nativeDriver) setTarget(x, y float64) []float64 {
	d.must(d.b.setTarget(x, y))
	return d.field()
}
func (d nativeDriver) setSettings(lr float64, baseline string) {
	s := d.b.grid.Settings()
	s.LR, s.Baseline = lr, baseline
	d.must(d.b.grid.SetSettings(s))
}
func (d nativeDriver) reset() { d.b.reset() }

// script is the session the golden file pins: training, a goal move, a pit
// move, new settings, a reset, and the field with a target move.
func script(d driver) [][]float64 {
	var frames [][]float64
	add := func(f []float64) { frames = append(frames, f) }
	add(d.step(0))
	add(d.step(7))
	add(d.step(400))
	add(d.setGoal(2, 2))
	add(d.step(300))
	add(d.setPit(0, 1))
	d.setSettings(1.2, "mean")
	add(d.step(250))
	d.reset()
	add(d.step(5))
	add(d.stepField(0))
	add(d.stepField(300))
	add(d.setTarget(-0.5, 0.25))
	add(d.stepField(200))
	return frames
}

// digest hashes the bits of every value of every frame, so that two runs
// agree only if they agree bit for bit.
func digest(frames [][]float64) string {
	h := fnv.New64a()
	var b [8]byte
	n := 0
	for _, f := range frames {
		for _, v := range f {
			u := math.Float64bits(v)
			for i := range b {
				b[i] = byte(u >> (8 * i))
			}
			h.Write(b[:])
			n++
		}
	}
	return fmt.Sprintf("%d frames, %d values, fnv64a %016x", len(frames), n, h.Sum64())
}

// sameBits reports whether a and b hold the same values bit for bit (so a
// NaN equals a NaN, which reflect.DeepEqual does not allow).
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

const goldenPath = "testdata/frames.golden"

func readGolden(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run go test ./web/wasm -update natively to create it)", err)
	}
	return strings.TrimSpace(string(b))
}

func newTestBridge(t *testing.T) *bridge {
	t.Helper()
	b, err := newBridge(defaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGolden pins the frames of a seeded session. The same file is checked
// under wasm through the JS functions, which makes the browser's run equal
// to the terminal's bit for bit.
func TestGolden(t *testing.T) {
	got := digest(script(nativeDriver{t, newTestBridge(t)}))
	if *update && runtime.GOOS != "js" {
		if err := os.WriteFile(goldenPath, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := readGolden(t); got != want {
		t.Errorf("frames: %s\nwant:   %s\n(if lab or env changed on purpose, go test ./web/wasm -update)", got, want)
	}
}

// decodedGrid is a grid frame read back by the layout of the package doc.
type decodedGrid struct {
	size, rollouts, start, goal, batch int
	success, meanReturn                float64
	greedyEnd, updates                 int
	probs                              [][4]float64
	baselines                          []float64
	baselineKind                       int
	meanLength                         float64
	pits, walls                        []int
	traj                               []decodedTraj
	curve                              []lab.CurvePoint
	moves                              []int
	greedy                             []int
}

type decodedTraj struct {
	outcome int
	ret     float64
	steps   []int // cell·4+action
}

func decodeGrid(t *testing.T, f []float64) decodedGrid {
	t.Helper()
	if f[0] != kindGrid {
		t.Fatalf("frame kind %v, want %d", f[0], kindGrid)
	}
	if int(f[15]) != len(f) {
		t.Fatalf("frame says it has %v slots, has %d", f[15], len(f))
	}
	n := int(f[1])
	d := decodedGrid{size: n, rollouts: int(f[2]), start: int(f[3]), goal: int(f[4]), batch: int(f[12]),
		success: f[13], meanReturn: f[14], greedyEnd: int(f[16]), updates: int(f[17]),
		baselineKind: int(f[18]), meanLength: f[19]}
	i := headerLen
	take := func(k int) []int {
		out := make([]int, k)
		for j := range out {
			out[j] = int(f[i])
			i++
		}
		return out
	}
	for range n * n {
		d.probs = append(d.probs, [4]float64{f[i], f[i+1], f[i+2], f[i+3]})
		i += 4
	}
	d.baselines = append([]float64(nil), f[i:i+n*n]...)
	i += n * n
	d.pits = take(int(f[5]))
	d.walls = take(int(f[6]))
	for range int(f[7]) {
		tr := decodedTraj{outcome: int(f[i]), ret: f[i+1]}
		l := int(f[i+2])
		i += 3
		tr.steps = take(l)
		d.traj = append(d.traj, tr)
	}
	for range int(f[9]) {
		d.curve = append(d.curve, lab.CurvePoint{Rollouts: int(f[i]), SuccessRate: f[i+1], MeanReturn: f[i+2], MeanLength: f[i+3]})
		i += curveSlots
	}
	d.moves = take(int(f[10]))
	d.greedy = take(int(f[11]))
	if i != len(f) {
		t.Fatalf("decoded %d slots of %d", i, len(f))
	}
	return d
}

// checkGrid compares a decoded frame with the session's own snapshot.
func checkGrid(t *testing.T, d decodedGrid, s lab.GridSnapshot) {
	t.Helper()
	idx := func(c env.Cell) int { return c.Row*s.Size + c.Col }
	cells := func(cs []env.Cell) []int {
		out := make([]int, len(cs))
		for i, c := range cs {
			out[i] = idx(c)
		}
		return out
	}
	if d.size != s.Size || d.rollouts != s.Rollouts || d.start != idx(s.Start) || d.goal != idx(s.Goal) ||
		d.batch != s.Settings.Batch || d.updates != s.Updates || d.greedyEnd != int(s.GreedyEnd) {
		t.Errorf("header %+v does not match the snapshot (size %d, rollouts %d, start %v, goal %v, batch %d, updates %d, greedy end %v)",
			d, s.Size, s.Rollouts, s.Start, s.Goal, s.Settings.Batch, s.Updates, s.GreedyEnd)
	}
	if s.Rollouts > 0 && (d.success != s.SuccessRate || d.meanReturn != s.MeanReturn) {
		t.Errorf("window %v, %v; snapshot %v, %v", d.success, d.meanReturn, s.SuccessRate, s.MeanReturn)
	}
	if s.Rollouts == 0 && !(math.IsNaN(d.success) && math.IsNaN(d.meanReturn)) {
		t.Errorf("window %v, %v before any rollout, want NaN", d.success, d.meanReturn)
	}
	if !reflect.DeepEqual(d.probs, s.Probs) {
		t.Errorf("probs %v, snapshot %v", d.probs, s.Probs)
	}
	if !reflect.DeepEqual(d.baselines, s.Baselines) {
		t.Errorf("baselines %v, snapshot %v", d.baselines, s.Baselines)
	}
	if want := map[string]int{"none": 0, "mean": 1, "state": 2}[s.Settings.Baseline]; d.baselineKind != want {
		t.Errorf("baseline kind %d, settings say %q", d.baselineKind, s.Settings.Baseline)
	}
	if s.Rollouts > 0 && d.meanLength != s.MeanLength || s.Rollouts == 0 && !math.IsNaN(d.meanLength) {
		t.Errorf("mean length %v, snapshot %v", d.meanLength, s.MeanLength)
	}
	if !reflect.DeepEqual(d.pits, cells(s.Pits)) || !reflect.DeepEqual(d.walls, cells(s.Walls)) {
		t.Errorf("pits %v walls %v, snapshot %v %v", d.pits, d.walls, s.Pits, s.Walls)
	}
	if len(d.traj) != len(s.Trajectories) {
		t.Fatalf("%d trajectories, snapshot %d", len(d.traj), len(s.Trajectories))
	}
	for k, tr := range s.Trajectories {
		want := make([]int, len(tr.Actions))
		for j, a := range tr.Actions {
			want[j] = idx(tr.Cells[j])*4 + int(a)
		}
		if got := d.traj[k]; got.outcome != int(tr.Outcome) || got.ret != tr.Return || !reflect.DeepEqual(got.steps, want) {
			t.Errorf("trajectory %d: %+v, want outcome %d return %v steps %v", k, got, tr.Outcome, tr.Return, want)
		}
	}
	if !reflect.DeepEqual(d.curve, s.Curve) && (len(d.curve) > 0 || len(s.Curve) > 0) {
		t.Errorf("curve %v, snapshot %v", d.curve, s.Curve)
	}
	if !reflect.DeepEqual(d.moves, append([]int{}, s.GoalMoves...)) && (len(d.moves) > 0 || len(s.GoalMoves) > 0) {
		t.Errorf("goal moves %v, snapshot %v", d.moves, s.GoalMoves)
	}
	if !reflect.DeepEqual(d.greedy, cells(s.GreedyPath)) {
		t.Errorf("greedy %v, snapshot %v", d.greedy, s.GreedyPath)
	}
}

func TestGridFrameMatchesSnapshot(t *testing.T) {
	b := newTestBridge(t)
	check := func(what string) {
		t.Run(what, func(t *testing.T) {
			var s lab.GridSnapshot
			b.grid.SnapshotInto(&s, recentTraj, maxCurve)
			checkGrid(t, decodeGrid(t, b.gridFrame()), s)
		})
	}
	check("fresh")
	if err := b.step(3); err != nil {
		t.Fatal(err)
	}
	check("three rollouts")
	if err := b.step(500); err != nil {
		t.Fatal(err)
	}
	check("trained")
	if err := b.grid.SetGoal(env.Cell{Row: 1, Col: 0}); err != nil {
		t.Fatal(err)
	}
	check("goal moved")
	if err := b.step(3000); err != nil {
		t.Fatal(err)
	}
	check("long run")
}

func TestFieldFrameMatchesSnapshot(t *testing.T) {
	b := newTestBridge(t)
	if err := b.stepField(130); err != nil {
		t.Fatal(err)
	}
	if err := b.setTarget(-0.3, 0.6); err != nil {
		t.Fatal(err)
	}
	if err := b.stepField(20); err != nil {
		t.Fatal(err)
	}
	f := b.fieldFrame()
	s := b.field.Snapshot(recentDots)
	if f[0] != kindField || int(f[15]) != len(f) {
		t.Fatalf("kind %v, length %v of %d", f[0], f[15], len(f))
	}
	head := []float64{float64(s.Rollouts), s.Mu[0], s.Mu[1], s.Sigma[0], s.Sigma[1], s.Target[0], s.Target[1],
		float64(len(s.Samples))}
	if !reflect.DeepEqual(f[1:9], head) {
		t.Errorf("header %v, snapshot %v", f[1:9], head)
	}
	if f[11] != -1 || f[12] != 1 || f[13] != float64(s.Settings.Batch) || f[14] != s.MeanReturn ||
		f[16] != s.SuccessRate || int(f[17]) != len(s.TargetMoves) || f[18] != s.Width || int(f[19]) != s.Updates {
		t.Errorf("header %v does not match the snapshot %+v", f[:headerLen], s)
	}
	i := headerLen
	for k, p := range s.Samples {
		if got := [3]float64{f[i], f[i+1], f[i+2]}; got != [3]float64{p.A[0], p.A[1], p.Reward} {
			t.Errorf("sample %d: %v, snapshot %+v", k, got, p)
		}
		i += 3
	}
	i += curveSlots * int(f[9])
	for k, r := range s.TargetMoves {
		if int(f[i+k]) != r {
			t.Errorf("target move %d: %v, snapshot %d", k, f[i+k], r)
		}
	}
	i += int(f[17])
	res := int(f[10])
	if len(f)-i != res*res+1 {
		t.Fatalf("landscape and warning have %d values, want %d", len(f)-i, res*res+1)
	}
	if w := f[len(f)-1]; w != 0 {
		t.Errorf("warning slot %v with the default settings, want 0", w)
	}
	// The landscape is the world's reward at pixel centres, top row first.
	w, err := env.NewField(b.field.Config())
	if err != nil {
		t.Fatal(err)
	}
	px := 2.0 / float64(res)
	for _, rc := range [][2]int{{0, 0}, {res - 1, res - 1}, {res / 3, res / 2}, {7, 30}} {
		a := [2]float64{-1 + (float64(rc[1])+0.5)*px, 1 - (float64(rc[0])+0.5)*px}
		if got, want := f[i+rc[0]*res+rc[1]], w.Reward(a); got != want {
			t.Errorf("landscape at row %d col %d = %v, reward at %v = %v", rc[0], rc[1], got, a, want)
		}
	}
	// Its brightest pixel is the one nearest the target.
	best := 0
	for k := range res * res {
		if f[i+k] > f[i+best] {
			best = k
		}
	}
	if r, c := best/res, best%res; math.Abs(-1+(float64(c)+0.5)*px+0.3) > px || math.Abs(1-(float64(r)+0.5)*px-0.6) > px {
		t.Errorf("brightest pixel at row %d col %d, not at the target (−0.3, 0.6)", r, c)
	}
}

// TestBadInputLeavesStateUnchanged checks the native half of the bridge's
// promise; the wasm test checks the JS half.
func TestBadInputLeavesStateUnchanged(t *testing.T) {
	b := newTestBridge(t)
	if err := b.step(40); err != nil {
		t.Fatal(err)
	}
	before := append([]float64(nil), b.gridFrame()...)
	beforeField := append([]float64(nil), b.fieldFrame()...)
	bad := map[string]error{
		"step too many":    b.step(b.maxStep() + 1),
		"field too many":   b.stepField(maxStepField + 1),
		"goal outside":     b.grid.SetGoal(env.Cell{Row: 3, Col: 0}),
		"goal on start":    b.grid.SetGoal(env.Cell{Row: 2, Col: 0}),
		"goal on pit":      b.grid.SetGoal(env.Cell{Row: 1, Col: 1}),
		"pit on goal":      b.grid.SetPit(env.Cell{Row: 0, Col: 2}),
		"target outside":   b.setTarget(1.5, 0),
		"target NaN":       b.setTarget(math.NaN(), 0),
		"lr NaN":           b.grid.SetSettings(lab.Settings{LR: math.NaN(), Baseline: "none", Batch: 4, Gamma: 0.9}),
		"unknown baseline": b.field.SetSettings(lab.Settings{LR: 0.1, Baseline: "median", Batch: 4, Gamma: 1}),
	}
	for name, err := range bad {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if got := b.gridFrame(); !sameBits(got, before) {
		t.Error("rejected operations changed the grid frame")
	}
	if got := b.fieldFrame(); !sameBits(got, beforeField) {
		t.Error("rejected operations changed the field frame")
	}
	for _, v := range []float64{-1, 0.5, math.NaN(), math.Inf(1), 1 << 54} {
		if _, err := checkCount("step", "n", v); err == nil {
			t.Errorf("checkCount accepted %v", v)
		}
	}
	if n, err := checkCount("step", "n", 12); err != nil || n != 12 {
		t.Errorf("checkCount(12) = %d, %v", n, err)
	}
}

// TestFrameBufferReused checks that steady frames write into one buffer.
func TestFrameBufferReused(t *testing.T) {
	b := newTestBridge(t)
	b.step(200)
	first := &b.gridFrame()[0]
	b.step(200)
	if &b.gridFrame()[0] != first {
		t.Error("the grid frame moved to a new buffer although its size settled")
	}
	allocs := testing.AllocsPerRun(20, func() { b.gridFrame() })
	if allocs > 0 {
		t.Errorf("a grid frame allocates %v times once warm, want 0", allocs)
	}
}

// BenchmarkFrame measures one animation frame at the page's fastest speed:
// 2000 rollouts and the frame that draws them (the slider goes to 5000). Run it natively and under
// wasm (GOOS=js GOARCH=wasm go test -bench Frame -exec=…go_js_wasm_exec).
func BenchmarkFrame(b *testing.B) {
	br, err := newBridge(defaultSeed)
	if err != nil {
		b.Fatal(err)
	}
	br.step(2000) // a trained policy, as at full speed after a moment
	b.ReportAllocs()
	for b.Loop() {
		if err := br.step(2000); err != nil {
			b.Fatal(err)
		}
		br.gridFrame()
	}
	b.ReportMetric(2000*float64(b.N)/b.Elapsed().Seconds(), "rollouts/s")
}

// BenchmarkFrameOnly is the cost of the frame alone, without rollouts.
func BenchmarkFrameOnly(b *testing.B) {
	br, err := newBridge(defaultSeed)
	if err != nil {
		b.Fatal(err)
	}
	br.step(2000)
	b.ReportAllocs()
	for b.Loop() {
		br.gridFrame()
	}
}

// TestResetRestartsFromTheSeed (issue 7 §4.12): after a goal move, new
// settings and some training, reset gives the run a fresh session from the
// same seed with the same world and settings would give, bit for bit, so
// the page's seed and its pgrad command still reproduce the run.
func TestResetRestartsFromTheSeed(t *testing.T) {
	b, err := newBridge(7)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.grid.SetGoal(env.Cell{Row: 2, Col: 2}); err != nil {
		t.Fatal(err)
	}
	s := b.grid.Settings()
	s.LR, s.Gamma, s.Credit = 0.3, 0.8, "return"
	if err := b.grid.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	must(t, b.step(137))
	must(t, b.stepField(55))
	b.reset()
	must(t, b.step(300))
	must(t, b.stepField(200))
	g, err := lab.NewGrid(b.grid.Config(), s, 7)
	if err != nil {
		t.Fatal(err)
	}
	g.Step(300)
	checkGrid(t, decodeGrid(t, b.gridFrame()), g.Snapshot(recentTraj))
	f, err := lab.NewField(b.field.Config(), b.field.Settings(), 7)
	if err != nil {
		t.Fatal(err)
	}
	f.Step(200)
	if got, want := b.field.Snapshot(0).Mu, f.Snapshot(0).Mu; got != want {
		t.Errorf("field after reset: μ %v, a fresh session from the seed %v", got, want)
	}
}

// TestFieldWarningSlot (issue 7 §4.1): the field frame's last slot says 2
// once α = 10 has thrown μ off the plane, and fieldWarning gives the
// sentence naming the learning rate; α = 0.3 is 1; the default is 0 and "".
func TestFieldWarningSlot(t *testing.T) {
	b := newTestBridge(t)
	if f := b.fieldFrame(); f[len(f)-1] != 0 || b.fieldWarning() != "" {
		t.Errorf("default: warning slot %v, sentence %q", f[len(f)-1], b.fieldWarning())
	}
	s := b.field.Settings()
	s.LR = 0.3
	must(t, b.field.SetSettings(s))
	if f := b.fieldFrame(); f[len(f)-1] != 1 {
		t.Errorf("α = 0.3: warning slot %v, want 1", f[len(f)-1])
	}
	s.LR = 10
	must(t, b.field.SetSettings(s))
	must(t, b.stepField(500))
	f := b.fieldFrame()
	if f[len(f)-1] != 2 || !strings.Contains(b.fieldWarning(), "learning rate α = 10") {
		t.Errorf("α = 10 after 500 samples: warning slot %v, sentence %q", f[len(f)-1], b.fieldWarning())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
