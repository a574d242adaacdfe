package control

import (
	"math"
	"testing"
)

// FuzzStep drives every task from arbitrary states with arbitrary actions:
// no input may panic or hang, and a finite state with a valid action must
// give a finite observation and reward.
func FuzzStep(f *testing.F) {
	f.Add(uint8(0), 0.01, -0.02, 0.03, 0.04, 1.0)
	f.Add(uint8(1), 3.0, 9.0, 0.0, 0.0, -5.0)
	f.Add(uint8(2), 1e300, -1e300, 1e10, -1e10, 2.0)
	f.Add(uint8(3), -1.2, -0.07, 0.0, 0.0, math.NaN())
	f.Fuzz(func(t *testing.T, which uint8, s0, s1, s2, s3, act float64) {
		var e Env
		switch which % 4 {
		case 0:
			c := NewCartPole()
			c.State = [4]float64{s0, s1, s2, s3}
			e = c
		case 1:
			p := NewPendulum()
			p.Theta, p.ThetaDot = s0, s1
			e = p
		case 2:
			a := NewAcrobot()
			a.State = [4]float64{s0, s1, s2, s3}
			e = a
		default:
			m := NewMountainCarContinuous()
			m.Position, m.Velocity = s0, s1
			e = m
		}
		obs := make([]float64, e.ObsDim())
		for i := 0; i < 3; i++ {
			r, _, _ := e.Step([]float64{act}, obs)
			finite := !math.IsNaN(act) && !math.IsInf(act, 0)
			for _, v := range []float64{s0, s1, s2, s3} {
				finite = finite && math.Abs(v) < 1e3
			}
			if finite && which%4 != 0 && which%4 != 2 { // continuous tasks accept any finite action
				if math.IsNaN(r) || math.IsInf(r, 0) {
					t.Fatalf("reward %g from a finite state and action", r)
				}
				for _, v := range obs {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("observation %v from a finite state and action", obs)
					}
				}
			}
		}
	})
}
