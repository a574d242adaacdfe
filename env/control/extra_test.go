package control

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
)

// acrobotRef is Gymnasium's AcrobotEnv.step written out again, with the
// state augmented by the torque as Gymnasium's rk4 does.
func acrobotRef(s [4]float64, action int) (ns [4]float64, terminal bool) {
	torque := []float64{-1, 0, 1}[action]
	dsdt := func(y []float64) []float64 {
		m1, m2, l1, lc1, lc2, i1, i2, g := 1.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 9.8
		a := y[4]
		t1, t2, dt1, dt2 := y[0], y[1], y[2], y[3]
		d1 := m1*math.Pow(lc1, 2) + m2*(math.Pow(l1, 2)+math.Pow(lc2, 2)+2*l1*lc2*math.Cos(t2)) + i1 + i2
		d2 := m2*(math.Pow(lc2, 2)+l1*lc2*math.Cos(t2)) + i2
		phi2 := m2 * lc2 * g * math.Cos(t1+t2-math.Pi/2.0)
		phi1 := -m2*l1*lc2*math.Pow(dt2, 2)*math.Sin(t2) - 2*m2*l1*lc2*dt2*dt1*math.Sin(t2) +
			(m1*lc1+m2*l1)*g*math.Cos(t1-math.Pi/2) + phi2
		ddt2 := (a + d2/d1*phi1 - m2*l1*lc2*math.Pow(dt1, 2)*math.Sin(t2) - phi2) / (m2*math.Pow(lc2, 2) + i2 - math.Pow(d2, 2)/d1)
		ddt1 := -(d2*ddt2 + phi1) / d1
		return []float64{dt1, dt2, ddt1, ddt2, 0}
	}
	add := func(y []float64, h float64, k []float64) []float64 {
		out := make([]float64, len(y))
		for i := range y {
			out[i] = y[i] + h*k[i]
		}
		return out
	}
	y0 := []float64{s[0], s[1], s[2], s[3], torque}
	dt := 0.2
	k1 := dsdt(y0)
	k2 := dsdt(add(y0, dt/2, k1))
	k3 := dsdt(add(y0, dt/2, k2))
	k4 := dsdt(add(y0, dt, k3))
	for i := 0; i < 4; i++ {
		ns[i] = y0[i] + dt/6.0*(k1[i]+2*k2[i]+2*k3[i]+k4[i])
	}
	wrap := func(x float64) float64 {
		for x > math.Pi {
			x -= 2 * math.Pi
		}
		for x < -math.Pi {
			x += 2 * math.Pi
		}
		return x
	}
	ns[0], ns[1] = wrap(ns[0]), wrap(ns[1])
	ns[2] = math.Min(math.Max(ns[2], -4*math.Pi), 4*math.Pi)
	ns[3] = math.Min(math.Max(ns[3], -9*math.Pi), 9*math.Pi)
	return ns, -math.Cos(ns[0])-math.Cos(ns[1]+ns[0]) > 1.0
}

// pump is a bang-bang policy that feeds energy into the swing, so that
// the acrobot reaches its goal within the time limit.
func pump(s [4]float64) int {
	if s[3] > 0 {
		return 2
	}
	return 0
}

func TestAcrobotTrajectory(t *testing.T) {
	for si, s0 := range [][4]float64{{0, 0, 0, 0}, {0.05, -0.08, 0.02, 0.09}, {1, -2, 3, -5}, {3, 3, 12, 28}} {
		a := NewAcrobot()
		a.State = s0
		ref := s0
		obs := make([]float64, 6)
		r := seeded.Rand(uint64(si))
		for step := 1; step <= 20; step++ {
			act := r.IntN(3)
			var term bool
			ref, term = acrobotRef(ref, act)
			rew, gotTerm, trunc := a.Step([]float64{float64(act)}, obs)
			for i := range ref {
				if math.Abs(a.State[i]-ref[i]) > 1e-9 {
					t.Fatalf("start %d step %d: state[%d] = %.15g, Gymnasium's equations give %.15g", si, step, i, a.State[i], ref[i])
				}
			}
			want := []float64{math.Cos(ref[0]), math.Sin(ref[0]), math.Cos(ref[1]), math.Sin(ref[1]), ref[2], ref[3]}
			for i := range want {
				if math.Abs(obs[i]-want[i]) > 1e-9 {
					t.Fatalf("start %d step %d: obs[%d] = %g, want %g", si, step, i, obs[i], want[i])
				}
			}
			wantRew := -1.0
			if term {
				wantRew = 0
			}
			if gotTerm != term || rew != wantRew || trunc {
				t.Fatalf("start %d step %d: reward %g term %v trunc %v, want %g %v", si, step, rew, gotTerm, trunc, wantRew, term)
			}
			if term {
				break
			}
		}
	}
}

func TestAcrobotTermination(t *testing.T) {
	ref := [4]float64{0.01, 0, 0, 0}
	want := 0
	for step := 1; step <= AcrobotMaxSteps; step++ {
		var term bool
		ref, term = acrobotRef(ref, pump(ref))
		if term {
			want = step
			break
		}
	}
	if want == 0 {
		t.Fatal("the pumping policy never reaches the goal in the reference")
	}
	a := NewAcrobot()
	a.State = [4]float64{0.01, 0, 0, 0}
	obs := make([]float64, 6)
	for step := 1; step <= want; step++ {
		rew, term, trunc := a.Step([]float64{float64(pump(a.State))}, obs)
		if term != (step == want) || trunc || (term && rew != 0) || (!term && rew != -1) {
			t.Fatalf("step %d: reward %g term %v trunc %v; goal expected at step %d", step, rew, term, trunc, want)
		}
	}
	// Truncation: torque 1 (action 1) from rest keeps it hanging.
	a = NewAcrobot()
	for step := 1; step <= AcrobotMaxSteps; step++ {
		_, term, trunc := a.Step([]float64{1}, obs)
		if term || trunc != (step == AcrobotMaxSteps) {
			t.Fatalf("hanging acrobot, step %d: term %v trunc %v", step, term, trunc)
		}
	}
}

func TestAcrobotResetAndBadAction(t *testing.T) {
	a := NewAcrobot()
	obs := make([]float64, 6)
	for seed := uint64(0); seed < 1000; seed++ {
		a.Reset(seeded.Rand(seed), obs)
		for _, v := range a.State {
			if v < -0.1 || v > 0.1 || float64(float32(v)) != v {
				t.Fatalf("seed %d: state %v", seed, a.State)
			}
		}
	}
	before := a.State
	for _, bad := range []float64{3, -1, 0.5, math.NaN()} {
		if a.CheckAction([]float64{bad}) == nil {
			t.Errorf("CheckAction(%v) = nil", bad)
		}
		rew, term, _ := a.Step([]float64{bad}, obs)
		if rew != 0 || !term || a.State != before {
			t.Errorf("action %v: reward %g term %v, state changed %v", bad, rew, term, a.State != before)
		}
	}
	if w := wrapAngle(math.Inf(1)); !math.IsInf(w, 1) {
		t.Errorf("wrapAngle(+Inf) = %g", w)
	}
	if w := wrapAngle(math.Pi); w != math.Pi {
		t.Errorf("wrapAngle(π) = %g, want π as in Gymnasium", w)
	}
}

// mountainCarRef is Gymnasium's Continuous_MountainCarEnv.step written out
// again, float32 storage of the state included.
func mountainCarRef(pos, vel, action float64) (npos, nvel, reward float64, term bool) {
	force := math.Min(math.Max(action, -1.0), 1.0)
	vel += force*0.0015 - 0.0025*math.Cos(3*pos)
	if vel > 0.07 {
		vel = 0.07
	}
	if vel < -0.07 {
		vel = -0.07
	}
	pos += vel
	if pos > 0.6 {
		pos = 0.6
	}
	if pos < -1.2 {
		pos = -1.2
	}
	if pos == -1.2 && vel < 0 {
		vel = 0
	}
	term = pos >= 0.45 && vel >= 0
	if term {
		reward = 100
	}
	reward -= math.Pow(action, 2) * 0.1
	return float64(float32(pos)), float64(float32(vel)), reward, term
}

func TestMountainCarTrajectory(t *testing.T) {
	for si, start := range [][2]float64{{-0.5, 0}, {-1.19, -0.05}, {0.4, 0.06}, {-0.3, 0.02}} {
		c := NewMountainCarContinuous()
		c.Position, c.Velocity = start[0], start[1]
		pos, vel := start[0], start[1]
		obs := make([]float64, 2)
		r := seeded.Rand(uint64(si))
		for step := 1; step <= 20; step++ {
			act := 3*r.Float64() - 1.5
			var want float64
			var term bool
			pos, vel, want, term = mountainCarRef(pos, vel, act)
			rew, gotTerm, trunc := c.Step([]float64{act}, obs)
			if math.Abs(obs[0]-pos) > 1e-9 || math.Abs(obs[1]-vel) > 1e-9 || math.Abs(rew-want) > 1e-9 || gotTerm != term || trunc {
				t.Fatalf("start %d step %d: obs %v reward %g term %v, want %v %v %g %v", si, step, obs, rew, gotTerm, pos, vel, want, term)
			}
			if term {
				break
			}
		}
	}
}

func TestMountainCarEnds(t *testing.T) {
	obs := make([]float64, 2)
	// Pushing with the velocity (bang-bang) reaches the goal.
	c := NewMountainCarContinuous()
	c.Reset(seeded.Rand(1), obs)
	reached := false
	for step := 1; step <= MountainCarMaxSteps; step++ {
		a := -1.0
		if c.Velocity >= 0 {
			a = 1
		}
		rew, term, trunc := c.Step([]float64{a}, obs)
		if term {
			if rew != 100-0.1 || obs[0] < 0.45 {
				t.Fatalf("goal step: reward %g position %g", rew, obs[0])
			}
			reached = true
			break
		}
		if trunc || rew != -0.1 {
			t.Fatalf("step %d: reward %g trunc %v", step, rew, trunc)
		}
	}
	if !reached {
		t.Fatal("bang-bang never reached the goal")
	}
	// Doing nothing never reaches it: truncation at exactly 999.
	c.Reset(seeded.Rand(2), obs)
	for step := 1; step <= MountainCarMaxSteps; step++ {
		rew, term, trunc := c.Step([]float64{0}, obs)
		if term || rew != 0 || trunc != (step == MountainCarMaxSteps) {
			t.Fatalf("idle car, step %d: reward %g term %v trunc %v", step, rew, term, trunc)
		}
	}
	// NaN is a zero force with zero cost; a large action is clipped but paid in full.
	c.Position, c.Velocity = -0.5, 0
	rew, _, _ := c.Step([]float64{math.NaN()}, obs)
	if rew != 0 || math.IsNaN(obs[0]) {
		t.Fatalf("NaN action: reward %g obs %v", rew, obs)
	}
	d := NewMountainCarContinuous()
	d.Position, c.Position, c.Velocity = -0.5, -0.5, 0
	r5, _, _ := c.Step([]float64{5}, obs)
	d.Step([]float64{1}, make([]float64, 2))
	if r5 != -2.5 || c.Position != d.Position {
		t.Fatalf("action 5: reward %g (want −2.5), position %g vs %g for action 1", r5, c.Position, d.Position)
	}
}

func TestMountainCarReset(t *testing.T) {
	c := NewMountainCarContinuous()
	obs := make([]float64, 2)
	lo, hi := 0.0, -1.0
	for seed := uint64(0); seed < 1000; seed++ {
		c.Reset(seeded.Rand(seed), obs)
		if obs[0] < -0.6 || obs[0] >= -0.4 || obs[1] != 0 {
			t.Fatalf("seed %d: obs %v", seed, obs)
		}
		lo, hi = min(lo, obs[0]), max(hi, obs[0])
	}
	if lo > -0.599 || hi < -0.401 {
		t.Fatalf("positions over [%g, %g]", lo, hi)
	}
}
