package env

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestDefaultGridIsTheSeedsWorld(t *testing.T) {
	c := DefaultGrid()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Size != 3 || c.Steps() != 36 {
		t.Errorf("size %d, step cap %d; want 3 and 36", c.Size, c.Steps())
	}
	// Start and goal in opposite corners, the pit between them.
	if c.Start.Row+c.Goal.Row != 2 || c.Start.Col+c.Goal.Col != 2 || c.Start.Row == 1 || c.Start.Col == 1 {
		t.Errorf("start %v and goal %v are not opposite corners", c.Start, c.Goal)
	}
	if len(c.Pits) != 1 || c.Pits[0] != (Cell{1, 1}) {
		t.Errorf("pits %v, want the centre", c.Pits)
	}
}

func TestValidateErrors(t *testing.T) {
	base := DefaultGrid
	cases := []struct {
		name string
		edit func(*GridConfig)
		kind error
		text string
	}{
		{"size 1", func(c *GridConfig) { c.Size = 1 }, ErrSize, "grid size 1 is out of range"},
		{"size 11", func(c *GridConfig) { c.Size = 11 }, ErrSize, "grid size 11"},
		{"goal outside", func(c *GridConfig) { c.Goal = Cell{5, 1} }, ErrOutside, "env: goal (5,1) is outside the 3×3 grid"},
		{"negative start", func(c *GridConfig) { c.Start = Cell{-1, 0} }, ErrOutside, "start (-1,0)"},
		{"goal on pit", func(c *GridConfig) { c.Goal = Cell{1, 1} }, ErrOverlap, "goal (1,1) is on a pit"},
		{"goal on start", func(c *GridConfig) { c.Goal = c.Start }, ErrOverlap, "goal (2,0) is on the start"},
		{"goal on wall", func(c *GridConfig) { c.Walls = []Cell{{0, 2}} }, ErrOverlap, "goal (0,2) is on a wall"},
		{"pit on start", func(c *GridConfig) { c.Pits = []Cell{{2, 0}} }, ErrOverlap, "start (2,0) is on a pit"},
		{"pit outside", func(c *GridConfig) { c.Pits = []Cell{{0, 3}} }, ErrOutside, "pit (0,3)"},
		{"pit on wall", func(c *GridConfig) { c.Walls = []Cell{{1, 1}} }, ErrOverlap, "wall (1,1) is on a pit"},
		{"negative cap", func(c *GridConfig) { c.MaxSteps = -1 }, ErrParam, "step cap"},
		{"NaN step reward", func(c *GridConfig) { c.StepReward = math.NaN() }, ErrParam, "step reward"},
		{"goal cut off", func(c *GridConfig) { c.Walls = []Cell{{0, 1}, {1, 2}} }, ErrUnreachable, "cannot be reached"},
		{"goal behind pits", func(c *GridConfig) { c.Pits = []Cell{{0, 1}, {1, 2}} }, ErrUnreachable, "cannot be reached"},
	}
	for _, tc := range cases {
		c := base()
		tc.edit(&c)
		err := c.Validate()
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !errors.Is(err, tc.kind) {
			t.Errorf("%s: error %q is not %v", tc.name, err, tc.kind)
		}
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: error %T is not a *ConfigError", tc.name, err)
		}
		if !strings.Contains(err.Error(), tc.text) || !strings.HasPrefix(err.Error(), "env: ") {
			t.Errorf("%s: error %q does not say %q", tc.name, err, tc.text)
		}
		if _, err := NewGridWorld(c); err == nil {
			t.Errorf("%s: NewGridWorld accepted the configuration", tc.name)
		}
	}
}

// walk steps w from its start through the actions and returns the states
// visited after each move, the total reward and the final outcome.
func walk(t *testing.T, w *GridWorld, actions ...Action) ([]Cell, float64, Outcome) {
	t.Helper()
	w.Reset()
	var cells []Cell
	var total float64
	out := Running
	for _, a := range actions {
		s, r, o, err := w.Step(a)
		if err != nil {
			t.Fatal(err)
		}
		cells = append(cells, w.Cell(s))
		total += r
		out = o
	}
	return cells, total, out
}

func TestGridMoves(t *testing.T) {
	w, err := NewGridWorld(GridConfig{Size: 3, Start: Cell{2, 0}, Goal: Cell{0, 2}, Pits: []Cell{{1, 1}}, Walls: []Cell{{2, 1}}, StepReward: -0.01})
	if err != nil {
		t.Fatal(err)
	}
	// Left and Down from the bottom-left corner stay; Right into the wall stays.
	cells, total, out := walk(t, w, Left, Down, Right, Up, Up, Right, Right)
	want := []Cell{{2, 0}, {2, 0}, {2, 0}, {1, 0}, {0, 0}, {0, 1}, {0, 2}}
	if len(cells) != len(want) {
		t.Fatalf("visited %v, want %v", cells, want)
	}
	for i := range want {
		if cells[i] != want[i] {
			t.Fatalf("visited %v, want %v", cells, want)
		}
	}
	if out != Goal || math.Abs(total-(1-6*0.01)) > 1e-12 {
		t.Errorf("outcome %v, return %v; want goal and %v", out, total, 1-6*0.01)
	}
	if _, _, _, err := w.Step(Up); !errors.Is(err, ErrEpisodeOver) {
		t.Errorf("Step after the goal: %v", err)
	}
	_, total, out = walk(t, w, Up, Right)
	if out != Pit || math.Abs(total-(-1-0.01)) > 1e-12 {
		t.Errorf("into the pit: outcome %v, return %v", out, total)
	}
	w.Reset()
	if _, _, _, err := w.Step(Action(7)); !errors.Is(err, ErrAction) {
		t.Errorf("action 7: %v", err)
	}
}

func TestGridStepCap(t *testing.T) {
	w, err := NewGridWorld(GridConfig{Size: 2, Start: Cell{1, 0}, Goal: Cell{0, 1}, MaxSteps: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, total, out := walk(t, w, Left, Left, Left)
	if out != Capped || total != 0 {
		t.Errorf("three moves into the edge: %v with return %v, want capped with 0", out, total)
	}
	w2, _ := NewGridWorld(GridConfig{Size: 2, Start: Cell{1, 0}, Goal: Cell{0, 1}})
	if w2.MaxSteps() != 16 {
		t.Errorf("default cap of a 2×2 world is %d, want 16", w2.MaxSteps())
	}
}

func TestSetGoalAndPit(t *testing.T) {
	w, err := NewGridWorld(DefaultGrid())
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Cell{{1, 1}, {2, 0}, {3, 0}, {-1, 2}} {
		if err := w.SetGoal(bad); err == nil {
			t.Errorf("SetGoal(%v) accepted", bad)
		}
	}
	if w.Config().Goal != (Cell{0, 2}) {
		t.Fatalf("a failed SetGoal changed the goal to %v", w.Config().Goal)
	}
	if err := w.SetGoal(Cell{2, 2}); err != nil {
		t.Fatal(err)
	}
	if _, _, out := w.Move(w.State(Cell{2, 1}), Right); out != Goal {
		t.Errorf("moving right from (2,1) gives %v, want goal", out)
	}
	if _, r, out := w.Move(w.State(Cell{0, 1}), Right); out != Running || r != 0 {
		t.Errorf("the old goal still pays: %v, %v", out, r)
	}
	if err := w.SetPit(Cell{2, 2}); !errors.Is(err, ErrOverlap) {
		t.Errorf("SetPit on the goal: %v", err)
	}
	if err := w.SetPit(Cell{0, 0}); err != nil {
		t.Fatal(err)
	}
	if w.Terminal(w.State(Cell{1, 1})) != Running || w.Terminal(w.State(Cell{0, 0})) != Pit {
		t.Error("SetPit did not move the pit")
	}
	w3, _ := NewGridWorld(GridConfig{Size: 2, Start: Cell{1, 0}, Goal: Cell{0, 1}})
	if err := w3.SetPit(Cell{0, 0}); err != nil || len(w3.Config().Pits) != 1 {
		t.Errorf("SetPit on a world without pits: %v, pits %v", err, w3.Config().Pits)
	}
}

func TestConfigIsACopy(t *testing.T) {
	c := DefaultGrid()
	w, _ := NewGridWorld(c)
	c.Pits[0] = Cell{0, 0}
	got := w.Config()
	got.Pits[0] = Cell{0, 1}
	if w.Terminal(w.State(Cell{1, 1})) != Pit || w.Config().Pits[0] != (Cell{1, 1}) {
		t.Error("the world shares its pits with a caller's slice")
	}
}

// FuzzGridWorld builds worlds from arbitrary bytes and steps them with
// arbitrary actions: no input may panic, a valid world must keep the agent
// inside the grid and off the walls, and an episode must end by the cap.
func FuzzGridWorld(f *testing.F) {
	f.Add(uint8(3), uint8(2), uint8(0), uint8(0), uint8(2), []byte{4, 4}, []byte{}, uint16(0), []byte{0, 1, 2, 3})
	f.Add(uint8(5), uint8(4), uint8(0), uint8(0), uint8(4), []byte{1, 1, 3, 3}, []byte{2, 2}, uint16(5), []byte{1, 1, 1, 1, 0, 0, 0})
	f.Add(uint8(1), uint8(0), uint8(0), uint8(0), uint8(0), []byte{}, []byte{}, uint16(0), []byte{})
	f.Add(uint8(11), uint8(0), uint8(0), uint8(10), uint8(10), []byte{}, []byte{}, uint16(0), []byte{9})
	f.Add(uint8(2), uint8(1), uint8(0), uint8(0), uint8(1), []byte{}, []byte{1, 1}, uint16(2), []byte{3, 3, 3, 3})
	f.Fuzz(func(t *testing.T, size, sr, sc, gr, gc uint8, pits, walls []byte, maxSteps uint16, actions []byte) {
		cells := func(b []byte) []Cell {
			var cs []Cell
			for i := 0; i+1 < len(b); i += 2 {
				cs = append(cs, Cell{int(int8(b[i])), int(int8(b[i+1]))})
			}
			return cs
		}
		c := GridConfig{
			Size: int(size), Start: Cell{int(sr), int(sc)}, Goal: Cell{int(gr), int(gc)},
			Pits: cells(pits), Walls: cells(walls), MaxSteps: int(maxSteps),
		}
		w, err := NewGridWorld(c)
		if err != nil {
			if err.Error() == "" || !strings.HasPrefix(err.Error(), "env: ") {
				t.Fatalf("error without a message: %q", err)
			}
			return
		}
		w.Reset()
		steps := 0
		for i := 0; ; i++ {
			a := Action(0)
			if len(actions) > 0 {
				a = Action(actions[i%len(actions)] % NumActions)
			}
			s, r, out, err := w.Step(a)
			if err != nil {
				t.Fatal(err)
			}
			steps++
			if s < 0 || s >= w.NumStates() || w.Wall(s) {
				t.Fatalf("state %d is outside or on a wall", s)
			}
			if out == Goal && r != 1 || out == Pit && r != -1 {
				t.Fatalf("outcome %v with reward %v", out, r)
			}
			if out != Running {
				break
			}
			if steps > w.MaxSteps() {
				t.Fatalf("episode longer than the cap %d", w.MaxSteps())
			}
		}
		if g := w.Config().Goal; w.SetGoal(Cell{g.Row, g.Col + 1}) == nil && w.Terminal(w.State(Cell{g.Row, g.Col + 1})) != Goal {
			t.Fatal("SetGoal accepted but the goal did not move")
		}
	})
}
