package deep

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"
)

var smoke = flag.String("smoke", "", "env/algo to train verbosely (manual tuning)")

func TestSmoke(t *testing.T) {
	if *smoke == "" {
		t.Skip("manual")
	}
	var env, algo string
	fmt.Sscanf(*smoke, "%s", &env)
	for i := range env {
		if env[i] == '/' {
			env, algo = env[:i], env[i+1:]
			break
		}
	}
	cfg, err := Defaults(env, algo)
	if err != nil {
		t.Fatal(err)
	}
	if *smokeCleanRL {
		cfg = CleanRL()
	}
	tr, err := New(cfg, *smokeSeed)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = tr.Train(context.Background(), RecorderFunc(func(s Stats) error {
		if s.Iteration%10 == 0 {
			el := time.Since(start).Seconds()
			t.Logf("it %d steps %d ep %d R %.1f pl %.3f vl %.3f H %.3f kl %.4f cf %.3f ev %.3f  %.0f steps/s", s.Iteration, s.Steps, s.Episodes, s.Recent, s.PolicyLoss, s.ValueLoss, s.Entropy, s.ApproxKL, s.ClipFrac, s.ExplainedVar, float64(s.Steps)/el)
		}
		if *smokeStop != 0 && s.Recent >= *smokeStop {
			return ErrStop
		}
		return nil
	}))
	t.Logf("done %v steps %d in %v", err, tr.Steps(), time.Since(start))
	r, _ := tr.Agent().Evaluate(100, false, 99)
	var m float64
	for _, v := range r {
		m += v
	}
	t.Logf("eval mean %.1f", m/float64(len(r)))
}

var (
	smokeSeed    = flag.Uint64("smoke-seed", 1, "")
	smokeStop    = flag.Float64("smoke-stop", 0, "")
	smokeCleanRL = flag.Bool("smoke-cleanrl", false, "")
)
