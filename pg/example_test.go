package pg_test

import (
	"fmt"

	"github.com/pgrad/pgrad/pg"
)

// The returns-to-go of a rollout that reaches the goal on its third move,
// discounted by γ = 0.9.
func ExampleReturnsToGo() {
	rewards := []float64{0, 0, 1}
	g := make([]float64, len(rewards))
	pg.ReturnsToGo(g, rewards, 0.9)
	fmt.Printf("%.2f\n", g)
	// Output: [0.81 0.90 1.00]
}
