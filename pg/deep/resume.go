package deep

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/internal/ckpt"
)

// secTrainer is the checkpoint section of a run in progress: what
// Trainer.Checkpoint adds to an agent's sections.
const secTrainer = "trainer"

// trainerState is everything beyond the networks that the next iteration
// of a run reads: the counts (and so the learning-rate schedule's
// position), the random source, both Adam states, the minibatch
// permutation (shuffled in place, epoch after epoch), the environments and
// the observations they are at, and the normalisers.
type trainerState struct {
	Iter     int              `json:"iter"`
	Steps    int              `json:"steps"`
	Episodes int              `json:"episodes"`
	Recent   []float64        `json:"recent"`
	RecentN  int              `json:"recent_n"`
	RNG      []byte           `json:"rng"` // rand.PCG state
	Adam     []adamState      `json:"adam"`
	Perm     []int            `json:"perm"`
	Vec      control.VecState `json:"vec"`
	Obs      []byte           `json:"obs"`                // the copies' current observations, float64 bits
	RetNorm  *RunningStats    `json:"ret_norm,omitempty"` // NormReward: statistics of the discounted return
	Returns  []float64        `json:"returns,omitempty"`  // NormReward: each copy's discounted return so far
	Extra    json.RawMessage  `json:"extra,omitempty"`
}

type adamState struct {
	M     []byte `json:"m"` // float64 bits, little-endian
	V     []byte `json:"v"`
	Steps int    `json:"steps"`
}

func floatBytes(x []float64) []byte {
	b := make([]byte, 0, 8*len(x))
	for _, v := range x {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

func bytesFloat(dst []float64, b []byte) error {
	if len(b) != 8*len(dst) {
		return fmt.Errorf("%d bytes for %d numbers", len(b), len(dst))
	}
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return nil
}

// Checkpoint returns the bytes of a checkpoint of the run as it stands
// between two iterations: the agent, as Agent.Encode writes it (Load reads
// it like any other), and everything Resume needs to continue the run
// exactly, bit for bit as if it had never stopped. extra is kept as it is
// (it must be JSON, or nil): pgrad train keeps its own flags there.
func (t *Trainer) Checkpoint(extra []byte) ([]byte, error) {
	f, err := t.Agent().checkpoint()
	if err != nil {
		return nil, err
	}
	st := trainerState{
		Iter: t.count.iter, Steps: t.count.steps, Episodes: t.count.episodes,
		Recent: t.count.recent[:], RecentN: t.count.recentN,
		Perm: t.mb.perm, Obs: floatBytes(t.roll.cur), Extra: extra,
	}
	if t.rewNorm != nil {
		st.RetNorm, st.Returns = t.rewNorm.stats, t.rewNorm.ret
	}
	if st.RNG, err = t.pcg.MarshalBinary(); err != nil {
		return nil, err
	}
	for _, a := range t.opt.adam {
		m, v, n := a.Moments()
		st.Adam = append(st.Adam, adamState{M: floatBytes(m), V: floatBytes(v), Steps: n})
	}
	if st.Vec, err = t.roll.vec.State(); err != nil {
		return nil, fmt.Errorf("deep: environment %q: %w", t.cfg.Env, err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	f.Sections = append(f.Sections, ckpt.Section{Name: secTrainer, Data: b})
	return ckpt.Encode(f)
}

// Resume returns a trainer that continues the run whose Checkpoint bytes
// are data (path names them in errors), on the task registered under the
// name the checkpoint records, and the extra bytes given to Checkpoint.
// Its next Iterate is the one the stopped run would have run next, with
// the same result. A checkpoint of a finished agent (Agent.Save), with no
// run state, is an error: use FromAgent to fine-tune one.
func Resume(path string, data []byte) (*Trainer, []byte, error) {
	return ResumeWithEnv(path, data, nil)
}

// ResumeWithEnv is Resume for a task that is not registered (NewWithEnv);
// with a nil newEnv it is Resume.
func ResumeWithEnv(path string, data []byte, newEnv func() control.Env) (*Trainer, []byte, error) {
	f, err := ckpt.Decode(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	b, ok := f.Section(secTrainer)
	if !ok {
		return nil, nil, fmt.Errorf("deep: %s: no run state to resume (a checkpoint of a finished agent; FromAgent fine-tunes one)", path)
	}
	a, err := fromCheckpoint(path, f, newEnv)
	if err != nil {
		return nil, nil, err
	}
	var st trainerState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, nil, fmt.Errorf("deep: %s: bad run state: %v", path, err)
	}
	bad := func(what string, err error) error {
		return fmt.Errorf("deep: %s: run state: %s: %v", path, what, err)
	}
	mk, err := a.envConstructor()
	if err != nil {
		return nil, nil, err
	}
	pcg := &rand.PCG{}
	if err := pcg.UnmarshalBinary(st.RNG); err != nil {
		return nil, nil, bad("random source", err)
	}
	var savedNorm *RunningStats
	if a.ObsNorm != nil {
		savedNorm = a.ObsNorm.clone()
	}
	t, err := newTrainer(a.Config, a.Space, mk, a.Policy, a.Value, a.ObsNorm, pcg)
	if err != nil {
		return nil, nil, err
	}
	// Building the trainer drew from the source, reset the copies and
	// counted their observations; all three are overwritten now.
	if savedNorm != nil {
		*t.obsNorm = *savedNorm
	}
	if t.rewNorm != nil {
		if st.RetNorm == nil || st.RetNorm.check(1) != nil || len(st.Returns) != t.cfg.Envs {
			return nil, nil, bad("reward normalisation", errors.New("missing or malformed"))
		}
		t.rewNorm.stats, t.rewNorm.ret = st.RetNorm, st.Returns
	}
	if err := pcg.UnmarshalBinary(st.RNG); err != nil {
		return nil, nil, bad("random source", err)
	}
	if len(st.Adam) != len(t.opt.adam) {
		return nil, nil, bad("optimiser", fmt.Errorf("%d states for %d parameter groups", len(st.Adam), len(t.opt.adam)))
	}
	for g, s := range st.Adam {
		m, v, _ := t.opt.adam[g].Moments()
		m2, v2 := make([]float64, len(m)), make([]float64, len(v))
		if err := bytesFloat(m2, s.M); err != nil {
			return nil, nil, bad("optimiser", err)
		}
		if err := bytesFloat(v2, s.V); err != nil {
			return nil, nil, bad("optimiser", err)
		}
		if s.Steps < 0 {
			return nil, nil, bad("optimiser", fmt.Errorf("%d steps", s.Steps))
		}
		t.opt.adam[g].SetMoments(m2, v2, s.Steps)
	}
	if len(st.Perm) != len(t.mb.perm) || !isPermutation(st.Perm) {
		return nil, nil, bad("minibatch order", fmt.Errorf("not a permutation of %d rows", len(t.mb.perm)))
	}
	copy(t.mb.perm, st.Perm)
	if err := t.roll.vec.SetState(st.Vec); err != nil {
		return nil, nil, bad("environments", err)
	}
	if err := bytesFloat(t.roll.cur, st.Obs); err != nil {
		return nil, nil, bad("observations", err)
	}
	if len(st.Recent) != recentWindow || st.Iter < 0 || st.Steps < 0 || st.Episodes < 0 || st.RecentN < 0 ||
		st.Iter > t.Iterations() || st.Steps != st.Iter*t.cfg.Envs*t.cfg.Steps {
		return nil, nil, bad("counts", fmt.Errorf("iteration %d, %d steps, %d episodes", st.Iter, st.Steps, st.Episodes))
	}
	t.count.iter, t.count.steps, t.count.episodes, t.count.recentN = st.Iter, st.Steps, st.Episodes, st.RecentN
	copy(t.count.recent[:], st.Recent)
	return t, st.Extra, nil
}

func isPermutation(p []int) bool {
	seen := make([]bool, len(p))
	for _, v := range p {
		if v < 0 || v >= len(p) || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

// SetTotalSteps changes the run's budget, to continue a resumed run past
// its first one (pgrad train -resume -steps). The budget may not fall
// below the steps already taken or one rollout. With Anneal the learning
// rate follows the new budget from the next iteration on.
func (t *Trainer) SetTotalSteps(n int) error {
	c := t.cfg
	c.TotalSteps = n
	if err := c.validate(t.space); err != nil {
		return err
	}
	if n/(c.Envs*c.Steps) < t.count.iter {
		return &ConfigError{Field: "TotalSteps", Value: fmt.Sprint(n), Err: ErrRange,
			Rule: fmt.Sprintf("fewer than the %d steps already taken", t.count.steps)}
	}
	t.cfg = c
	return nil
}
