package control_test

import (
	"fmt"

	"github.com/pgrad/pgrad/env/control"
)

// Four CartPoles pushed always to the right: each pole falls after a few
// dozen steps, its copy restarts at once, and the finished episodes are
// reported with their returns.
func ExampleVec() {
	vec := control.NewVec(func() control.Env { return control.NewCartPole() }, 4, 7)
	obs := make([]float64, 4*vec.ObsDim())
	final := make([]float64, 4*vec.ObsDim())
	rewards, term, trunc := make([]float64, 4), make([]bool, 4), make([]bool, 4)
	actions := []float64{1, 1, 1, 1}
	vec.Reset(obs)
	var episodes []control.Episode
	for len(episodes) < 4 {
		vec.Step(actions, obs, rewards, term, trunc, final)
		episodes = vec.DrainFinished(episodes)
	}
	e := episodes[0]
	fmt.Println(e.Return == float64(e.Length), e.Length > 5 && e.Length < 60)
	// Output: true true
}
