package lab

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/pgrad/pgrad/env"

	"github.com/pgrad/pgrad/internal/golden"
)

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(ja, jb)
}

// TestReplayGolden replays a fixed sequence of operations on a grid and a
// field session and compares every snapshot with a golden file. JSON
// encodes each float64 in the shortest form that reads back to the same
// bits, so equal text means equal bits. The Makefile runs this test
// natively and under wasm against the same file: passing both proves that
// the browser's sessions equal the terminal's bit for bit.
func TestReplayGolden(t *testing.T) {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	emit := func(op string, snap any) {
		t.Helper()
		if err := enc.Encode(map[string]any{"op": op, "snapshot": snap}); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	g, err := NewGrid(env.DefaultGrid(), DefaultSettings(), 2026)
	must(err)
	emit("new grid", g.Snapshot(3))
	must(g.Step(1))
	emit("step 1", g.Snapshot(1))
	must(g.Step(150))
	emit("step 150", g.Snapshot(4))
	must(g.SetGoal(cell(2, 2)))
	must(g.Step(37))
	emit("set goal (2,2), step 37", g.Snapshot(3))
	must(g.SetPit(cell(0, 1)))
	must(g.Step(50))
	emit("set pit (0,1), step 50", g.Snapshot(3))
	must(g.SetSettings(Settings{LR: 0.3, Baseline: "mean", Entropy: 0.05, Batch: 3, Gamma: 0.95}))
	must(g.Step(61))
	emit("settings mean/entropy, step 61", g.Snapshot(3))
	must(g.SetSettings(Settings{LR: 0.7, Baseline: "none", Entropy: 0, Batch: 1, Gamma: 1}))
	must(g.Step(40))
	emit("settings none, step 40", g.Snapshot(2))
	g.Reset()
	must(g.Step(25))
	emit("reset, step 25", g.Snapshot(3))

	f, err := NewField(env.FieldConfig{Target: [2]float64{0.5, 0.4}, Width: 0.25, Distractor: &env.Bump{Center: [2]float64{-0.5, 0.5}, Height: 0.5, Width: 0.2}}, DefaultFieldSettings(), 2026)
	must(err)
	must(f.Step(200))
	emit("field step 200", f.Snapshot(5))
	must(f.SetTarget(-0.3, -0.6))
	must(f.Step(111))
	emit("field target (-0.3,-0.6), step 111", f.Snapshot(5))
	must(f.SetSettings(Settings{LR: 0.1, Baseline: "none", Entropy: 0.01, Batch: 1, Gamma: 1}))
	must(f.Step(50))
	emit("field settings, step 50", f.Snapshot(5))
	f.Reset()
	must(f.Step(9))
	emit("field reset, step 9", f.Snapshot(3))

	golden.Check(t, filepath.Join("testdata", "replay.golden.jsonl"), out.Bytes())
}
