package record_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/pgrad/pgrad/pg/deep"
	"github.com/pgrad/pgrad/pg/deep/record"
)

func trainer(t *testing.T, iters int) *deep.Trainer {
	t.Helper()
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	cfg.Envs, cfg.Steps, cfg.Minibatches, cfg.Epochs = 4, 64, 4, 2
	cfg.TotalSteps = iters * 256
	tr, err := deep.New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// CSV writes the header and one row per iteration holding that
// iteration's Stats; All feeds every recorder; Curve keeps the points.
func TestCSVAndCurve(t *testing.T) {
	tr := trainer(t, 4)
	var buf bytes.Buffer
	c := record.NewCSV(&buf)
	curve := &record.Curve{}
	var seen []deep.Stats
	err := tr.Train(context.Background(), record.All(c, nil, curve, deep.RecorderFunc(func(s deep.Stats) error {
		seen = append(seen, s)
		return nil
	})))
	if err != nil || c.Flush() != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 5 || len(rows[0]) != len(record.CSVHeader) {
		t.Fatalf("%d rows (%v)", len(rows), err)
	}
	for i, s := range seen {
		r := rows[i+1]
		if r[0] != strconv.Itoa(s.Steps) || r[1] != strconv.Itoa(s.Episodes) || r[3] != record.Format(s.PolicyLoss) ||
			r[6] != record.Format(s.ApproxKL) {
			t.Errorf("row %d %v for %+v", i, r, s)
		}
		if curve.Steps[i] != float64(s.Steps) || !(curve.Returns[i] == s.Recent || math.IsNaN(s.Recent)) {
			t.Errorf("curve point %d", i)
		}
	}
	if record.Format(math.NaN()) != "" || record.Format(0.25) != "0.25" {
		t.Error("Format")
	}
}

// All stops at the first error, ErrStop included, and Train ends cleanly
// on ErrStop.
func TestAllStops(t *testing.T) {
	tr := trainer(t, 5)
	calls := 0
	err := tr.Train(context.Background(), record.All(
		deep.RecorderFunc(func(s deep.Stats) error {
			if s.Iteration == 2 {
				return deep.ErrStop
			}
			return nil
		}),
		deep.RecorderFunc(func(deep.Stats) error { calls++; return nil })))
	if err != nil || tr.Iteration() != 2 || calls != 1 {
		t.Errorf("err %v, %d iterations, second recorder called %d times", err, tr.Iteration(), calls)
	}
	boom := errors.New("boom")
	tr = trainer(t, 5)
	if err := tr.Train(context.Background(), record.All(deep.RecorderFunc(func(deep.Stats) error { return boom }))); !errors.Is(err, boom) {
		t.Errorf("Train returned %v", err)
	}
}

// Best evaluates every Every iterations and keeps the checkpoint of the
// best evaluation: decoding it and evaluating again gives that mean.
func TestBest(t *testing.T) {
	tr := trainer(t, 12)
	best := record.NewBest(tr.Agent, 3, 5, 9)
	var means []float64
	err := tr.Train(context.Background(), record.All(best, deep.RecorderFunc(func(s deep.Stats) error {
		if s.Iteration%3 == 0 {
			means = append(means, best.Last)
		}
		return nil
	})))
	if err != nil {
		t.Fatal(err)
	}
	if len(means) != 4 {
		t.Fatalf("%d evaluations, want 4", len(means))
	}
	m, at := means[0], 3
	for i, v := range means {
		if v > m {
			m, at = v, 3*(i+1)
		}
	}
	if best.Mean != m || best.Iteration != at {
		t.Errorf("best %v at %d, want %v at %d (evaluations %v)", best.Mean, best.Iteration, m, at, means)
	}
	a, err := deep.Decode("best", best.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	rets, _ := a.Evaluate(5, false, 9)
	var again float64
	for _, r := range rets {
		again += r / 5
	}
	if math.Abs(again-m) > 1e-9 {
		t.Errorf("the kept agent evaluates to %v, recorded %v", again, m)
	}
}
