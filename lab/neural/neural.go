// Package neural is the session behind the page's CartPole section: one
// pg/deep training run (REINFORCE, A2C or PPO on CartPole-v1, Pendulum-v1
// or Acrobot-v1, with pgrad train's defaults) together with what the page
// shows of it: the learning curve, snapshots of the policy every few
// iterations, and an episode of the current or a snapshot policy played
// step by step for the canvas.
//
// A session computes exactly what pgrad train computes: Iterate runs the
// trainer's iterations, so after N of them the curve equals the first N
// rows of pgrad train's metrics.csv with the same settings. In the browser
// (and natively under nn.SetPortable(true), which Command's line asks for
// with -portable) the numbers agree bit for bit.
//
// The played episode uses its own copy of the task and its own random
// source (derived from the seed), so watching never changes training.
// Actions are the policy's most likely ones (the mean, for a Gaussian), as
// in pgrad eval.
package neural

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/nn"
	"github.com/pgrad/pgrad/pg/deep"
	"github.com/pgrad/pgrad/policy/mlp"
)

// Envs are the tasks a session offers, in the order of their ids.
var Envs = []string{"cartpole", "pendulum", "acrobot"}

// Algos are the algorithms a session offers.
var Algos = []string{deep.Reinforce, deep.A2C, deep.PPO}

// MaxHidden is the widest hidden layer a session accepts. pgrad train
// allows 4096, but the orthogonal initialisation costs the cube of the
// width (a 1024-wide session took 19 s to start natively on the loaded
// development machine) and a tab's WebAssembly memory is small; at 256 a
// session starts in well under a second and needs about 20 MB.
const MaxHidden = 256

// SnapshotEvery is the number of iterations between policy snapshots.
const SnapshotEvery = 5

// maxSnapshots bounds the history; older snapshots are thinned (every
// second one dropped) when it fills, so the whole run stays covered.
var maxSnapshots = 200

// Settings are what the page lets a reader choose. The zero LR and Hidden
// mean pgrad train's defaults for Env and Algo.
type Settings struct {
	Env    string
	Algo   string
	Seed   uint64
	LR     float64 // Adam's learning rate
	Hidden int     // width of each of the two hidden layers
}

// An Error names the setting that was out of range.
type Error struct {
	Field string // "env", "algo", "seed", "lr" or "hidden"
	Msg   string
}

func (e *Error) Error() string { return "neural: " + e.Field + ": " + e.Msg }

// Defaults returns pgrad train's defaults for env and algo with seed 1.
func Defaults(env, algo string) (Settings, error) {
	cfg, err := config(env, algo)
	if err != nil {
		return Settings{}, err
	}
	return Settings{Env: env, Algo: algo, Seed: 1, LR: cfg.LR, Hidden: cfg.Hidden.Widths()[0]}, nil
}

func config(env, algo string) (deep.Config, error) {
	if !contains(Envs, env) {
		return deep.Config{}, &Error{"env", fmt.Sprintf("unknown task %q (want %s)", env, strings.Join(Envs, ", "))}
	}
	if !contains(Algos, algo) {
		return deep.Config{}, &Error{"algo", fmt.Sprintf("unknown algorithm %q (want %s)", algo, strings.Join(Algos, ", "))}
	}
	return deep.Defaults(env, algo)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Config returns the pg/deep configuration the settings stand for: the
// defaults of the task and algorithm with the learning rate and the hidden
// widths replaced.
func (s Settings) Config() (deep.Config, error) {
	cfg, err := config(s.Env, s.Algo)
	if err != nil {
		return cfg, err
	}
	if math.IsNaN(s.LR) || math.IsInf(s.LR, 0) || s.LR <= 0 || s.LR > 1 {
		return cfg, &Error{"lr", fmt.Sprintf("must be a number in (0, 1], got %g", s.LR)}
	}
	if s.Hidden <= 0 || s.Hidden > MaxHidden {
		return cfg, &Error{"hidden", fmt.Sprintf("must be a whole number from 1 to %d, got %d", MaxHidden, s.Hidden)}
	}
	cfg.LR = s.LR
	w := make([]int, cfg.Hidden.Len())
	for i := range w {
		w[i] = s.Hidden
	}
	cfg.Hidden = deep.MustLayers(w...)
	if err := cfg.Validate(); err != nil {
		return cfg, &Error{"hidden", err.Error()}
	}
	return cfg, nil
}

// Command returns the pgrad train line that reproduces the session's first
// iters iterations, flags other than the defaults' spelled out.
func (s Settings) Command(iters int) string {
	def, _ := Defaults(s.Env, s.Algo)
	var b strings.Builder
	b.WriteString("pgrad train " + s.Env)
	if s.Algo != deep.PPO {
		b.WriteString(" -algo " + s.Algo)
	}
	b.WriteString(" -seed " + strconv.FormatUint(s.Seed, 10))
	if s.LR != def.LR {
		b.WriteString(" -lr " + strconv.FormatFloat(s.LR, 'g', -1, 64))
	}
	if s.Hidden != def.Hidden {
		h := strconv.Itoa(s.Hidden)
		b.WriteString(" -hidden " + h + "," + h)
	}
	b.WriteString(" -portable")
	if iters > 0 {
		b.WriteString(" -iters " + strconv.Itoa(iters))
	}
	return b.String()
}

// Point is one point of the learning curve: after an iteration, the
// environment steps so far and the mean return of the last 20 episodes
// (NaN before the first finished).
type Point struct {
	Steps  int
	Recent float64
}

// Session is one training run with its history and its played episode. It
// is not safe for concurrent use.
type Session struct {
	set   Settings
	cfg   deep.Config
	tr    *deep.Trainer
	last  deep.Stats
	curve []Point
	busy  time.Duration // time spent in Iterate

	snaps     [][][]float64 // policy parameters, oldest first
	snapIters []int         // the iteration each was taken after

	// the played episode
	play       mlp.Policy // the live policy, or player holding a snapshot
	player     mlp.Policy
	playSnap   int // -1: the live policy
	playEnv    control.Env
	playRng    *rand.Rand
	ws         *mlp.Workspace
	obs, act   []float64
	envAct     []float64
	logp       []float64
	low, high  []float64
	epStep     int
	epReturn   float64
	epDone     int
	ended      bool    // the last step ended the episode; the next starts a new one
	lastReturn float64 // return of the last finished played episode (NaN before)
}

// New starts a session. Bad settings return an *Error and no session.
func New(s Settings) (*Session, error) {
	cfg, err := s.Config()
	if err != nil {
		return nil, err
	}
	tr, err := deep.New(cfg, s.Seed)
	if err != nil {
		return nil, &Error{"hidden", err.Error()}
	}
	mk, _ := deep.MakeEnv(cfg.Env)
	proto := mk()
	act := nn.Tanh
	if cfg.Activation == "relu" {
		act = nn.ReLU
	}
	// The player's initial weights are overwritten before use; its own
	// random source keeps the trainer's stream untouched.
	junk := seeded.Rand(0)
	var player mlp.Policy
	if proto.Discrete() {
		player = mlp.NewCategorical(proto.ObsDim(), proto.ActDim(), cfg.Hidden.Widths(), act, junk)
	} else {
		player = mlp.NewGaussian(proto.ObsDim(), proto.ActDim(), cfg.Hidden.Widths(), act, cfg.LogStd0, junk)
	}
	ss := &Session{set: s, cfg: cfg, tr: tr, player: player, playSnap: -1, playEnv: proto,
		lastReturn: math.NaN()}
	ss.play = tr.Agent().Policy
	ss.last.Recent = math.NaN()
	d, aw := proto.ObsDim(), player.ActionWidth()
	ss.obs, ss.act, ss.envAct, ss.logp = make([]float64, d), make([]float64, aw), make([]float64, aw), make([]float64, 1)
	if !proto.Discrete() {
		ss.low, ss.high = proto.ActionBounds()
	}
	ss.ws = player.NewWorkspace(1)
	ss.snapshot() // iteration 0: the untrained policy
	ss.restartEpisodes()
	return ss, nil
}

// Settings returns the session's settings.
func (s *Session) Settings() Settings { return s.set }

// Config returns the pg/deep configuration being trained.
func (s *Session) Config() deep.Config { return s.cfg }

// Iterations returns the iterations done and the number the schedule spans.
func (s *Session) Iterations() (done, total int) { return s.last.Iteration, s.tr.Iterations() }

// Done reports whether the run has reached the end of its schedule.
func (s *Session) Done() bool { return s.last.Iteration >= s.tr.Iterations() }

// Last returns the statistics of the last iteration (Recent is NaN and the
// rest zero before the first).
func (s *Session) Last() deep.Stats { return s.last }

// Curve returns the learning curve, one point per iteration (shared, not
// copied).
func (s *Session) Curve() []Point { return s.curve }

// StepsPerSecond returns the environment steps per second of the time
// spent in Iterate (0 before the first).
func (s *Session) StepsPerSecond() float64 {
	if s.busy <= 0 {
		return 0
	}
	return float64(s.last.Steps) / s.busy.Seconds()
}

// TrainSeconds returns the time spent in Iterate.
func (s *Session) TrainSeconds() float64 { return s.busy.Seconds() }

// ErrDone is returned by Iterate once the schedule is complete.
var ErrDone = errors.New("neural: the run has reached the end of its schedule")

// Iterate runs up to n iterations, stopping early at the end of the
// schedule (ErrDone if none could run) or on divergence (the trainer's
// *deep.DivergedError; the parameters are then those before that update).
func (s *Session) Iterate(n int) error {
	for range n {
		if s.Done() {
			return ErrDone
		}
		t0 := time.Now()
		st, err := s.tr.Iterate()
		s.busy += time.Since(t0)
		if err != nil {
			return err
		}
		s.last = st
		s.curve = append(s.curve, Point{st.Steps, st.Recent})
		if st.Iteration%SnapshotEvery == 0 {
			s.snapshot()
		}
	}
	return nil
}

func (s *Session) snapshot() {
	if len(s.snaps) == maxSnapshots {
		// Keep every second one (the first included) and reuse the rest.
		k := 0
		for i := 0; i < len(s.snaps); i += 2 {
			s.snaps[k], s.snapIters[k] = s.snaps[i], s.snapIters[i]
			k++
		}
		s.snaps, s.snapIters = s.snaps[:k], s.snapIters[:k]
		if s.playSnap >= 0 {
			s.playSnap /= 2
		}
	}
	var c [][]float64
	for _, p := range s.tr.Agent().Policy.Params() {
		c = append(c, append([]float64(nil), p...))
	}
	s.snaps = append(s.snaps, c)
	s.snapIters = append(s.snapIters, s.last.Iteration)
}

// Snapshots returns the iterations after which the snapshots were taken,
// oldest first (shared, not copied).
func (s *Session) Snapshots() []int { return s.snapIters }

// Watch chooses the policy the played episode follows: a snapshot index
// from Snapshots, or -1 for the live policy. The episode starts afresh.
func (s *Session) Watch(snap int) error {
	if snap < -1 || snap >= len(s.snaps) {
		return &Error{"snapshot", fmt.Sprintf("must be -1 (live) or 0 to %d, got %d", len(s.snaps)-1, snap)}
	}
	if snap == s.playSnap {
		return nil
	}
	s.playSnap = snap
	if snap < 0 {
		s.play = s.tr.Agent().Policy
	} else {
		for g, p := range s.player.Params() {
			copy(p, s.snaps[snap][g])
		}
		s.play = s.player
	}
	s.restartEpisodes()
	return nil
}

// restartEpisodes starts the played episodes over from their first start
// state, so that every policy watched is seen from the same starts.
func (s *Session) restartEpisodes() {
	s.playRng = seeded.Rand(s.set.Seed ^ playSeed)
	s.epDone, s.lastReturn = 0, math.NaN()
	s.restartEpisode()
}

// playSeed separates the played episodes' stream from the trainer's.
const playSeed = 0x5eed0f91a7

// Watching returns the index Watch chose (-1: live).
func (s *Session) Watching() int { return s.playSnap }

func (s *Session) restartEpisode() {
	s.playEnv.Reset(s.playRng, s.obs)
	clear(s.envAct)
	s.epStep, s.epReturn, s.ended = 0, 0, false
}

// Obs returns the played episode's current observation (shared).
func (s *Session) Obs() []float64 { return s.obs }

// Action returns the action the played episode last took (shared; the
// clipped one for a continuous task).
func (s *Session) Action() []float64 { return s.envAct }

// Episode returns the played episode's step count and return so far, the
// number of played episodes finished and the return of the last of them.
func (s *Session) Episode() (step int, ret float64, finished int, lastReturn float64) {
	return s.epStep, s.epReturn, s.epDone, s.lastReturn
}

// PlayStep advances the played episode by one environment step (starting
// the next episode first if the last one ended, so that its final state
// stays visible until then) and reports whether the episode ended with it.
func (s *Session) PlayStep() bool {
	if s.ended {
		s.restartEpisode()
	}
	s.play.Act(s.ws, s.obs, 1, s.playRng, true, s.act, s.logp)
	copy(s.envAct, s.act)
	for j := range s.envAct {
		if s.low != nil {
			s.envAct[j] = min(max(s.envAct[j], s.low[j]), s.high[j])
		}
	}
	r, term, trunc := s.playEnv.Step(s.envAct, s.obs)
	s.epStep++
	s.epReturn += r
	if term || trunc {
		s.epDone++
		s.lastReturn = s.epReturn
		s.ended = true
	}
	return s.ended
}

// StepSeconds returns the simulated time of one step of env (Gymnasium's
// τ or dt): what real-time playback waits between steps.
func StepSeconds(env string) float64 {
	switch env {
	case "cartpole":
		return 0.02
	case "pendulum":
		return 0.05
	case "acrobot":
		return 0.2
	case "mountaincar":
		return 1.0 / 30 // Gymnasium renders it at 30 frames per second; it has no physical step
	}
	return 0
}
