package main

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/pgrad/pgrad/lab/neural"
	"github.com/pgrad/pgrad/nn"
)

// Limits of one call, so that a typo cannot freeze the worker for long.
const (
	maxIterate = 1000
	maxPlay    = 5000
)

const headerSlots = 32

// bridge holds the session and its frame buffer. It knows nothing of
// JavaScript, so that it is tested natively as well as under wasm.
type bridge struct {
	s   *neural.Session
	buf []float64
}

// newBridge starts pgrad train's default CartPole PPO session. The neural
// engine runs in portable mode always, natively too, so that the tests'
// numbers are the browser's.
func newBridge() (*bridge, error) {
	nn.SetPortable(true)
	set, err := neural.Defaults("cartpole", "ppo")
	if err != nil {
		return nil, err
	}
	s, err := neural.New(set)
	if err != nil {
		return nil, err
	}
	return &bridge{s: s}, nil
}

func errorf(format string, args ...any) error {
	return errors.New("pgrad: " + fmt.Sprintf(format, args...))
}

// configure replaces the session; on error the old one stays.
func (b *bridge) configure(set neural.Settings) error {
	s, err := neural.New(set)
	if err != nil {
		var e *neural.Error
		if errors.As(err, &e) {
			return errorf("configure: %s %s", e.Field, e.Msg)
		}
		return errorf("configure: %v", err)
	}
	b.s = s
	return nil
}

// iterate runs n iterations; the end of the schedule is not an error.
func (b *bridge) iterate(n int) error {
	if n < 0 || n > maxIterate {
		return errorf("iterate: n must be a whole number from 0 to %d, not %d", maxIterate, n)
	}
	if err := b.s.Iterate(n); err != nil && !errors.Is(err, neural.ErrDone) {
		return errorf("iterate: %v", err)
	}
	return nil
}

// checkFrame validates frame's arguments before anything changes.
func (b *bridge) checkFrame(k, watch, from int) error {
	switch {
	case k < 0 || k > maxPlay:
		return errorf("frame: k must be a whole number from 0 to %d, not %d", maxPlay, k)
	case watch < -1 || watch >= len(b.s.Snapshots()):
		return errorf("frame: watch must be -1 (live) or a snapshot from 0 to %d, not %d", len(b.s.Snapshots())-1, watch)
	case from < 0 || from > len(b.s.Curve()):
		return errorf("frame: from must be a curve index from 0 to %d, not %d", len(b.s.Curve()), from)
	}
	return nil
}

// frame plays k steps of the watched policy and encodes the frame.
func (b *bridge) frame(k, watch, from int) ([]float64, error) {
	if err := b.checkFrame(k, watch, from); err != nil {
		return nil, err
	}
	if err := b.s.Watch(watch); err != nil {
		return nil, errorf("frame: %v", err)
	}
	s := b.s
	set := s.Settings()
	curve := s.Curve()[from:]
	snaps := s.Snapshots()
	d, a := len(s.Obs()), len(s.Action())
	states := max(k, 1)
	n := headerSlots + 2*len(curve) + len(snaps) + states*(d+a+2)
	if cap(b.buf) < n {
		b.buf = make([]float64, n, n+n/2)
	}
	buf := b.buf[:n]
	st := s.Last()
	done, total := s.Iterations()
	step, ret, fin, lastRet := s.Episode()
	h := buf[:headerSlots]
	clear(h)
	h[0], h[1], h[2], h[3] = 3, float64(slices.Index(neural.Envs, set.Env)), float64(done), float64(total)
	h[4], h[5], h[6] = float64(st.Steps), float64(st.Episodes), st.Recent
	h[7], h[8], h[9], h[10] = st.Entropy, st.ApproxKL, st.ClipFrac, st.ExplainedVar
	h[11], h[12], h[13], h[14], h[15] = s.StepsPerSecond(), float64(n), float64(from), float64(len(curve)), float64(len(snaps))
	h[16], h[17], h[18], h[19], h[20] = float64(s.Watching()), float64(step), ret, float64(fin), lastRet
	h[21], h[22], h[23] = float64(d), float64(a), float64(states)
	h[24], h[25], h[26], h[27] = st.PolicyLoss, st.ValueLoss, st.LR, s.TrainSeconds()
	h[28], h[29], h[30], h[31] = neural.StepSeconds(set.Env), float64(set.Seed), float64(set.Hidden), float64(slices.Index(neural.Algos, set.Algo))
	o := headerSlots
	for _, p := range curve {
		buf[o], buf[o+1] = float64(p.Steps), p.Recent
		o += 2
	}
	for _, it := range snaps {
		buf[o] = float64(it)
		o++
	}
	put := func(ended bool) {
		o += copy(buf[o:], s.Obs())
		o += copy(buf[o:], s.Action())
		st, _, _, _ := s.Episode()
		buf[o] = float64(st)
		buf[o+1] = 0
		if ended {
			buf[o+1] = 1
		}
		o += 2
	}
	if k == 0 {
		put(false)
	}
	for range k {
		put(s.PlayStep())
	}
	// The header's episode figures are those after the played steps.
	step, ret, fin, lastRet = s.Episode()
	h[17], h[18], h[19], h[20] = float64(step), ret, float64(fin), lastRet
	return buf, nil
}

// checkWhole accepts a whole number from lo to hi.
func checkWhole(method, name string, v float64, lo, hi int) (int, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v != math.Trunc(v) || v < float64(lo) || v > float64(hi) {
		return 0, errorf("%s: %s must be a whole number from %d to %d, not %v", method, name, lo, hi, v)
	}
	return int(v), nil
}

// float64Bytes views buf as bytes, the form js.CopyBytesToJS takes; wasm
// and every JS engine are little-endian.
func float64Bytes(buf []float64) []byte {
	if len(buf) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), len(buf)*8)
}
