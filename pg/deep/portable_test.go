package deep

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pgrad/pgrad/internal/golden"
	"github.com/pgrad/pgrad/nn"
)

// portableRuns are the seeded runs of the portable golden file: the CLI's
// defaults of each task and algorithm (so the learning-rate schedule is the
// real one), for a few iterations each.
var portableRuns = []struct {
	env, algo string
	seed      uint64
	iters     int
}{
	{"cartpole", PPO, 1, 6},
	{"cartpole", A2C, 2, 20},
	{"cartpole", Reinforce, 3, 3},
	{"pendulum", PPO, 4, 2},
	{"acrobot", PPO, 5, 1},
}

// TestPortableGolden pins, bit for bit, the metrics of seeded runs in
// portable mode (the pure-Go kernels and internal/fmath's Exp and Log) and
// a hash of the networks' final parameters. The Makefile runs it natively,
// with the purego build tag and under GOOS=js GOARCH=wasm in Node, so the
// three must agree exactly: that is what lets pgrad train -portable
// reproduce a run of the page.
func TestPortableGolden(t *testing.T) {
	was := nn.Portable()
	nn.SetPortable(true)
	defer nn.SetPortable(was)
	var b bytes.Buffer
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, r := range portableRuns {
		cfg, err := Defaults(r.env, r.algo)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := New(cfg, r.seed)
		if err != nil {
			t.Fatal(err)
		}
		for range r.iters {
			s, err := tr.Iterate()
			if err != nil {
				t.Fatalf("%s %s: %v", r.env, r.algo, err)
			}
			fmt.Fprintln(&b, r.env, r.algo, r.seed, s.Iteration, s.Steps, s.Episodes, g(s.Recent), g(s.LR),
				g(s.PolicyLoss), g(s.ValueLoss), g(s.Entropy), g(s.ApproxKL), g(s.ClipFrac), g(s.ExplainedVar))
		}
		h := fnv.New64a()
		var w [8]byte
		for _, p := range tr.opt.params {
			for _, v := range p {
				u := math.Float64bits(v)
				for i := range w {
					w[i] = byte(u >> (8 * i))
				}
				h.Write(w[:])
			}
		}
		fmt.Fprintf(&b, "%s %s %d parameters %016x\n", r.env, r.algo, r.seed, h.Sum64())
	}
	golden.Check(t, filepath.Join("testdata", "portable.golden"), b.Bytes())
}

// The portable mode changes the numbers only where the fast mode's
// assembly or math.Exp differ: a run in the fast mode is close to the
// portable one (the same episodes early on) but, on a machine with the
// assembly kernels, not identical, and switching back restores the fast
// mode's own results exactly.
func TestPortableSwitch(t *testing.T) {
	was := nn.Portable()
	defer nn.SetPortable(was)
	run := func(portable bool) []Stats {
		nn.SetPortable(portable)
		cfg, _ := Defaults("cartpole", PPO)
		tr, err := New(cfg, 9)
		if err != nil {
			t.Fatal(err)
		}
		var all []Stats
		for range 2 {
			s, err := tr.Iterate()
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, s)
		}
		return all
	}
	fast, port, fast2 := run(false), run(true), run(false)
	if fmt.Sprint(fast) != fmt.Sprint(fast2) {
		t.Fatalf("the fast mode is not restored by SetPortable(false):\n%v\n%v", fast, fast2)
	}
	for i := range fast {
		if fast[i].Episodes != port[i].Episodes || math.Abs(fast[i].PolicyLoss-port[i].PolicyLoss) > 1e-9 {
			t.Errorf("iteration %d: portable %+v is far from fast %+v", i+1, port[i], fast[i])
		}
	}
}
