package deep_test

import (
	"context"
	"fmt"

	"github.com/pgrad/pgrad/pg/deep"
)

// One environment, three steps, the episode terminating at the second:
// the advantage of the last step starts afresh from the bootstrap value.
func ExampleGAE() {
	rewards := []float64{1, 1, 1}
	values := []float64{0.5, 0.5, 0.5}
	term := []bool{false, true, false}
	trunc := []bool{false, false, false}
	adv := make([]float64, 3)
	ret := make([]float64, 3)
	deep.GAE(adv, ret, rewards, values, term, trunc, nil, []float64{2}, 1, 0.9, 1, true)
	fmt.Printf("advantages %.2f\nreturns    %.2f\n", adv, ret)
	// Output:
	// advantages [1.40 0.50 2.30]
	// returns    [1.90 1.00 2.80]
}

// A Recorder sees every update; returning ErrStop ends the run cleanly.
func ExampleTrainer_Train() {
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	cfg.TotalSteps = 20_000
	tr, err := deep.New(cfg, 1)
	if err != nil {
		panic(err)
	}
	updates := 0
	err = tr.Train(context.Background(), deep.RecorderFunc(func(s deep.Stats) error {
		updates++
		if s.Steps >= 10_000 {
			return deep.ErrStop
		}
		return nil
	}))
	fmt.Println(err, updates, tr.Steps())
	// Output:
	// <nil> 20 10240
}
