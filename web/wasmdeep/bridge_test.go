package main

import (
	"fmt"
	"math"
	"testing"

	"github.com/pgrad/pgrad/lab/neural"
	"github.com/pgrad/pgrad/nn"
)

func newTestBridge(t *testing.T) *bridge {
	t.Helper()
	b, err := newBridge()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nn.SetPortable(false) })
	return b
}

// The frame says what the session holds: header, curve, snapshots and the
// played states, each where doc.go puts it.
func TestFrameLayout(t *testing.T) {
	b := newTestBridge(t)
	twin, err := neural.New(b.s.Settings())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.iterate(6); err != nil {
		t.Fatal(err)
	}
	if err := twin.Iterate(6); err != nil {
		t.Fatal(err)
	}
	f, err := b.frame(7, -1, 2)
	if err != nil {
		t.Fatal(err)
	}
	f = append([]float64(nil), f...)
	st := twin.Last()
	done, total := twin.Iterations()
	want := map[int]float64{0: 3, 1: 0, 2: 6, 3: float64(total), 4: float64(st.Steps), 5: float64(st.Episodes), 6: st.Recent,
		7: st.Entropy, 8: st.ApproxKL, 9: st.ClipFrac, 10: st.ExplainedVar, 13: 2, 14: 4, 15: 2, 16: -1,
		21: 4, 22: 1, 23: 7, 24: st.PolicyLoss, 25: st.ValueLoss, 26: st.LR, 28: 0.02, 29: 1, 30: 64, 31: 2}
	for i, w := range want {
		if math.Float64bits(f[i]) != math.Float64bits(w) {
			t.Errorf("header[%d] = %v, want %v", i, f[i], w)
		}
	}
	if done != 6 || int(f[12]) != len(f) || len(f) != 32+2*4+2+7*(4+1+2) {
		t.Fatalf("frame of %d slots, header says %v", len(f), f[12])
	}
	o := 32
	for _, p := range twin.Curve()[2:] {
		if f[o] != float64(p.Steps) || math.Float64bits(f[o+1]) != math.Float64bits(p.Recent) {
			t.Fatalf("curve point at %d: (%v, %v), want %+v", o, f[o], f[o+1], p)
		}
		o += 2
	}
	if f[o] != 0 || f[o+1] != 5 {
		t.Fatalf("snapshots %v, want [0 5]", f[o:o+2])
	}
	o += 2
	for i := range 7 {
		ended := twin.PlayStep()
		step, _, _, _ := twin.Episode()
		got := fmt.Sprint(f[o : o+7])
		want := fmt.Sprint(append(append(append([]float64{}, twin.Obs()...), twin.Action()...), float64(step), map[bool]float64{true: 1}[ended]))
		if got != want {
			t.Fatalf("played state %d: %s, want %s", i, got, want)
		}
		o += 7
	}
}

// Bad input returns an error and leaves the session exactly as it was.
func TestBadInputChangesNothing(t *testing.T) {
	b := newTestBridge(t)
	if err := b.iterate(2); err != nil {
		t.Fatal(err)
	}
	before := b.s
	snap := func() string {
		f, err := b.frame(0, -1, 0)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(f)
	}
	want := snap()
	good := b.s.Settings()
	bad := []neural.Settings{
		{Env: "cartpole", Algo: "ppo", Seed: 1, LR: math.NaN(), Hidden: 64},
		{Env: "cartpole", Algo: "ppo", Seed: 1, LR: 1e-3, Hidden: -64},
		{Env: "cartpole", Algo: "ppo", Seed: 1, LR: 1e-3, Hidden: 1 << 30},
		{Env: "cartpole", Algo: "dqn", Seed: 1, LR: 1e-3, Hidden: 64},
		{Env: "mujoco", Algo: "ppo", Seed: 1, LR: 1e-3, Hidden: 64},
	}
	for _, s := range bad {
		if err := b.configure(s); err == nil {
			t.Errorf("configure(%+v) accepted", s)
		}
	}
	for _, c := range [][3]int{{-1, -1, 0}, {maxPlay + 1, -1, 0}, {0, -2, 0}, {0, 9, 0}, {0, -1, 3}, {0, -1, -1}} {
		if _, err := b.frame(c[0], c[1], c[2]); err == nil {
			t.Errorf("frame%v accepted", c)
		}
	}
	for _, n := range []int{-1, maxIterate + 1} {
		if err := b.iterate(n); err == nil {
			t.Errorf("iterate(%d) accepted", n)
		}
	}
	if b.s != before || b.s.Settings() != good || snap() != want {
		t.Fatal("bad input changed the session")
	}
}
