package lab

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/pg"
	"github.com/pgrad/pgrad/policy"
)

func cell(r, c int) env.Cell { return env.Cell{Row: r, Col: c} }

// trainUntil steps g in chunks of 10 until it has learned or used budget
// rollouts, and returns the rollouts used, or -1. Learned means that the
// greedy path reaches the goal and at least 95% of the last Window
// rollouts did, all of them made during this call (so that successes from
// before a goal move do not count).
func trainUntil(t *testing.T, g *Grid, budget int) int {
	t.Helper()
	for used := 10; used <= budget; used += 10 {
		if err := g.Step(10); err != nil {
			t.Fatal(err)
		}
		if s := g.Snapshot(0); used >= Window && s.GreedyEnd == env.Goal && s.SuccessRate >= 0.95 {
			return used
		}
	}
	return -1
}

func TestGridConvergesOnTheDefaultWorld(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		g, err := NewGrid(env.DefaultGrid(), DefaultSettings(), seed)
		if err != nil {
			t.Fatal(err)
		}
		n := trainUntil(t, g, 2000)
		if n < 0 {
			sr, _ := g.Window()
			t.Errorf("seed %d: not learned within 2000 rollouts (success %.2f, greedy path %v)", seed, sr, g.Snapshot(0).GreedyPath)
			continue
		}
		// π(toward the goal | start) is what the browser test watches.
		if err := g.Step(2000 - n); err != nil {
			t.Fatal(err)
		}
		p := g.Snapshot(0).Probs[6]
		if p[env.Up]+p[env.Right] < 0.9 {
			t.Errorf("seed %d: π(up or right | start) = %.3f after 2000 rollouts", seed, p[env.Up]+p[env.Right])
		}
		// Move the goal to every other free cell in turn: the policy is
		// kept and re-learns.
		for _, goal := range []env.Cell{cell(2, 2), cell(0, 0)} {
			if err := g.SetGoal(goal); err != nil {
				t.Fatal(err)
			}
			if m := trainUntil(t, g, 3000); m < 0 {
				t.Errorf("seed %d: not re-learned within 3000 rollouts after moving the goal to %v", seed, goal)
			} else if seed == 1 {
				t.Logf("seed 1: learned in %d rollouts, re-learned goal %v in %d", n, goal, m)
			}
		}
		if s := g.Snapshot(0); len(s.GoalMoves) != 2 || s.GoalMoves[0] != 2000 {
			t.Errorf("seed %d: goal moves recorded at %v, want 2 starting at 2000", seed, s.GoalMoves)
		}
	}
}

func TestGridConvergesWithTwoPits(t *testing.T) {
	cfg := env.GridConfig{Size: 5, Start: cell(4, 0), Goal: cell(0, 4), Pits: []env.Cell{cell(2, 2), cell(1, 3)}, Walls: []env.Cell{cell(3, 1)}}
	for seed := uint64(1); seed <= 10; seed++ {
		g, err := NewGrid(cfg, DefaultSettings(), seed)
		if err != nil {
			t.Fatal(err)
		}
		if n := trainUntil(t, g, 5000); n < 0 {
			sr, _ := g.Window()
			t.Errorf("seed %d: 5×5 with two pits not learned within 5000 rollouts (success %.2f)", seed, sr)
		} else if seed == 1 {
			t.Logf("5×5 learned in %d rollouts", n)
		}
		for _, c := range g.Snapshot(0).GreedyPath {
			if c == cell(2, 2) || c == cell(1, 3) || c == cell(3, 1) {
				t.Errorf("seed %d: greedy path %v crosses a pit or wall", seed, g.Snapshot(0).GreedyPath)
			}
		}
	}
}

func TestFieldConverges(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		f, err := NewField(env.DefaultField(), DefaultFieldSettings(), seed)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Step(3000); err != nil {
			t.Fatal(err)
		}
		s := f.Snapshot(0)
		if d := math.Hypot(s.Mu[0]-s.Target[0], s.Mu[1]-s.Target[1]); d > 0.1 {
			t.Errorf("seed %d: μ = %v is %.3f from the target %v", seed, s.Mu, d, s.Target)
		}
		if err := f.SetTarget(-0.4, -0.3); err != nil {
			t.Fatal(err)
		}
		if err := f.Step(5000); err != nil {
			t.Fatal(err)
		}
		s = f.Snapshot(0)
		if d := math.Hypot(s.Mu[0]+0.4, s.Mu[1]+0.3); d > 0.1 {
			t.Errorf("seed %d: after SetTarget μ = %v is %.3f from (−0.4, −0.3)", seed, s.Mu, d)
		} else if seed == 1 {
			t.Logf("seed 1: μ %v σ %v", s.Mu, s.Sigma)
		}
	}
}

func TestOperationsRejectBadInput(t *testing.T) {
	if _, err := NewGrid(env.DefaultGrid(), Settings{LR: math.NaN(), Baseline: "none", Batch: 1, Gamma: 1}, 1); !errors.Is(err, pg.ErrSetting) {
		t.Errorf("NaN learning rate: %v", err)
	}
	if _, err := NewGrid(env.GridConfig{Size: 11}, DefaultSettings(), 1); !errors.Is(err, env.ErrSize) {
		t.Errorf("size 11: %v", err)
	}
	g, _ := NewGrid(env.DefaultGrid(), DefaultSettings(), 1)
	g.Step(30)
	before := g.Snapshot(5)
	if err := g.Step(-1); !errors.Is(err, ErrSteps) {
		t.Errorf("Step(-1): %v", err)
	}
	for _, c := range []env.Cell{cell(1, 1), cell(2, 0), cell(3, 3)} {
		if err := g.SetGoal(c); err == nil {
			t.Errorf("SetGoal(%v) accepted", c)
		}
	}
	for _, c := range []env.Cell{cell(0, 2), cell(2, 0), cell(-1, 0)} {
		if err := g.SetPit(c); err == nil {
			t.Errorf("SetPit(%v) accepted", c)
		}
	}
	if err := g.SetSettings(Settings{LR: 1, Baseline: "median", Batch: 1, Gamma: 1}); !errors.Is(err, pg.ErrSetting) {
		t.Errorf("baseline median: %v", err)
	}
	if err := g.SetSettings(Settings{LR: 1, Baseline: "none", Batch: -2, Gamma: 1}); !errors.Is(err, pg.ErrSetting) {
		t.Errorf("batch −2: %v", err)
	}
	if after := g.Snapshot(5); !equalJSON(t, before, after) {
		t.Error("rejected operations changed the session")
	}
	f, _ := NewField(env.DefaultField(), DefaultFieldSettings(), 1)
	if err := f.SetTarget(math.Inf(1), 0); !errors.Is(err, env.ErrOutside) {
		t.Errorf("SetTarget(+Inf, 0): %v", err)
	}
}

func TestResetKeepsWorldAndClearsHistory(t *testing.T) {
	g, _ := NewGrid(env.DefaultGrid(), DefaultSettings(), 3)
	g.Step(500)
	if err := g.SetGoal(cell(2, 2)); err != nil {
		t.Fatal(err)
	}
	g.Reset()
	s := g.Snapshot(10)
	if s.Rollouts != 0 || len(s.Trajectories) != 0 || len(s.Curve) != 0 || len(s.GoalMoves) != 0 || s.Goal != cell(2, 2) {
		t.Errorf("after Reset: rollouts %d, %d trajectories, %d curve points, goal moves %v, goal %v",
			s.Rollouts, len(s.Trajectories), len(s.Curve), s.GoalMoves, s.Goal)
	}
	for st, p := range s.Probs {
		if p != [4]float64{0.25, 0.25, 0.25, 0.25} {
			t.Fatalf("π(·|%d) = %v after Reset, want uniform", st, p)
		}
	}
}

func TestSnapshotContents(t *testing.T) {
	g, _ := NewGrid(env.DefaultGrid(), DefaultSettings(), 4)
	g.Step(7)
	s := g.Snapshot(3)
	if len(s.Trajectories) != 3 || s.Rollouts != 7 || s.Updates != 1 || len(s.Curve) != 1 || s.Curve[0].Rollouts != 4 {
		t.Fatalf("snapshot after 7 rollouts with batches of 4: %d trajectories, %d rollouts, %d updates, curve %v",
			len(s.Trajectories), s.Rollouts, s.Updates, s.Curve)
	}
	for _, tr := range s.Trajectories {
		if len(tr.Cells) != len(tr.Actions)+1 || tr.Cells[0] != s.Start {
			t.Fatalf("trajectory %+v does not start at the start with one cell per move", tr)
		}
		last := tr.Cells[len(tr.Cells)-1]
		switch tr.Outcome {
		case env.Goal:
			if last != s.Goal || tr.Return != 1 {
				t.Errorf("goal trajectory ends at %v with return %v", last, tr.Return)
			}
		case env.Pit:
			if last != s.Pits[0] || tr.Return != -1 {
				t.Errorf("pit trajectory ends at %v with return %v", last, tr.Return)
			}
		}
	}
	if len(g.Snapshot(1000).Trajectories) != 7 {
		t.Error("Snapshot(1000) did not clamp to the rollouts there are")
	}
}

func TestCurveStaysBounded(t *testing.T) {
	if testing.Short() || runtime.GOOS == "js" {
		t.Skip("long")
	}
	g, _ := NewGrid(env.DefaultGrid(), Settings{LR: 0.5, Baseline: "state", Batch: 1, Gamma: 0.9}, 5)
	g.Step(5000)
	c := g.Snapshot(0).Curve
	if len(c) > MaxCurvePoints || len(c) < MaxCurvePoints/2 {
		t.Fatalf("curve of %d points after 5000 updates", len(c))
	}
	for i := 1; i < len(c); i++ {
		if c[i].Rollouts-c[i-1].Rollouts != c[1].Rollouts-c[0].Rollouts {
			t.Fatalf("curve points not evenly spaced: %v then %v", c[i-1], c[i])
		}
	}
	if last := c[len(c)-1].Rollouts; last > 5000 || last < 5000-8 {
		t.Errorf("last curve point at %d rollouts", last)
	}
}

func TestStepAndSnapshotIntoAllocateNothing(t *testing.T) {
	g, _ := NewGrid(env.DefaultGrid(), DefaultSettings(), 6)
	var s GridSnapshot
	g.Step(300)
	g.SnapshotInto(&s, 50, 300)
	if n := testing.AllocsPerRun(100, func() { g.Step(20); g.SnapshotInto(&s, 50, 300) }); n != 0 {
		t.Errorf("Step(20) + SnapshotInto: %v allocations, want 0", n)
	}
	fc := env.DefaultField()
	fc.Distractor = &env.Bump{Center: [2]float64{-0.5, 0.5}, Height: 0.4, Width: 0.2}
	f, _ := NewField(fc, DefaultFieldSettings(), 6)
	var fs FieldSnapshot
	f.Step(300)
	f.SnapshotInto(&fs, 100, 300)
	if n := testing.AllocsPerRun(100, func() { f.Step(20); f.SnapshotInto(&fs, 100, 300) }); n != 0 {
		t.Errorf("field Step(20) + SnapshotInto: %v allocations, want 0", n)
	}
}

// BenchmarkGridSession measures the session the browser and the CLI drive
// (the trainer plus history, trajectories and the curve): whole runs of
// 10,000 rollouts from scratch on the default world.
func BenchmarkGridSession(b *testing.B) {
	g, err := NewGrid(env.DefaultGrid(), DefaultSettings(), 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g.Reset()
		g.Step(10000)
	}
	b.ReportMetric(float64(b.N)*10000/b.Elapsed().Seconds(), "rollouts/s")
}

// A step cap above the default (100 on 5×5) must survive moving the goal
// and the pit: trajectories and the trainer's buffers are sized once, so
// the cap may never change on a live world (it once could, and a longer
// rollout then overran them).
func TestLongStepCapSurvivesGoalAndPitMoves(t *testing.T) {
	cfg := env.GridConfig{Size: 5, Start: cell(4, 0), Goal: cell(0, 4), Pits: []env.Cell{cell(2, 2)}, MaxSteps: 400}
	g, err := NewGrid(cfg, Settings{LR: 1e-9, Baseline: "none", Batch: 4, Gamma: 0.9}, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, move := range []func() error{
		func() error { return nil },
		func() error { return g.SetGoal(cell(0, 3)) },
		func() error { return g.SetPit(cell(1, 1)) },
	} {
		if err := move(); err != nil {
			t.Fatal(err)
		}
		if g.Config().MaxSteps != 400 {
			t.Fatalf("move %d: step cap %d, want 400", i, g.Config().MaxSteps)
		}
		// A tiny learning rate keeps the policy a random walk, so some
		// rollouts run past the default cap.
		if err := g.Step(MaxTrajectories); err != nil {
			t.Fatal(err)
		}
		longest := 0
		for _, tr := range g.Snapshot(MaxTrajectories).Trajectories {
			longest = max(longest, len(tr.Actions))
		}
		if longest <= 100 || longest > 400 {
			t.Errorf("move %d: longest rollout %d steps, want some beyond the default cap 100 and none beyond 400", i, longest)
		}
	}
}

// A curve thinned for a frame keeps at most the limit, evenly spaced and
// ending at the newest point, and at least half the limit.
func TestThinCurve(t *testing.T) {
	const limit = 300
	for _, n := range []int{0, 1, 299, 300, 301, 599, 600, 601, 1024} {
		c := make([]CurvePoint, n)
		for i := range c {
			c[i].Rollouts = i
		}
		got := thinCurve(nil, c, limit)
		if len(got) > limit || len(got) < min(n, limit/2) {
			t.Errorf("n=%d: %d points, want %d to %d", n, len(got), min(n, limit/2), limit)
		}
		if n > 0 && (len(got) == 0 || got[len(got)-1].Rollouts != n-1) {
			t.Errorf("n=%d: the newest point is missing", n)
		}
		for j := 2; j < len(got); j++ {
			if got[j].Rollouts-got[j-1].Rollouts != got[1].Rollouts-got[0].Rollouts {
				t.Errorf("n=%d: points %v, %v, %v not evenly spaced", n, got[0], got[j-1], got[j])
				break
			}
		}
		if all := thinCurve(nil, c, 0); len(all) != n {
			t.Errorf("n=%d: no limit kept %d points", n, len(all))
		}
	}
}

// TestCreditSettings: the lab's names reach pg's credit assignments, a
// bad name is an error naming "credit" that changes nothing, and a session
// with each credit learns the default world from five seeds.
func TestCreditSettings(t *testing.T) {
	for name, want := range map[string]pg.Credit{"": pg.CreditToGo, "togo": pg.CreditToGo, "return": pg.CreditReturn} {
		s := DefaultSettings()
		s.Credit = name
		c, err := s.Config()
		if err != nil || c.Credit != want {
			t.Errorf("credit %q: %v, %v; want %v", name, c.Credit, err, want)
		}
	}
	g, err := NewGrid(env.DefaultGrid(), DefaultSettings(), 1)
	if err != nil {
		t.Fatal(err)
	}
	bad := DefaultSettings()
	bad.Credit, bad.LR = "whole", 0.7
	var se *pg.SettingError
	if err := g.SetSettings(bad); !errors.As(err, &se) || se.Name != "credit" {
		t.Errorf("SetSettings with credit %q: %v; want a pg.SettingError naming credit", bad.Credit, err)
	}
	if g.Settings() != DefaultSettings() {
		t.Errorf("a refused SetSettings changed the settings to %+v", g.Settings())
	}
	for _, credit := range []string{"togo", "return"} {
		for seed := uint64(1); seed <= 5; seed++ {
			s := DefaultSettings()
			s.Credit = credit
			g, err := NewGrid(env.DefaultGrid(), s, seed)
			if err != nil {
				t.Fatal(err)
			}
			if n := trainUntil(t, g, 2000); n < 0 {
				sr, _ := g.Window()
				t.Errorf("credit %s seed %d: not learned within 2000 rollouts (success %.2f)", credit, seed, sr)
			}
		}
	}
}

// TestFieldWarning: the default field has no warning; α = 10 throws μ off
// the plane within 500 samples and the warning names the learning rate;
// α = 0.3 warns before anything has happened.
func TestFieldWarning(t *testing.T) {
	f, err := NewField(env.DefaultField(), DefaultFieldSettings(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Step(3000); err != nil {
		t.Fatal(err)
	}
	if w, ok := f.Warning(); ok {
		t.Errorf("default settings after 3000 samples: warning %q", w)
	}
	s := DefaultFieldSettings()
	s.LR = 10
	f, _ = NewField(env.DefaultField(), s, 1)
	if err := f.Step(500); err != nil {
		t.Fatal(err)
	}
	w, ok := f.Warning()
	mu := f.Snapshot(0).Mu
	if !ok || !w.OffPlane || w.LR != 10 || math.Max(math.Abs(mu[0]), math.Abs(mu[1])) <= 1 {
		t.Fatalf("α = 10 after 500 samples: warning %+v, %v, μ %v; want μ off the plane", w, ok, mu)
	}
	if msg := w.String(); !strings.Contains(msg, "learning rate α = 10") || !strings.Contains(msg, "left the plane") {
		t.Errorf("warning %q does not name the learning rate and the plane", msg)
	}
	s.LR = 0.3
	f, _ = NewField(env.DefaultField(), s, 1)
	if w, ok := f.Warning(); !ok || w.OffPlane || !strings.Contains(w.String(), "α = 0.3 is above 0.1") {
		t.Errorf("α = 0.3 before training: %q, %v", w, ok)
	}
}

// TestSnapshotLengthAndBaselines: the snapshot's mean episode length is the
// mean number of moves of the last Window rollouts (the trajectories it
// keeps are exactly those), every curve point's is the window's at that
// update, and Baselines are the trainer's b(s) in use: those of a twin
// pg.GridTrainer run from the same seed, and all 0 with baseline "none".
func TestSnapshotLengthAndBaselines(t *testing.T) {
	g, err := NewGrid(env.DefaultGrid(), DefaultSettings(), 4)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := env.NewGridWorld(env.DefaultGrid())
	c, _ := DefaultSettings().Config()
	twin, _ := pg.NewGridTrainer(w, policy.NewSoftmax(9, 4), c, seeded.Rand(4))
	var lastLen float64
	for i := range 60 {
		if err := g.Step(4); err != nil {
			t.Fatal(err)
		}
		twin.Train(4, nil)
		s := g.Snapshot(MaxTrajectories)
		moves := 0
		for _, tr := range s.Trajectories {
			moves += len(tr.Actions)
		}
		want := float64(moves) / float64(len(s.Trajectories))
		if math.Abs(s.MeanLength-want) > 1e-12 {
			t.Fatalf("after %d rollouts: mean length %v, the kept trajectories give %v", s.Rollouts, s.MeanLength, want)
		}
		if p := s.Curve[len(s.Curve)-1]; p.Rollouts != s.Rollouts || p.MeanLength != s.MeanLength {
			t.Fatalf("last curve point %+v, snapshot at %d rollouts has mean length %v", p, s.Rollouts, s.MeanLength)
		}
		for st := range 9 {
			if s.Baselines[st] != twin.Baseline(st) {
				t.Fatalf("after %d rollouts: b(%d) = %v, the twin trainer's %v", s.Rollouts, st, s.Baselines[st], twin.Baseline(st))
			}
		}
		if i == 59 {
			lastLen = s.MeanLength
		}
	}
	// Learned: the shortest route has 4 moves.
	if lastLen < 4 || lastLen > 6 {
		t.Errorf("mean length %v after 240 rollouts, want the short route's 4 or a little more", lastLen)
	}
	if s := g.Snapshot(0); s.Baselines[6] == 0 {
		t.Errorf("b(start) is still 0 after 240 rollouts")
	}
	none := DefaultSettings()
	none.Baseline = "none"
	if err := g.SetSettings(none); err != nil {
		t.Fatal(err)
	}
	for st, b := range g.Snapshot(0).Baselines {
		if b != 0 {
			t.Errorf("baseline none: b(%d) = %v, want 0", st, b)
		}
	}
}

// TestSetGoalAndPit: one call swaps the goal and the pit, counts as one
// world move and keeps the policy; a bad layout changes nothing.
func TestSetGoalAndPit(t *testing.T) {
	g, _ := NewGrid(env.DefaultGrid(), DefaultSettings(), 1)
	if err := g.Step(40); err != nil {
		t.Fatal(err)
	}
	before := g.Snapshot(0).Probs
	if err := g.SetGoalAndPit(cell(1, 1), cell(0, 2)); err != nil {
		t.Fatal(err)
	}
	s := g.Snapshot(0)
	if s.Goal != cell(1, 1) || len(s.Pits) != 1 || s.Pits[0] != cell(0, 2) || len(s.GoalMoves) != 1 || s.GoalMoves[0] != 40 {
		t.Errorf("after the swap goal %v pits %v moves %v", s.Goal, s.Pits, s.GoalMoves)
	}
	if s.Probs[6] != before[6] {
		t.Errorf("the swap changed π at the start")
	}
	if err := g.SetGoalAndPit(cell(2, 0), cell(0, 0)); !errors.Is(err, env.ErrOverlap) {
		t.Errorf("goal on the start: %v", err)
	}
	if s := g.Snapshot(0); s.Goal != cell(1, 1) || len(s.GoalMoves) != 1 {
		t.Errorf("a refused layout changed the world: goal %v moves %v", s.Goal, s.GoalMoves)
	}
}
