package lab

import (
	"errors"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/pg"
	"github.com/pgrad/pgrad/policy"
)

// MaxTrajectories is the number of recent rollouts a session keeps for
// Snapshot.
const MaxTrajectories = 100

// ErrSteps reports a negative number of rollouts for Step.
var ErrSteps = errors.New("lab: the number of rollouts must not be negative")

// A Trajectory is one rollout: the cells visited, from the start to where
// the last move led (one more than the actions), the actions sampled, how
// it ended and its undiscounted return.
type Trajectory struct {
	Cells   []env.Cell   `json:"cells"`
	Actions []env.Action `json:"actions"`
	Outcome env.Outcome  `json:"outcome"`
	Return  float64      `json:"return"`
}

// A GridSnapshot is everything a view of a grid session draws.
type GridSnapshot struct {
	Size         int          `json:"size"`
	Start        env.Cell     `json:"start"`
	Goal         env.Cell     `json:"goal"`
	Pits         []env.Cell   `json:"pits"`
	Walls        []env.Cell   `json:"walls"`
	Rollouts     int          `json:"rollouts"`
	Updates      int          `json:"updates"`
	Probs        [][4]float64 `json:"probs"`        // per state index: π(up, right, down, left | s)
	Trajectories []Trajectory `json:"trajectories"` // the last k, oldest first
	Curve        []CurvePoint `json:"curve"`
	GoalMoves    []int        `json:"goal_moves"` // rollout counts at which SetGoal or SetPit happened
	GreedyPath   []env.Cell   `json:"greedy_path"`
	GreedyEnd    env.Outcome  `json:"greedy_end"`   // Goal, Pit, Capped, or Running for a loop
	SuccessRate  float64      `json:"success_rate"` // over the last Window rollouts
	MeanReturn   float64      `json:"mean_return"`  // over the last Window rollouts
	MeanLength   float64      `json:"mean_length"`  // moves per rollout over the last Window rollouts
	Baselines    []float64    `json:"baselines"`    // per state index: the baseline b(s) in use (0 for "none")
	Settings     Settings     `json:"settings"`
}

// trajRec is a stored rollout: states s_0 … s_T and actions.
type trajRec struct {
	states  []int32
	actions []env.Action
	outcome env.Outcome
	ret     float64
}

// A Grid is an interactive gridworld session.
type Grid struct {
	world *env.GridWorld
	pol   *policy.Softmax
	tr    *pg.GridTrainer
	set   Settings

	traj      ring[trajRec] // the last MaxTrajectories rollouts
	hist      history
	goalMoves []int
}

// NewGrid returns a session on the world cfg with the settings set and the
// seed. The error says what is wrong with cfg or set.
func NewGrid(cfg env.GridConfig, set Settings, seed uint64) (*Grid, error) {
	c, err := set.Config()
	if err != nil {
		return nil, err
	}
	w, err := env.NewGridWorld(cfg)
	if err != nil {
		return nil, err
	}
	p := policy.NewSoftmax(w.NumStates(), env.NumActions)
	tr, err := pg.NewGridTrainer(w, p, c, seeded.Rand(seed))
	if err != nil {
		return nil, err
	}
	g := &Grid{world: w, pol: p, tr: tr, set: set, traj: newRing[trajRec](MaxTrajectories), hist: newHistory()}
	// Room for the step cap, which is fixed for the world's life, so that
	// Step allocates nothing.
	m := w.MaxSteps()
	for i := range g.traj.buf {
		g.traj.buf[i].states = make([]int32, 0, m+1)
		g.traj.buf[i].actions = make([]env.Action, 0, m)
	}
	return g, nil
}

// Step runs exactly n rollouts, with an update after every Batch of them
// (a partial batch carries over to the next call).
func (g *Grid) Step(n int) error {
	if n < 0 {
		return ErrSteps
	}
	for range n {
		e := g.tr.Rollout()
		rec, _ := g.traj.add()
		rec.states = append(append(rec.states[:0], e.States...), int32(e.Final))
		rec.actions = append(rec.actions[:0], e.Actions...)
		rec.outcome, rec.ret = e.Outcome, e.Return
		g.hist.add(e.Outcome == env.Goal, e.Return, len(e.Actions))
		if e.Updated {
			g.hist.updated(g.tr.Rollouts())
		}
	}
	return nil
}

// SetGoal moves the goal to c and keeps the policy, so learning goes on
// from where it was. The rollouts of a partial batch, drawn with the old
// goal, stay in that batch. It returns an error, and changes nothing, when
// c is outside the grid, on the start, a pit or a wall, or cut off.
func (g *Grid) SetGoal(c env.Cell) error {
	if err := g.world.SetGoal(c); err != nil {
		return err
	}
	g.goalMoves = append(g.goalMoves, g.tr.Rollouts())
	return nil
}

// SetPit moves the first pit (or adds one) to c and keeps the policy. It
// returns an error, and changes nothing, when c is outside the grid, on
// the start, the goal or a wall, or cuts the goal off.
func (g *Grid) SetPit(c env.Cell) error {
	if err := g.world.SetPit(c); err != nil {
		return err
	}
	g.goalMoves = append(g.goalMoves, g.tr.Rollouts())
	return nil
}

// SetGoalAndPit moves the goal and the first pit at once (so they can
// swap places) and keeps the policy; it counts as one move of the world.
// It returns an error, and changes nothing, when the layout is invalid.
func (g *Grid) SetGoalAndPit(goal, pit env.Cell) error {
	if err := g.world.SetGoalAndPit(goal, pit); err != nil {
		return err
	}
	g.goalMoves = append(g.goalMoves, g.tr.Rollouts())
	return nil
}

// SetSettings changes the learning settings without losing the policy or
// the history. It returns an error, and changes nothing, when s is invalid.
func (g *Grid) SetSettings(s Settings) error {
	c, err := s.Config()
	if err != nil {
		return err
	}
	updated, err := g.tr.SetConfig(c)
	if err != nil {
		return err
	}
	if updated {
		g.hist.updated(g.tr.Rollouts())
	}
	g.set = s
	return nil
}

// Settings returns the settings in effect.
func (g *Grid) Settings() Settings { return g.set }

// Reset returns to the uniform policy and clears the history; the world
// stays as it is and the source of randomness continues.
func (g *Grid) Reset() {
	g.tr.ResetLearning()
	g.traj.clear()
	g.hist.reset()
	g.goalMoves = g.goalMoves[:0]
}

// Config returns the world's configuration as it is now.
func (g *Grid) Config() env.GridConfig { return g.world.Config() }

// Rollouts returns the number of rollouts since the start or Reset.
func (g *Grid) Rollouts() int { return g.tr.Rollouts() }

// Window returns the success rate and mean return of the last Window
// rollouts.
func (g *Grid) Window() (successRate, meanReturn float64) { return g.hist.window() }

// Snapshot returns a new snapshot with the last k trajectories (at most
// MaxTrajectories) and the whole learning curve.
func (g *Grid) Snapshot(k int) GridSnapshot {
	var s GridSnapshot
	g.SnapshotInto(&s, k, 0)
	return s
}

// SnapshotInto fills dst with the session's state, the last k trajectories
// and at most curve points of the learning curve, evenly spaced and ending
// at the newest (the whole curve when curve ≤ 0). It reuses dst's slices,
// so that a caller drawing every frame allocates nothing once they have
// grown.
func (g *Grid) SnapshotInto(dst *GridSnapshot, k, curve int) {
	k = min(max(k, 0), g.traj.len())
	w := g.world
	start, goal, pits, walls := w.Layout()
	dst.Size, dst.Start, dst.Goal = w.Size(), start, goal
	dst.Pits = append(dst.Pits[:0], pits...)
	dst.Walls = append(dst.Walls[:0], walls...)
	dst.Rollouts, dst.Updates = g.tr.Rollouts(), g.tr.Updates()
	probs := g.tr.Probs()
	n := w.NumStates()
	if cap(dst.Probs) < n {
		dst.Probs = make([][4]float64, n)
	}
	dst.Probs = dst.Probs[:n]
	for s := range n {
		copy(dst.Probs[s][:], probs[s*env.NumActions:])
	}
	if cap(dst.Trajectories) < k {
		dst.Trajectories = append(dst.Trajectories[:cap(dst.Trajectories)], make([]Trajectory, k-cap(dst.Trajectories))...)
	}
	dst.Trajectories = dst.Trajectories[:k]
	for i := range k {
		rec := g.traj.at(g.traj.len() - k + i)
		t := &dst.Trajectories[i]
		t.Cells = t.Cells[:0]
		for _, s := range rec.states {
			t.Cells = append(t.Cells, w.Cell(int(s)))
		}
		t.Actions = append(t.Actions[:0], rec.actions...)
		t.Outcome, t.Return = rec.outcome, rec.ret
	}
	dst.Curve = thinCurve(dst.Curve[:0], g.hist.curve, curve)
	dst.GoalMoves = append(dst.GoalMoves[:0], g.goalMoves...)
	dst.GreedyPath, dst.GreedyEnd = pg.GreedyPath(dst.GreedyPath[:0], w, g.pol)
	dst.SuccessRate, dst.MeanReturn = g.hist.window()
	dst.MeanLength = g.hist.meanLength()
	if cap(dst.Baselines) < n {
		dst.Baselines = make([]float64, n)
	}
	dst.Baselines = dst.Baselines[:n]
	for s := range n {
		dst.Baselines[s] = g.tr.Baseline(s)
	}
	dst.Settings = g.set
}
