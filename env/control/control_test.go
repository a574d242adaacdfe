package control

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
)

// cartPoleRef is Gymnasium's CartPoleEnv.step written out again, variable
// for variable, as the independent reference for the dynamics.
func cartPoleRef(s [4]float64, action int) [4]float64 {
	gravity, masscart, masspole := 9.8, 1.0, 0.1
	totalMass := masspole + masscart
	length := 0.5
	polemassLength := masspole * length
	forceMag, tau := 10.0, 0.02
	x, xDot, theta, thetaDot := s[0], s[1], s[2], s[3]
	force := -forceMag
	if action == 1 {
		force = forceMag
	}
	costheta, sintheta := math.Cos(theta), math.Sin(theta)
	temp := (force + polemassLength*math.Pow(thetaDot, 2)*sintheta) / totalMass
	thetaacc := (gravity*sintheta - costheta*temp) /
		(length * (4.0/3.0 - masspole*math.Pow(costheta, 2)/totalMass))
	xacc := temp - polemassLength*thetaacc*costheta/totalMass
	return [4]float64{x + tau*xDot, xDot + tau*xacc, theta + tau*thetaDot, thetaDot + tau*thetaacc}
}

func TestCartPoleTrajectory(t *testing.T) {
	starts := [][4]float64{{0, 0, 0, 0}, {0.01, -0.02, 0.03, 0.04}, {-0.04, 0.03, -0.02, 0.01}, {0.5, 1, 0.1, -0.5}}
	for si, s0 := range starts {
		c := NewCartPole()
		c.State = s0
		ref := s0
		obs := make([]float64, 4)
		r := seeded.Rand(uint64(si))
		for step := 0; step < 20; step++ {
			a := r.IntN(2)
			if si == 0 {
				a = step % 2 // alternating pushes from rest
			}
			ref = cartPoleRef(ref, a)
			rew, term, trunc := c.Step([]float64{float64(a)}, obs)
			for i := range obs {
				if math.Abs(obs[i]-ref[i]) > 1e-9 {
					t.Fatalf("start %d step %d: obs[%d] = %.15g, Gymnasium's equations give %.15g", si, step+1, i, obs[i], ref[i])
				}
			}
			wantTerm := math.Abs(ref[0]) > 2.4 || math.Abs(ref[2]) > 12*2*math.Pi/360
			if rew != 1 || term != wantTerm || trunc {
				t.Fatalf("start %d step %d: reward %g term %v trunc %v, want 1 %v false", si, step+1, rew, term, trunc, wantTerm)
			}
			if term {
				break
			}
		}
	}
}

func TestCartPoleTerminationStep(t *testing.T) {
	// Always pushing right from rest tips the pole left past 12°. Find the
	// step with the reference, then check the env ends exactly there and
	// still pays 1 for it, as Gymnasium does.
	ref := [4]float64{}
	want := 0
	for want = 1; ; want++ {
		ref = cartPoleRef(ref, 1)
		if math.Abs(ref[2]) > 12*2*math.Pi/360 || math.Abs(ref[0]) > 2.4 {
			break
		}
	}
	c := NewCartPole()
	obs := make([]float64, 4)
	for step := 1; step <= want; step++ {
		rew, term, trunc := c.Step([]float64{1}, obs)
		if rew != 1 || trunc || term != (step == want) {
			t.Fatalf("step %d: reward %g term %v trunc %v; termination expected at %d", step, rew, term, trunc, want)
		}
	}
	if want < 5 || want > 60 {
		t.Fatalf("termination at step %d is implausible", want)
	}
	// Cart position: a cart placed just inside the edge and moving out.
	c = NewCartPole()
	c.State = [4]float64{2.39, 1, 0, 0}
	_, term, _ := c.Step([]float64{1}, obs) // x = 2.39 + 0.02 = 2.41
	if !term {
		t.Fatalf("x = %g did not terminate", obs[0])
	}
}

func TestCartPoleTruncation(t *testing.T) {
	c := NewCartPole()
	obs := make([]float64, 4)
	for step := 1; step <= CartPoleMaxSteps; step++ {
		c.State = [4]float64{} // hold the pole upright so only the limit ends it
		_, term, trunc := c.Step([]float64{float64(step % 2)}, obs)
		if term || trunc != (step == CartPoleMaxSteps) {
			t.Fatalf("step %d: term %v trunc %v", step, term, trunc)
		}
	}
}

func TestCartPoleReset(t *testing.T) {
	c := NewCartPole()
	obs := make([]float64, 4)
	lo, hi := [4]float64{1, 1, 1, 1}, [4]float64{-1, -1, -1, -1}
	for seed := uint64(0); seed < 2000; seed++ {
		c.Steps = 7
		c.Reset(seeded.Rand(seed), obs)
		for i, v := range obs {
			if v < -0.05 || v >= 0.05 || v != c.State[i] {
				t.Fatalf("seed %d: obs %v", seed, obs)
			}
			lo[i], hi[i] = min(lo[i], v), max(hi[i], v)
		}
		if c.Steps != 0 {
			t.Fatal("Reset kept the step count")
		}
	}
	for i := range lo {
		if lo[i] > -0.049 || hi[i] < 0.049 {
			t.Errorf("component %d ranged over [%g, %g], want close to (−0.05, 0.05)", i, lo[i], hi[i])
		}
	}
}

func TestCartPoleBadAction(t *testing.T) {
	obs := make([]float64, 4)
	for _, a := range []float64{math.NaN(), 2, -1, 0.5, math.Inf(1)} {
		c := NewCartPole()
		c.State = [4]float64{0.01, 0.02, 0.03, 0.04}
		if err := c.CheckAction([]float64{a}); err == nil {
			t.Errorf("CheckAction(%v) = nil", a)
		}
		rew, term, _ := c.Step([]float64{a}, obs)
		if rew != 0 || !term || c.State != [4]float64{0.01, 0.02, 0.03, 0.04} {
			t.Errorf("action %v: reward %g term %v state %v", a, rew, term, c.State)
		}
	}
	if err := NewCartPole().CheckAction(nil); err == nil {
		t.Error("CheckAction(nil) = nil")
	}
	for _, a := range []float64{0, 1} {
		if err := NewCartPole().CheckAction([]float64{a}); err != nil {
			t.Errorf("CheckAction(%v) = %v", a, err)
		}
	}
}

// pendulumRef is Gymnasium's PendulumEnv.step written out again.
func pendulumRef(th, thdot, u float64) (newTh, newThdot, reward float64) {
	g, m, l, dt := 10.0, 1.0, 1.0, 0.05
	u = math.Max(-2, math.Min(2, u))
	norm := th + math.Pi - 2*math.Pi*math.Floor((th+math.Pi)/(2*math.Pi)) - math.Pi
	costs := norm*norm + 0.1*thdot*thdot + 0.001*u*u
	newThdot = thdot + (3*g/(2*l)*math.Sin(th)+3.0/(m*l*l)*u)*dt
	newThdot = math.Max(-8, math.Min(8, newThdot))
	return th + newThdot*dt, newThdot, -costs
}

func TestPendulumTrajectory(t *testing.T) {
	type start struct{ th, thdot float64 }
	for si, s := range []start{{math.Pi, 0}, {0.1, -0.5}, {-3, 1}, {2, 7.9}, {-0.5, -8}} {
		p := NewPendulum()
		p.Theta, p.ThetaDot = s.th, s.thdot
		th, thdot := s.th, s.thdot
		obs := make([]float64, 3)
		r := seeded.Rand(uint64(si))
		for step := 1; step <= 20; step++ {
			u := 6*r.Float64() - 3 // beyond the bounds too: clipping is tested
			var want float64
			th, thdot, want = pendulumRef(th, thdot, u)
			rew, term, trunc := p.Step([]float64{u}, obs)
			ref := []float64{math.Cos(th), math.Sin(th), thdot}
			for i := range obs {
				if math.Abs(obs[i]-ref[i]) > 1e-9 {
					t.Fatalf("start %d step %d: obs[%d] = %.15g, want %.15g", si, step, i, obs[i], ref[i])
				}
			}
			if math.Abs(rew-want) > 1e-9 || term || trunc {
				t.Fatalf("start %d step %d: reward %.15g term %v trunc %v, want %.15g", si, step, rew, term, trunc, want)
			}
		}
	}
}

func TestPendulumClipAndNaN(t *testing.T) {
	obs := make([]float64, 3)
	a, b := NewPendulum(), NewPendulum()
	a.Theta, b.Theta = 1, 1
	ra, _, _ := a.Step([]float64{50}, obs)
	rb, _, _ := b.Step([]float64{2}, obs)
	if ra != rb || a.ThetaDot != b.ThetaDot {
		t.Fatalf("torque 50 not clipped to 2: %g vs %g", a.ThetaDot, b.ThetaDot)
	}
	c, d := NewPendulum(), NewPendulum()
	c.Theta, d.Theta = 1, 1
	rc, _, _ := c.Step([]float64{math.NaN()}, obs)
	rd, _, _ := d.Step([]float64{0}, obs)
	if rc != rd || c.ThetaDot != d.ThetaDot || math.IsNaN(obs[2]) {
		t.Fatalf("NaN torque not treated as 0")
	}
}

func TestPendulumTruncation(t *testing.T) {
	p := NewPendulum()
	obs := make([]float64, 3)
	p.Reset(seeded.Rand(1), obs)
	for step := 1; step <= PendulumMaxSteps; step++ {
		_, term, trunc := p.Step([]float64{0.5}, obs)
		if term || trunc != (step == PendulumMaxSteps) {
			t.Fatalf("step %d: term %v trunc %v", step, term, trunc)
		}
	}
}

func TestPendulumReset(t *testing.T) {
	p := NewPendulum()
	obs := make([]float64, 3)
	loT, hiT, loD, hiD := 9.0, -9.0, 9.0, -9.0
	for seed := uint64(0); seed < 2000; seed++ {
		p.Reset(seeded.Rand(seed), obs)
		if p.Theta < -math.Pi || p.Theta >= math.Pi || p.ThetaDot < -1 || p.ThetaDot >= 1 {
			t.Fatalf("seed %d: θ %g θ̇ %g", seed, p.Theta, p.ThetaDot)
		}
		if obs[0] != math.Cos(p.Theta) || obs[1] != math.Sin(p.Theta) || obs[2] != p.ThetaDot {
			t.Fatalf("seed %d: obs %v for θ %g θ̇ %g", seed, obs, p.Theta, p.ThetaDot)
		}
		loT, hiT = min(loT, p.Theta), max(hiT, p.Theta)
		loD, hiD = min(loD, p.ThetaDot), max(hiD, p.ThetaDot)
	}
	if loT > -3.1 || hiT < 3.1 || loD > -0.99 || hiD < 0.99 {
		t.Errorf("θ over [%g, %g], θ̇ over [%g, %g]", loT, hiT, loD, hiD)
	}
}

func TestAngleNormalize(t *testing.T) {
	pi := math.Pi
	cases := []struct{ x, want float64 }{
		{0, 0}, {pi, -pi}, {-pi, -pi}, {2 * pi, 0}, {-2 * pi, 0}, {3 * pi, -pi}, {-3 * pi, -pi},
		{pi / 2, pi / 2}, {-pi / 2, -pi / 2}, {3 * pi / 2, -pi / 2}, {-3 * pi / 2, pi / 2},
		{1, 1}, {-1, -1}, {1 + 4*pi, 1}, {-1 - 4*pi, -1}, {7, 7 - 2*pi}, {-7, -7 + 2*pi},
	}
	for _, c := range cases {
		got := AngleNormalize(c.x)
		if math.Abs(got-c.want) > 1e-12 {
			t.Errorf("AngleNormalize(%g) = %.17g, want %.17g", c.x, got, c.want)
		}
		if got < -pi || got >= pi {
			t.Errorf("AngleNormalize(%g) = %g outside [−π, π)", c.x, got)
		}
	}
	// math.Mod alone would give the wrong sign for negative arguments.
	if x := -3 * pi / 2; math.Mod(x+pi, 2*pi)-pi == AngleNormalize(x) {
		t.Error("AngleNormalize agrees with truncated modulo on a negative angle")
	}
}
