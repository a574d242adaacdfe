package env

import "math"

// Size limits of a GridWorld.
const (
	MinSize = 2
	MaxSize = 10
)

// A GridConfig describes a square gridworld.
type GridConfig struct {
	Size        int // cells per side, MinSize..MaxSize
	Start, Goal Cell
	Pits, Walls []Cell
	MaxSteps    int     // step cap; 0 means 4*Size*Size
	StepReward  float64 // reward of every step that enters neither goal nor pit
}

// DefaultGrid returns the seed's world: 3×3, start in the bottom-left
// corner, goal in the top-right corner, and a pit in the centre, on the
// diagonal that a naive path would take.
func DefaultGrid() GridConfig {
	return GridConfig{
		Size:  3,
		Start: Cell{2, 0},
		Goal:  Cell{0, 2},
		Pits:  []Cell{{1, 1}},
	}
}

// Steps returns the step cap in effect: MaxSteps, or 4*Size*Size when it
// is zero.
func (c GridConfig) Steps() int {
	if c.MaxSteps == 0 {
		return 4 * c.Size * c.Size
	}
	return c.MaxSteps
}

// Inside reports whether cell is a cell of the grid.
func (c GridConfig) Inside(cell Cell) bool {
	return cell.Row >= 0 && cell.Row < c.Size && cell.Col >= 0 && cell.Col < c.Size
}

// MaxStepsLimit is the largest step cap a GridConfig may ask for.
const MaxStepsLimit = 100000

// Validate reports the first problem that keeps c from making a world: a
// size outside 2..10, a cell outside the grid, two roles on one cell (the
// start or goal on a pit or wall, a pit on a wall, the goal on the start),
// a negative or huge step cap, a non-finite step reward, or a goal that no
// path from the start reaches.
func (c GridConfig) Validate() error {
	if c.Size < MinSize || c.Size > MaxSize {
		return configErr(ErrSize, "grid size %d is out of range (%d to %d)", c.Size, MinSize, MaxSize)
	}
	in := func(role string, cell Cell) error {
		if !c.Inside(cell) {
			return configErr(ErrOutside, "%s %v is outside the %d×%d grid", role, cell, c.Size, c.Size)
		}
		return nil
	}
	if err := in("start", c.Start); err != nil {
		return err
	}
	if err := in("goal", c.Goal); err != nil {
		return err
	}
	if c.Goal == c.Start {
		return configErr(ErrOverlap, "goal %v is on the start", c.Goal)
	}
	role := make(map[Cell]string, len(c.Pits)+len(c.Walls)+2)
	role[c.Start] = "start"
	role[c.Goal] = "goal"
	for _, p := range c.Pits {
		if err := in("pit", p); err != nil {
			return err
		}
		if r, ok := role[p]; ok {
			return overlap(r, "pit", p)
		}
		role[p] = "pit"
	}
	for _, w := range c.Walls {
		if err := in("wall", w); err != nil {
			return err
		}
		if r, ok := role[w]; ok {
			return overlap(r, "wall", w)
		}
		role[w] = "wall"
	}
	if c.MaxSteps < 0 || c.MaxSteps > MaxStepsLimit {
		return configErr(ErrParam, "step cap %d is out of range (0 for the default, up to %d)", c.MaxSteps, MaxStepsLimit)
	}
	if math.IsNaN(c.StepReward) || math.IsInf(c.StepReward, 0) || math.Abs(c.StepReward) > 1e6 {
		return configErr(ErrParam, "step reward %v is not a finite number of moderate size", c.StepReward)
	}
	if !c.reachable() {
		return configErr(ErrUnreachable, "goal %v cannot be reached from the start %v", c.Goal, c.Start)
	}
	return nil
}

// overlap reports two roles on one cell, naming the start or goal first
// since those are what a person moves.
func overlap(first, second string, c Cell) error {
	if first == "start" || first == "goal" {
		return configErr(ErrOverlap, "%s %v is on a %s", first, c, second)
	}
	return configErr(ErrOverlap, "%s %v is on a %s", second, c, first)
}

// reachable reports whether a path from the start to the goal avoids
// walls and pits. It assumes the cells are inside the grid.
func (c GridConfig) reachable() bool {
	n := c.Size * c.Size
	blocked := make([]bool, n)
	for _, p := range c.Pits {
		blocked[p.Row*c.Size+p.Col] = true
	}
	for _, w := range c.Walls {
		blocked[w.Row*c.Size+w.Col] = true
	}
	seen := make([]bool, n)
	queue := []Cell{c.Start}
	seen[c.Start.Row*c.Size+c.Start.Col] = true
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == c.Goal {
			return true
		}
		for a := Action(0); a < NumActions; a++ {
			dr, dc := a.Delta()
			nx := Cell{cur.Row + dr, cur.Col + dc}
			if !c.Inside(nx) {
				continue
			}
			i := nx.Row*c.Size + nx.Col
			if seen[i] || blocked[i] {
				continue
			}
			seen[i] = true
			queue = append(queue, nx)
		}
	}
	return false
}

// clone returns a copy of c that shares no slices with it.
func (c GridConfig) clone() GridConfig {
	c.Pits = append([]Cell(nil), c.Pits...)
	c.Walls = append([]Cell(nil), c.Walls...)
	return c
}

// A GridWorld is a gridworld built from a valid GridConfig. States are
// numbered Row*Size+Col. Entering the goal gives +1 and ends the episode,
// entering a pit gives −1 and ends it, any other step gives StepReward; a
// move into the edge or a wall leaves the agent where it was. Step ends the
// episode as Capped after the step cap.
type GridWorld struct {
	cfg     GridConfig
	next    []int32   // next[s*NumActions+a]: the state a move leads to
	reward  []float64 // reward[s]: the reward for entering s
	outcome []Outcome // outcome[s]: Goal, Pit, or Running for entering s
	wall    []bool

	state, steps int
	done         bool
}

// NewGridWorld returns the world described by c, or the error of
// c.Validate.
func NewGridWorld(c GridConfig) (*GridWorld, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	n := c.Size * c.Size
	w := &GridWorld{
		next:    make([]int32, n*NumActions),
		reward:  make([]float64, n),
		outcome: make([]Outcome, n),
		wall:    make([]bool, n),
	}
	w.build(c.clone())
	w.Reset()
	return w, nil
}

// build installs a valid configuration and recomputes the tables.
func (w *GridWorld) build(c GridConfig) {
	w.cfg = c
	size := c.Size
	for i := range w.wall {
		w.wall[i] = false
		w.outcome[i] = Running
		w.reward[i] = c.StepReward
	}
	for _, x := range c.Walls {
		w.wall[w.State(x)] = true
	}
	for _, p := range c.Pits {
		w.outcome[w.State(p)] = Pit
		w.reward[w.State(p)] = -1
	}
	g := w.State(c.Goal)
	w.outcome[g] = Goal
	w.reward[g] = 1
	for s := 0; s < size*size; s++ {
		from := w.Cell(s)
		for a := Action(0); a < NumActions; a++ {
			dr, dc := a.Delta()
			to := Cell{from.Row + dr, from.Col + dc}
			t := s
			if c.Inside(to) && !w.wall[w.State(to)] {
				t = w.State(to)
			}
			w.next[s*NumActions+int(a)] = int32(t)
		}
	}
}

// Config returns a copy of the world's configuration.
func (w *GridWorld) Config() GridConfig { return w.cfg.clone() }

// Layout returns the start, the goal, the pits and the walls. The slices
// belong to the world and must not be modified; they stay valid until the
// layout changes.
func (w *GridWorld) Layout() (start, goal Cell, pits, walls []Cell) {
	return w.cfg.Start, w.cfg.Goal, w.cfg.Pits, w.cfg.Walls
}

// Size returns the number of cells per side.
func (w *GridWorld) Size() int { return w.cfg.Size }

// NumStates returns Size*Size.
func (w *GridWorld) NumStates() int { return w.cfg.Size * w.cfg.Size }

// Start returns the start state.
func (w *GridWorld) Start() int { return w.State(w.cfg.Start) }

// MaxSteps returns the step cap in effect. It is fixed for the life of
// the world (SetGoal and SetPit keep it), so callers may size episode
// buffers once.
func (w *GridWorld) MaxSteps() int { return w.cfg.Steps() }

// State returns the state index of a cell.
func (w *GridWorld) State(c Cell) int { return c.Row*w.cfg.Size + c.Col }

// Cell returns the cell of a state index.
func (w *GridWorld) Cell(s int) Cell { return Cell{s / w.cfg.Size, s % w.cfg.Size} }

// Move returns where the move a leads from state s, the reward for it and
// whether it ends the episode at the goal or in a pit. It ignores the step
// cap and keeps no state, which is what a learner's inner loop wants.
func (w *GridWorld) Move(s int, a Action) (next int, reward float64, out Outcome) {
	n := int(w.next[s*NumActions+int(a)])
	return n, w.reward[n], w.outcome[n]
}

// Terminal returns Goal or Pit for a state that ends an episode, and
// Running otherwise.
func (w *GridWorld) Terminal(s int) Outcome { return w.outcome[s] }

// Wall reports whether state s is a wall.
func (w *GridWorld) Wall(s int) bool { return w.wall[s] }

// Reset starts a new episode and returns the start state.
func (w *GridWorld) Reset() int {
	w.state, w.steps, w.done = w.Start(), 0, false
	return w.state
}

// Step applies the move a in the current episode. It returns the new
// state, the reward and the outcome: Running while the episode goes on,
// Goal, Pit, or Capped when this step reached the step cap. Stepping an
// episode that is over, or with an action outside 0..3, returns an error.
func (w *GridWorld) Step(a Action) (state int, reward float64, out Outcome, err error) {
	if w.done {
		return w.state, 0, Running, configErr(ErrEpisodeOver, "step after the end of the episode (call Reset)")
	}
	if a < 0 || a >= NumActions {
		return w.state, 0, Running, configErr(ErrAction, "action %d is not one of 0..3", int(a))
	}
	w.state, reward, out = w.Move(w.state, a)
	w.steps++
	if out == Running && w.steps >= w.cfg.Steps() {
		out = Capped
	}
	w.done = out != Running
	return w.state, reward, out, nil
}

// SetGoal moves the goal to c. It returns an error, and changes nothing,
// when c is outside, on the start, a pit or a wall, or unreachable.
func (w *GridWorld) SetGoal(c Cell) error {
	nc := w.cfg.clone()
	nc.Goal = c
	return w.replace(nc)
}

// SetPit moves the first pit to c, or adds a pit when there is none. It
// returns an error, and changes nothing, when c is outside the grid, on
// the start, the goal or a wall, or cuts the goal off.
func (w *GridWorld) SetPit(c Cell) error {
	// Name the pit first: what moves is the pit, not what it lands on.
	switch {
	case c == w.cfg.Goal:
		return configErr(ErrOverlap, "pit %v is on the goal", c)
	case c == w.cfg.Start:
		return configErr(ErrOverlap, "pit %v is on the start", c)
	}
	for _, wl := range w.cfg.Walls {
		if c == wl {
			return configErr(ErrOverlap, "pit %v is on a wall", c)
		}
	}
	nc := w.cfg.clone()
	if len(nc.Pits) == 0 {
		nc.Pits = []Cell{c}
	} else {
		nc.Pits[0] = c
	}
	return w.replace(nc)
}

// SetGoalAndPit moves the goal to goal and the first pit (or a new one)
// to pit in one step, so that the two can swap places. It returns an
// error, and changes nothing, when the new layout is invalid.
func (w *GridWorld) SetGoalAndPit(goal, pit Cell) error {
	nc := w.cfg.clone()
	nc.Goal = goal
	if len(nc.Pits) == 0 {
		nc.Pits = []Cell{pit}
	} else {
		nc.Pits[0] = pit
	}
	if goal == pit {
		return configErr(ErrOverlap, "goal %v is on a pit", goal)
	}
	return w.replace(nc)
}

func (w *GridWorld) replace(c GridConfig) error {
	if err := c.Validate(); err != nil {
		return err
	}
	w.build(c)
	w.Reset()
	return nil
}
