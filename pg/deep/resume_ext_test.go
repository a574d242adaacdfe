package deep_test

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/pg/deep"
)

// savedSign is signTask with its state saved by MarshalBinary, as a task
// with unexported state must be to be resumed.
type savedSign struct{ signTask }

func (s *savedSign) MarshalBinary() ([]byte, error) {
	b := binary.LittleEndian.AppendUint64(nil, math.Float64bits(s.s))
	return binary.LittleEndian.AppendUint64(b, uint64(s.steps)), nil
}

func (s *savedSign) UnmarshalBinary(b []byte) error {
	if len(b) != 16 {
		return errors.New("savedSign: bad state")
	}
	s.s = math.Float64frombits(binary.LittleEndian.Uint64(b))
	s.steps = int(binary.LittleEndian.Uint64(b[8:]))
	return nil
}

// A run on one's own task resumes exactly through ResumeWithEnv when the
// task saves its state; a task with unexported state and no MarshalBinary
// cannot be checkpointed (an error naming the field, not an inexact
// resume); Resume of an unregistered task's run names it.
func TestResumeCustomEnv(t *testing.T) {
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	cfg.Env, cfg.Envs, cfg.Steps, cfg.Minibatches, cfg.TotalSteps = "my-saved-sign", 2, 64, 2, 2*64*6
	mk := func() control.Env { return &savedSign{} }
	ref, _ := deep.NewWithEnv(cfg, mk, 4)
	for range 6 {
		if _, err := ref.Iterate(); err != nil {
			t.Fatal(err)
		}
	}
	tr, _ := deep.NewWithEnv(cfg, mk, 4)
	for range 3 {
		tr.Iterate()
	}
	b, err := tr.Checkpoint(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := deep.Resume("mem", b); !errors.Is(err, deep.ErrUnknownEnv) || !strings.Contains(err.Error(), "my-saved-sign") {
		t.Errorf("Resume of an unregistered task: %v", err)
	}
	rest, _, err := deep.ResumeWithEnv("mem", b, mk)
	if err != nil {
		t.Fatal(err)
	}
	for rest.Iteration() < rest.Iterations() {
		if _, err := rest.Iterate(); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(rest.Agent().Policy.Params(), ref.Agent().Policy.Params()) {
		t.Error("the resumed run's parameters differ from the uninterrupted run's")
	}
	plain, _ := deep.NewWithEnv(cfg, func() control.Env { return &signTask{} }, 4)
	if _, err := plain.Checkpoint(nil); err == nil || !strings.Contains(err.Error(), "unexported field") {
		t.Errorf("Checkpoint of a task with unexported state: %v", err)
	}
}
