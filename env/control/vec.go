package control

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"

	"github.com/pgrad/pgrad/internal/seeded"
)

// Episode is one finished episode of one copy in a Vec.
type Episode struct {
	Env    int     // index of the copy
	Return float64 // undiscounted sum of rewards
	Length int     // steps
}

// Vec steps N copies of a task in lockstep. When a copy's episode ends by
// termination or truncation, Step resets that copy at once: the observation
// it returns for the copy is the first one of the new episode, and the last
// observation of the finished episode goes to finalObs, so a learner can
// bootstrap from it on truncation.
//
// Each copy draws its resets from its own random stream, derived from the
// Vec's seed and the copy's index, so results do not depend on whether the
// copies are stepped on one goroutine or several.
type Vec struct {
	envs     []Env
	rngs     []*rand.Rand
	pcgs     []*rand.PCG // the sources of rngs, whose state State saves
	obsDim   int
	actDim   int // values per action in the actions slice: 1 for discrete tasks
	ret      []float64
	length   []int
	finished []Episode
	jobs     chan stepJob  // to the helper goroutines, nil when there are none
	done     chan struct{} // one token per finished job
	helpers  int
}

// stepJob is one helper's share of a Step.
type stepJob struct {
	lo, hi                int
	actions, obs, rewards []float64
	term, trunc           []bool
	finalObs              []float64
}

// NewVec returns n copies made by newEnv, seeded from seed. It panics if
// n < 1 or newEnv returns copies of different shapes.
func NewVec(newEnv func() Env, n int, seed uint64) *Vec {
	if n < 1 {
		panic(fmt.Sprintf("control: Vec of %d copies, want ≥ 1", n))
	}
	v := &Vec{
		envs:   make([]Env, n),
		ret:    make([]float64, n),
		length: make([]int, n),
	}
	for i := range v.envs {
		v.envs[i] = newEnv()
	}
	v.obsDim = v.envs[0].ObsDim()
	v.actDim = 1
	if !v.envs[0].Discrete() {
		v.actDim = v.envs[0].ActDim()
	}
	for i, e := range v.envs {
		if e.ObsDim() != v.obsDim || e.ActDim() != v.envs[0].ActDim() || e.Discrete() != v.envs[0].Discrete() {
			panic("control: Vec copies differ in shape")
		}
		// Distinct, well-spread streams per copy (the golden-ratio step
		// of SplitMix), so neighbouring copies do not share resets.
		s := seed + uint64(i)*0x9e3779b97f4a7c15
		p := seeded.PCG(s)
		v.pcgs = append(v.pcgs, p)
		v.rngs = append(v.rngs, rand.New(p))
	}
	return v
}

// Len returns the number of copies.
func (v *Vec) Len() int { return len(v.envs) }

// Env returns copy i, for inspection.
func (v *Vec) Env(i int) Env { return v.envs[i] }

// ObsDim returns the observation length of one copy.
func (v *Vec) ObsDim() int { return v.obsDim }

// ActLen returns the number of values per copy in Step's actions: 1 for a
// discrete task (the index), the action dimension for a continuous one.
func (v *Vec) ActLen() int { return v.actDim }

// SetWorkers makes Step spread the copies over k goroutines: the caller's
// and k−1 helpers that live until Close or the next SetWorkers. k ≤ 1 steps
// everything on the caller's goroutine, the default. Results are the same
// either way. For tasks as cheap as CartPole and Pendulum, helpers do not
// pay, even with many copies: measured with BenchmarkVecStep (package
// doc), one helper takes 4 CartPoles from 25 to 7.7 M steps/s and 64 from
// 31 to 21 M steps/s. They are for costlier tasks.
func (v *Vec) SetWorkers(k int) {
	v.Close()
	k = min(k, len(v.envs))
	if k <= 1 {
		return
	}
	v.helpers = k - 1
	v.jobs = make(chan stepJob, v.helpers)
	v.done = make(chan struct{}, v.helpers)
	for w := 0; w < v.helpers; w++ {
		go func(jobs <-chan stepJob, done chan<- struct{}) {
			for j := range jobs {
				v.stepRange(j.lo, j.hi, j.actions, j.obs, j.rewards, j.term, j.trunc, j.finalObs)
				done <- struct{}{}
			}
		}(v.jobs, v.done)
	}
}

// Close stops the helper goroutines started by SetWorkers, if any (none by
// default, since they do not pay for these tasks). The Vec stays usable
// and steps on the caller's goroutine afterwards.
func (v *Vec) Close() {
	if v.jobs != nil {
		close(v.jobs)
		v.jobs, v.done, v.helpers = nil, nil, 0
	}
}

// Reset starts a new episode in every copy and writes the observations
// (n×ObsDim). Episode statistics of unfinished episodes are dropped.
func (v *Vec) Reset(obs []float64) {
	v.checkLen(obs, v.obsDim, "obs")
	for i, e := range v.envs {
		e.Reset(v.rngs[i], obs[i*v.obsDim:(i+1)*v.obsDim:(i+1)*v.obsDim])
		v.ret[i], v.length[i] = 0, 0
	}
}

// CheckActions returns an error for the first action a copy cannot apply
// (for tasks that implement Checker), so callers can reject bad input
// before stepping.
func (v *Vec) CheckActions(actions []float64) error {
	if len(actions) < len(v.envs)*v.actDim {
		return fmt.Errorf("control: %d action values for %d copies × %d", len(actions), len(v.envs), v.actDim)
	}
	for i, e := range v.envs {
		if c, ok := e.(Checker); ok {
			if err := c.CheckAction(actions[i*v.actDim : (i+1)*v.actDim]); err != nil {
				return fmt.Errorf("copy %d: %w", i, err)
			}
		}
	}
	return nil
}

// Step applies actions (n×ActLen) to every copy and writes obs (n×ObsDim),
// rewards, term and trunc (n each), and finalObs (n×ObsDim). For a copy
// whose episode ended, obs holds the reset observation and finalObs the
// last observation of the ended episode; for the others finalObs holds the
// same as obs. finalObs may be nil when the caller does not need it.
//
// It panics if a slice is too short.
func (v *Vec) Step(actions []float64, obs, rewards []float64, term, trunc []bool, finalObs []float64) {
	n := len(v.envs)
	v.checkLen(actions, v.actDim, "actions")
	v.checkLen(obs, v.obsDim, "obs")
	v.checkLen(rewards, 1, "rewards")
	if len(term) < n || len(trunc) < n {
		panic("control: Vec.Step: term or trunc shorter than the number of copies")
	}
	if finalObs != nil {
		v.checkLen(finalObs, v.obsDim, "finalObs")
	}
	if v.helpers == 0 {
		v.stepRange(0, n, actions, obs, rewards, term, trunc, finalObs)
	} else {
		k := v.helpers + 1
		for w := 1; w < k; w++ {
			v.jobs <- stepJob{w * n / k, (w + 1) * n / k, actions, obs, rewards, term, trunc, finalObs}
		}
		v.stepRange(0, n/k, actions, obs, rewards, term, trunc, finalObs)
		for w := 1; w < k; w++ {
			<-v.done
		}
	}
	// Episode records are appended here, in copy order, so that the order
	// does not depend on goroutine scheduling.
	for i := 0; i < n; i++ {
		if term[i] || trunc[i] {
			v.finished = append(v.finished, Episode{Env: i, Return: v.ret[i], Length: v.length[i]})
			v.ret[i], v.length[i] = 0, 0
		}
	}
}

func (v *Vec) stepRange(lo, hi int, actions, obs, rewards []float64, term, trunc []bool, finalObs []float64) {
	d, a := v.obsDim, v.actDim
	for i := lo; i < hi; i++ {
		// A full slice: a task that appends or writes past its observation
		// cannot reach the next copy's.
		o := obs[i*d : (i+1)*d : (i+1)*d]
		r, te, tr := v.envs[i].Step(actions[i*a:(i+1)*a], o)
		rewards[i], term[i], trunc[i] = r, te, tr
		if finalObs != nil {
			copy(finalObs[i*d:(i+1)*d], o)
		}
		// ret and length are finalised in Step's sequential pass; keep the
		// finished episode's totals here until then.
		v.ret[i] += r
		v.length[i]++
		if te || tr {
			v.envs[i].Reset(v.rngs[i], o)
		}
	}
}

// Finished returns the episodes that ended since the last call, in the
// order they ended (copies in index order within one step), and forgets
// them. The returned slice is only valid until the next Step: its storage
// is reused so that stepping allocates nothing. Use DrainFinished to keep
// the records.
func (v *Vec) Finished() []Episode {
	f := v.finished
	v.finished = v.finished[:0]
	return f
}

// DrainFinished appends the episodes that ended since the last call to dst,
// forgets them, and returns the extended slice.
func (v *Vec) DrainFinished(dst []Episode) []Episode {
	dst = append(dst, v.finished...)
	v.finished = v.finished[:0]
	return dst
}

func (v *Vec) checkLen(s []float64, per int, what string) {
	if len(s) < len(v.envs)*per {
		panic(fmt.Sprintf("control: Vec: %s has %d values, want %d×%d", what, len(s), len(v.envs), per))
	}
}

// VecState is what a Vec needs to continue exactly where it was: each
// copy's task state, random stream and running episode totals. Episodes
// finished but not yet drained with Finished are not part of it.
type VecState struct {
	Envs    [][]byte  `json:"envs"`    // each copy's state: MarshalBinary's bytes, or its exported fields as JSON
	Streams [][]byte  `json:"streams"` // each copy's rand.PCG state
	Return  []float64 `json:"return"`  // undiscounted return of each running episode so far
	Length  []int     `json:"length"`
}

// State returns the Vec's state. A task's state is what its
// MarshalBinary returns if it implements encoding.BinaryMarshaler (and
// encoding.BinaryUnmarshaler), else its exported fields as JSON, which is
// the whole state of the tasks in this package. A task that has
// unexported fields and not the two methods is an error: its state could
// not be restored exactly.
func (v *Vec) State() (VecState, error) {
	s := VecState{Return: slices.Clone(v.ret), Length: slices.Clone(v.length)}
	for i, e := range v.envs {
		var b []byte
		var err error
		_, um := e.(encoding.BinaryUnmarshaler)
		if m, ok := e.(encoding.BinaryMarshaler); ok && um {
			b, err = m.MarshalBinary()
		} else if f := unexported(reflect.TypeOf(e)); f != "" {
			return VecState{}, fmt.Errorf("control: %T has the unexported field %s: implement encoding.BinaryMarshaler and BinaryUnmarshaler to save its state", e, f)
		} else {
			b, err = json.Marshal(e)
		}
		if err != nil {
			return VecState{}, fmt.Errorf("control: state of copy %d: %w", i, err)
		}
		p, err := v.pcgs[i].MarshalBinary()
		if err != nil {
			return VecState{}, err
		}
		s.Envs, s.Streams = append(s.Envs, b), append(s.Streams, p)
	}
	return s, nil
}

// SetState restores a state returned by State of a Vec of the same task and
// size. A state that does not fit is an error, and the Vec may then be
// partly restored: make a new one.
func (v *Vec) SetState(s VecState) error {
	n := len(v.envs)
	if len(s.Envs) != n || len(s.Streams) != n || len(s.Return) != n || len(s.Length) != n {
		return fmt.Errorf("control: a state of %d copies for a Vec of %d", len(s.Envs), n)
	}
	for i, e := range v.envs {
		var err error
		_, bm := e.(encoding.BinaryMarshaler)
		if u, ok := e.(encoding.BinaryUnmarshaler); ok && bm {
			err = u.UnmarshalBinary(s.Envs[i])
		} else {
			err = json.Unmarshal(s.Envs[i], e)
		}
		if err != nil {
			return fmt.Errorf("control: state of copy %d: %w", i, err)
		}
		if err := v.pcgs[i].UnmarshalBinary(s.Streams[i]); err != nil {
			return fmt.Errorf("control: random stream of copy %d: %w", i, err)
		}
	}
	copy(v.ret, s.Return)
	copy(v.length, s.Length)
	v.finished = v.finished[:0]
	return nil
}

// unexported returns the name of the first unexported field of t's struct
// (through pointers and embedded structs), or "".
func unexported(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			return f.Name
		}
		if f.Anonymous {
			if n := unexported(f.Type); n != "" {
				return n
			}
		}
	}
	return ""
}
