package env

import (
	"errors"
	"testing"
)

// TestSetPitNamesThePit (issue 7 §4.9): moving the pit onto the goal, the
// start or a wall says so with the pit first ("pit (0,2) is on the goal"),
// and changes nothing.
func TestSetPitNamesThePit(t *testing.T) {
	cfg := DefaultGrid()
	cfg.Walls = []Cell{{0, 0}}
	w, err := NewGridWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for c, want := range map[Cell]string{{0, 2}: "env: pit (0,2) is on the goal", {2, 0}: "env: pit (2,0) is on the start", {0, 0}: "env: pit (0,0) is on a wall"} {
		err := w.SetPit(c)
		if !errors.Is(err, ErrOverlap) || err.Error() != want {
			t.Errorf("SetPit(%v): %v, want %q", c, err, want)
		}
	}
	if _, _, pits, _ := w.Layout(); len(pits) != 1 || pits[0] != (Cell{1, 1}) {
		t.Errorf("refused moves changed the pits to %v", pits)
	}
}

// TestSetGoalAndPitSwaps: the goal and the pit can swap places in one
// move, which SetGoal then SetPit (in either order) cannot do; a layout
// with both on one cell is refused and changes nothing.
func TestSetGoalAndPitSwaps(t *testing.T) {
	w, err := NewGridWorld(DefaultGrid())
	if err != nil {
		t.Fatal(err)
	}
	if w.SetGoal(Cell{1, 1}) == nil || w.SetPit(Cell{0, 2}) == nil {
		t.Fatal("a one-at-a-time swap was accepted; the test's premise is gone")
	}
	if err := w.SetGoalAndPit(Cell{1, 1}, Cell{0, 2}); err != nil {
		t.Fatalf("swap: %v", err)
	}
	_, goal, pits, _ := w.Layout()
	if goal != (Cell{1, 1}) || len(pits) != 1 || pits[0] != (Cell{0, 2}) {
		t.Errorf("after the swap goal %v pits %v", goal, pits)
	}
	if err := w.SetGoalAndPit(Cell{2, 2}, Cell{2, 2}); !errors.Is(err, ErrOverlap) {
		t.Errorf("goal and pit on one cell: %v, want ErrOverlap", err)
	}
	if err := w.SetGoalAndPit(Cell{2, 0}, Cell{2, 2}); !errors.Is(err, ErrOverlap) {
		t.Errorf("goal on the start: %v, want ErrOverlap", err)
	}
	if _, g, p, _ := w.Layout(); g != goal || p[0] != pits[0] {
		t.Errorf("refused layouts changed the world: goal %v pits %v", g, p)
	}
}
