package neural

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/pgrad/pgrad/pg/deep"
)

func mustNew(t *testing.T, s Settings) *Session {
	t.Helper()
	ss, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

// The defaults are pgrad train's, and the session's curve is the
// trainer's own Recent after each iteration.
func TestSessionIsTheTrainer(t *testing.T) {
	s, err := Defaults("cartpole", deep.PPO)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	if s.LR != cfg.LR || s.Hidden != cfg.Hidden.Widths()[0] || s.Seed != 1 {
		t.Fatalf("defaults %+v, pgrad train's lr %g hidden %v", s, cfg.LR, cfg.Hidden)
	}
	ss := mustNew(t, s)
	if err := ss.Iterate(3); err != nil {
		t.Fatal(err)
	}
	tr, _ := deep.New(cfg, 1)
	for i := range 3 {
		st, _ := tr.Iterate()
		p := ss.Curve()[i]
		if p.Steps != st.Steps || math.Float64bits(p.Recent) != math.Float64bits(st.Recent) {
			t.Fatalf("iteration %d: session %+v, trainer %d steps, recent %v", i+1, p, st.Steps, st.Recent)
		}
	}
	if done, total := ss.Iterations(); done != 3 || total != tr.Iterations() {
		t.Fatalf("iterations %d of %d, want 3 of %d", done, total, tr.Iterations())
	}
}

func TestBadSettings(t *testing.T) {
	good, _ := Defaults("cartpole", deep.PPO)
	cases := []struct {
		field string
		edit  func(*Settings)
	}{
		{"env", func(s *Settings) { s.Env = "breakout" }},
		{"algo", func(s *Settings) { s.Algo = "dqn" }},
		{"lr", func(s *Settings) { s.LR = math.NaN() }},
		{"lr", func(s *Settings) { s.LR = -1 }},
		{"lr", func(s *Settings) { s.LR = math.Inf(1) }},
		{"hidden", func(s *Settings) { s.Hidden = -3 }},
		{"hidden", func(s *Settings) { s.Hidden = 0 }},
		{"hidden", func(s *Settings) { s.Hidden = 1 << 30 }},
		{"hidden", func(s *Settings) { s.Hidden = MaxHidden + 1 }},
	}
	for _, c := range cases {
		s := good
		c.edit(&s)
		ss, err := New(s)
		var e *Error
		if ss != nil || !errors.As(err, &e) || e.Field != c.field {
			t.Errorf("%+v: session %v, error %v; want none and an error on %s", s, ss, err, c.field)
		}
	}
	if _, err := New(Settings{Env: "cartpole", Algo: "ppo", Seed: 1, LR: 1e-3, Hidden: MaxHidden}); err != nil {
		t.Errorf("the widest allowed network: %v", err)
	}
}

// Watching (snapshots, played steps) never changes training, and a
// snapshot plays exactly like the policy it was taken from.
func TestWatchingChangesNothing(t *testing.T) {
	s, _ := Defaults("cartpole", deep.A2C)
	a, b := mustNew(t, s), mustNew(t, s)
	var untrained []float64
	for range 30 {
		untrained = append(untrained, a.Obs()[2])
		a.PlayStep()
	}
	for i := 0; i < 12; i++ {
		if err := a.Iterate(1); err != nil {
			t.Fatal(err)
		}
		for range 7 {
			a.PlayStep()
		}
		if err := a.Watch(len(a.Snapshots()) - 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Iterate(12); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a.Curve()) != fmt.Sprint(b.Curve()) || fmt.Sprint(a.Last()) != fmt.Sprint(b.Last()) {
		t.Fatalf("watching changed training:\n%v\n%v", a.Curve(), b.Curve())
	}
	if got := a.Snapshots(); fmt.Sprint(got) != "[0 5 10]" {
		t.Fatalf("snapshots after %v, want [0 5 10]", got)
	}
	// Snapshot 0 is the untrained policy: the same pole angles as the
	// untrained live policy from the same starts.
	if err := a.Watch(0); err != nil {
		t.Fatal(err)
	}
	for i, want := range untrained {
		if got := a.Obs()[2]; got != want {
			t.Fatalf("step %d of snapshot 0: angle %v, the untrained policy's %v", i, got, want)
		}
		a.PlayStep()
	}
	for _, bad := range []int{-2, 3, 1 << 40} {
		if err := a.Watch(bad); err == nil || a.Watching() != 0 {
			t.Errorf("Watch(%d): %v, now watching %d", bad, err, a.Watching())
		}
	}
}

// A played episode ends as the task says (CartPole: at most 500 steps),
// shows its last state until the next step, and is counted.
func TestPlayedEpisode(t *testing.T) {
	s, _ := Defaults("cartpole", deep.PPO)
	ss := mustNew(t, s)
	n := 0
	for !ss.PlayStep() {
		n++
		if n > 500 {
			t.Fatal("an episode of the untrained policy ran past CartPole's 500-step limit")
		}
	}
	step, ret, done, last := ss.Episode()
	if step != n+1 || ret != float64(n+1) || done != 1 || last != ret {
		t.Fatalf("episode: step %d return %v finished %d last %v; want %d steps, return %d, 1 finished", step, ret, done, last, n+1, n+1)
	}
	if th := math.Abs(ss.Obs()[2]); th <= 0.2094 && math.Abs(ss.Obs()[0]) <= 2.4 {
		t.Fatalf("the episode ended with the pole at %v rad and the cart at %v, inside the limits", th, ss.Obs()[0])
	}
	ss.PlayStep()
	if step, _, _, _ := ss.Episode(); step != 1 {
		t.Fatalf("the next step is step %d of the new episode, want 1", step)
	}
}

// The snapshot history stays bounded and keeps covering the whole run.
func TestSnapshotThinning(t *testing.T) {
	defer func(n int) { maxSnapshots = n }(maxSnapshots)
	maxSnapshots = 16
	s, _ := Defaults("cartpole", deep.A2C)
	ss := mustNew(t, s)
	if err := ss.Iterate(SnapshotEvery * (maxSnapshots + 10)); err != nil {
		t.Fatal(err)
	}
	it := ss.Snapshots()
	if len(it) > maxSnapshots || it[0] != 0 || it[len(it)-1] != SnapshotEvery*(maxSnapshots+10) {
		t.Fatalf("%d snapshots from %d to %d", len(it), it[0], it[len(it)-1])
	}
	for i := 1; i < len(it); i++ {
		if it[i] <= it[i-1] {
			t.Fatalf("snapshots out of order at %d: %v", i, it)
		}
	}
}

func TestCommand(t *testing.T) {
	s, _ := Defaults("cartpole", deep.PPO)
	if got, want := s.Command(7), "pgrad train cartpole -seed 1 -portable -iters 7"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	s = Settings{Env: "acrobot", Algo: deep.A2C, Seed: 9, LR: 0.003, Hidden: 32}
	if got, want := s.Command(0), "pgrad train acrobot -algo a2c -seed 9 -lr 0.003 -hidden 32,32 -portable"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
