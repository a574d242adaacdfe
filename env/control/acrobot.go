package control

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Acrobot constants of Gymnasium's Acrobot-v1 (the book's dynamics).
const (
	abDt      = 0.2
	abL1      = 1.0 // length of link 1
	abM1      = 1.0 // masses
	abM2      = 1.0
	abLC1     = 0.5 // positions of the centres of mass
	abLC2     = 0.5
	abI1      = 1.0 // moments of inertia
	abI2      = 1.0
	abG       = 9.8
	abMaxVel1 = 4 * math.Pi
	abMaxVel2 = 9 * math.Pi

	// AcrobotMaxSteps is Acrobot-v1's time limit.
	AcrobotMaxSteps = 500
)

// Acrobot is Gymnasium's Acrobot-v1: a two-link pendulum actuated at the
// middle joint with torque −1, 0 or +1 (actions 0, 1, 2), which must swing
// its tip above the bar (−cos θ1 − cos(θ1+θ2) > 1). The observation is
// cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2. Every step costs −1 except the
// one that reaches the goal, which gives 0. The state is integrated with
// one fourth-order Runge–Kutta step of 0.2 s, angles are wrapped into
// [−π, π] and velocities clipped, as in Gymnasium; episodes are truncated
// after 500 steps.
type Acrobot struct {
	// State is θ1, θ2, θ̇1, θ̇2.
	State [4]float64
	// Steps counts the steps of the current episode.
	Steps int
	// MaxSteps is the time limit (AcrobotMaxSteps by default; 0 disables it).
	MaxSteps int
}

// NewAcrobot returns an Acrobot-v1 task; call Reset before Step.
func NewAcrobot() *Acrobot { return &Acrobot{MaxSteps: AcrobotMaxSteps} }

// ObsDim returns 6.
func (a *Acrobot) ObsDim() int { return 6 }

// ActDim returns 3, the number of actions.
func (a *Acrobot) ActDim() int { return 3 }

// Discrete returns true.
func (a *Acrobot) Discrete() bool { return true }

// ActionBounds returns nil, nil: the actions are discrete.
func (a *Acrobot) ActionBounds() (low, high []float64) { return nil, nil }

// Reset draws each state component uniformly from [−0.1, 0.1) and rounds
// it to float32, as Gymnasium stores the start state in single precision.
func (a *Acrobot) Reset(r *rand.Rand, obs []float64) {
	for i := range a.State {
		a.State[i] = float64(float32(-0.1 + 0.2*r.Float64()))
	}
	a.Steps = 0
	a.observe(obs)
}

func (a *Acrobot) observe(obs []float64) {
	s := &a.State
	obs[0], obs[1] = math.Cos(s[0]), math.Sin(s[0])
	obs[2], obs[3] = math.Cos(s[1]), math.Sin(s[1])
	obs[4], obs[5] = s[2], s[3]
}

// CheckAction reports whether action[0] is 0, 1 or 2.
func (a *Acrobot) CheckAction(action []float64) error {
	if len(action) < 1 {
		return fmt.Errorf("control: Acrobot needs one action, got none")
	}
	if v := action[0]; v != 0 && v != 1 && v != 2 {
		return fmt.Errorf("control: Acrobot action %v, want 0, 1 or 2", v)
	}
	return nil
}

// Step applies the torque of action[0]. An action other than 0, 1 or 2 is
// not applied: the state stays, the reward is 0 and the episode is
// reported as terminated, as for CartPole.
func (a *Acrobot) Step(action []float64, obs []float64) (reward float64, terminated, truncated bool) {
	var torque float64
	switch action[0] {
	case 0:
		torque = -1
	case 1:
		torque = 0
	case 2:
		torque = 1
	default:
		a.observe(obs)
		return 0, true, false
	}
	// One classical Runge–Kutta step; the torque is constant over it.
	s := a.State
	const h = abDt
	k1 := acrobotDeriv(s, torque)
	k2 := acrobotDeriv(axpy4(s, h/2, k1), torque)
	k3 := acrobotDeriv(axpy4(s, h/2, k2), torque)
	k4 := acrobotDeriv(axpy4(s, h, k3), torque)
	var ns [4]float64
	for i := range ns {
		ns[i] = s[i] + h/6.0*(k1[i]+2*k2[i]+2*k3[i]+k4[i])
	}
	ns[0] = wrapAngle(ns[0])
	ns[1] = wrapAngle(ns[1])
	ns[2] = min(max(ns[2], -abMaxVel1), abMaxVel1)
	ns[3] = min(max(ns[3], -abMaxVel2), abMaxVel2)
	a.State = ns
	a.Steps++
	a.observe(obs)
	terminated = -math.Cos(ns[0])-math.Cos(ns[1]+ns[0]) > 1.0
	truncated = !terminated && a.MaxSteps > 0 && a.Steps >= a.MaxSteps
	if terminated {
		return 0, true, false
	}
	return -1, false, truncated
}

// axpy4 returns s + h·k.
func axpy4(s [4]float64, h float64, k [4]float64) [4]float64 {
	for i := range s {
		s[i] += h * k[i]
	}
	return s
}

// acrobotDeriv returns the time derivative of the state under torque tau,
// with the equations of Sutton and Barto's book that Gymnasium uses.
func acrobotDeriv(s [4]float64, tau float64) [4]float64 {
	th1, th2, dth1, dth2 := s[0], s[1], s[2], s[3]
	cos2, sin2 := math.Cos(th2), math.Sin(th2)
	d1 := abM1*(abLC1*abLC1) + abM2*(abL1*abL1+abLC2*abLC2+2*abL1*abLC2*cos2) + abI1 + abI2
	d2 := abM2*(abLC2*abLC2+abL1*abLC2*cos2) + abI2
	phi2 := abM2 * abLC2 * abG * math.Cos(th1+th2-math.Pi/2.0)
	phi1 := -abM2*abL1*abLC2*(dth2*dth2)*sin2 -
		2*abM2*abL1*abLC2*dth2*dth1*sin2 +
		(abM1*abLC1+abM2*abL1)*abG*math.Cos(th1-math.Pi/2) + phi2
	ddth2 := (tau + d2/d1*phi1 - abM2*abL1*abLC2*(dth1*dth1)*sin2 - phi2) /
		(abM2*(abLC2*abLC2) + abI2 - (d2*d2)/d1)
	ddth1 := -(d2*ddth2 + phi1) / d1
	return [4]float64{dth1, dth2, ddth1, ddth2}
}

// wrapAngle maps x into [−π, π] by whole turns, the way Gymnasium's
// acrobot wrap does (π itself stays π, unlike AngleNormalize). Non-finite
// values are returned unchanged, and huge ones are first reduced with a
// remainder, where Gymnasium's subtraction loop would never finish.
func wrapAngle(x float64) float64 {
	if math.IsInf(x, 0) || x != x {
		return x
	}
	if math.Abs(x) > 64*math.Pi {
		x = math.Mod(x, 2*math.Pi)
	}
	for x > math.Pi {
		x -= 2 * math.Pi
	}
	for x < -math.Pi {
		x += 2 * math.Pi
	}
	return x
}
