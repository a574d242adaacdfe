package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgrad/pgrad/internal/ckpt"
	"github.com/pgrad/pgrad/internal/rundir"
	"github.com/pgrad/pgrad/onnx"
	"github.com/pgrad/pgrad/pg/deep"
	"github.com/pgrad/pgrad/policy/mlp"
)

func init() {
	commands["export"] = command{
		summary: "write a trained policy as an ONNX model: pgrad export DIR|FILE -o policy.onnx [-dtype float32|float64]",
		run:     runExport,
	}
}

func runExport(args []string, stdout, stderr io.Writer) int {
	const prog = "pgrad export"
	fs := newFlagSet(prog, "DIR|FILE -o FILE [flags]", "Writes the policy of a run written by 'pgrad train <env> -out DIR' (or of a checkpoint file)\n"+
		"as an ONNX model (opset 17): input obs [N, obs_dim], the raw observations; outputs action\n"+
		"(the deterministic action: an int64 index, or the mean clipped or squashed into the bounds)\n"+
		"and logits (discrete) or mean and log_std (continuous). Load it with ONNX Runtime.")
	out := fs.String("o", "", "the ONNX file to write (required)")
	dtype := fs.String("dtype", "float32", "element type of the model: float32 or float64")
	path, args := takePath(fs, args)
	if status, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return status
	}
	fail := func(format string, a ...any) int {
		return usageErr(stderr, prog, fmt.Errorf(format, a...))
	}
	if path == "" {
		return fail("missing the run: pgrad export DIR|FILE -o FILE")
	}
	if *out == "" {
		return fail("missing -o FILE, the ONNX file to write")
	}
	dt, err := onnx.ParseDType(*dtype)
	if err != nil {
		return fail("-dtype %q: want float32 or float64", *dtype)
	}
	a, err := loadForExport(path)
	if err != nil {
		return fail("%s", strings.TrimPrefix(err.Error(), "deep: "))
	}
	data, err := onnx.Export(a, onnx.Options{DType: dt})
	var oe *onnx.Error
	if errors.As(err, &oe) {
		// A checkpoint that loads but cannot be written in this type (a
		// parameter beyond float32's range).
		return fail("%s: %s", path, strings.TrimPrefix(err.Error(), "onnx: "))
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	if st, err := os.Stat(*out); err == nil && st.IsDir() {
		fmt.Fprintf(stderr, "%s: -o: %s is a directory\n", prog, *out)
		return 1
	}
	if err := onnx.WriteFile(*out, data); err != nil {
		// Like an unwritable -out for train: a failure of the run, not bad input.
		fmt.Fprintf(stderr, "%s: -o: %v\n", prog, err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s: %s %s, %s, %s (%d bytes)\n", *out, envTitle(a.Config.Env), a.Config.Algo, dt, describeModel(a), len(data))
	return 0
}

// loadForExport reads the agent of a run directory (which must be a
// complete run: internal/rundir checks its summary against the
// checkpoint) or of a checkpoint file.
func loadForExport(path string) (*deep.Agent, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		b, err := ckpt.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return deep.Decode(path, b)
	}
	r, err := rundir.Open(path)
	if errors.Is(err, rundir.ErrNotRun) {
		if _, serr := os.Stat(filepath.Join(path, "sweep.json")); serr == nil {
			return nil, fmt.Errorf("%s is a sweep, not a run: export one of its runs", path)
		}
	}
	if err != nil {
		return nil, err
	}
	if _, ok := r.Files[checkpointFile]; r.Files != nil && !ok {
		return nil, fmt.Errorf("%s: the run has no %s (only the neural tasks' runs have a policy to export)", path, checkpointFile)
	}
	b, err := r.ReadFile(checkpointFile)
	if err != nil {
		return nil, err
	}
	return deep.Decode(filepath.Join(path, checkpointFile), b)
}

// describeModel says what goes in and out, with shapes.
func describeModel(a *deep.Agent) string {
	s := a.Space
	if _, ok := a.Policy.(*mlp.Categorical); ok {
		return fmt.Sprintf("obs [N,%d] → action [N] int64, logits [N,%d]", s.ObsDim, s.ActDim)
	}
	how := "clipped"
	if g, ok := a.Policy.(*mlp.Gaussian); ok && g.Options().Squash {
		how = "squashed"
	}
	return fmt.Sprintf("obs [N,%d] → action [N,%d] (%s), mean [N,%d], log_std [N,%d]", s.ObsDim, s.ActDim, how, s.ActDim, s.ActDim)
}
