package lab_test

import (
	"fmt"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

// A session on the seed's world learns the way around the pit; moving the
// goal keeps the policy, which then re-learns.
func ExampleGrid() {
	g, err := lab.NewGrid(env.DefaultGrid(), lab.DefaultSettings(), 1)
	if err != nil {
		panic(err)
	}
	g.Step(1000)
	s := g.Snapshot(0)
	fmt.Println("greedy path:", s.GreedyPath, s.GreedyEnd)
	fmt.Printf("success over the last 100: %.2f\n", s.SuccessRate)

	if err := g.SetGoal(env.Cell{Row: 2, Col: 2}); err != nil {
		panic(err)
	}
	g.Step(1000)
	s = g.Snapshot(0)
	fmt.Println("greedy path:", s.GreedyPath, s.GreedyEnd)
	fmt.Println("goal moved at rollout", s.GoalMoves)
	// Output:
	// greedy path: [(2,0) (1,0) (0,0) (0,1) (0,2)] goal
	// success over the last 100: 1.00
	// greedy path: [(2,0) (2,1) (2,2)] goal
	// goal moved at rollout [1000]
}

// Bad input is an error value, and the session is left as it was.
func ExampleGrid_SetGoal() {
	g, _ := lab.NewGrid(env.DefaultGrid(), lab.DefaultSettings(), 1)
	fmt.Println(g.SetGoal(env.Cell{Row: 1, Col: 1}))
	fmt.Println(g.SetGoal(env.Cell{Row: 5, Col: 1}))
	fmt.Println(g.Config().Goal)
	// Output:
	// env: goal (1,1) is on a pit
	// env: goal (5,1) is outside the 3×3 grid
	// (0,2)
}
