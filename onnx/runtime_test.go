package onnx_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/nn"
	"github.com/pgrad/pgrad/onnx"
	"github.com/pgrad/pgrad/pg/deep"
	"github.com/pgrad/pgrad/policy/mlp"
)

// The real parts these tests drive: ONNX Runtime's Node.js package (CPU),
// installed with `npm install --ignore-scripts onnxruntime-node` into
// ortDir (PGRAD_ORT_DIR, or pgrad/onnxruntime under the user cache
// directory, which is where .ci/run installs it), and Debian's python3-onnx
// for onnx.checker.

const python = "/usr/bin/python3"

// need skips the test with a message when a real part is missing, except
// under CI=true, where a missing part fails it.
func need(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required under CI=true: %v", what, err)
	}
	t.Skipf("skipping: %s not available (%v); .ci/run installs it", what, err)
}

func ortDir() string {
	if d := os.Getenv("PGRAD_ORT_DIR"); d != "" {
		return d
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(c, "pgrad", "onnxruntime")
}

// runtime returns the node binary and the NODE_PATH under which
// onnxruntime-node is found.
func runtime(t *testing.T) (node, nodePath string) {
	t.Helper()
	node, err := exec.LookPath("node")
	need(t, "Node.js", err)
	mods := filepath.Join(ortDir(), "node_modules")
	_, err = os.Stat(filepath.Join(mods, "onnxruntime-node", "package.json"))
	need(t, "onnxruntime-node (npm install --ignore-scripts --prefix "+ortDir()+" onnxruntime-node)", err)
	return node, mods
}

func checker(t *testing.T) {
	t.Helper()
	err := exec.Command(python, "-c", "import onnx.checker").Run()
	need(t, "python3-onnx ("+python+" -c 'import onnx')", err)
}

// check runs onnx.checker.check_model with full_check (which also runs
// shape inference) on the models at paths, in one Python process.
func check(t *testing.T, paths ...string) {
	t.Helper()
	out, err := exec.Command(python, append([]string{"-c",
		"import onnx, sys\nfor p in sys.argv[1:]: onnx.checker.check_model(onnx.load(p), full_check=True)"}, paths...)...).CombinedOutput()
	if err != nil {
		t.Errorf("onnx.checker rejects one of %v: %v\n%s", paths, err, out)
	}
}

type ortTensor struct {
	Type string    `json:"type"`
	Dims []int     `json:"dims"`
	Data []float64 `json:"data"`
}

// model is an exported file and its element type.
type model struct {
	path string
	dt   onnx.DType
}

// runORT runs each model on the n×d observations obs with ONNX Runtime,
// in one Node.js process, and returns their outputs by name.
func runORT(t *testing.T, obs []float64, n, d int, models ...model) []map[string]ortTensor {
	t.Helper()
	node, nodePath := runtime(t)
	in := filepath.Join(t.TempDir(), "obs.bin")
	b := make([]byte, 0, 8*len(obs))
	for _, v := range obs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "run_ort.js"))
	if err != nil {
		t.Fatal(err)
	}
	args := []string{script, in, itoa(n), itoa(d)}
	for _, m := range models {
		args = append(args, m.path, m.dt.String())
	}
	cmd := exec.Command(node, args...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("onnxruntime-node: %v\n%s", err, stderr.Bytes())
	}
	var res []map[string]ortTensor
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(models) {
		t.Fatalf("onnxruntime-node output: %d results for %d models, %v", len(res), len(models), err)
	}
	return res
}

func itoa(n int) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

// reference is what Go computes for a batch: the deterministic action
// and the probabilities or the mean and σ by the library's Predictor, and
// the logits or the mean and log σ of the policy on the observations that
// the agent's normaliser (if any) gives.
type reference struct {
	action, probs, std          []float64
	logits, mean, logStd, pmean []float64
}

func goReference(t *testing.T, a *deep.Agent, obs []float64, n int) reference {
	t.Helper()
	var r reference
	pr := a.NewPredictor(n)
	r.action = make([]float64, n*a.Policy.ActionWidth())
	if err := pr.Predict(r.action, obs, n); err != nil {
		t.Fatal(err)
	}
	x := obs
	if a.ObsNorm != nil {
		x = make([]float64, len(obs))
		a.ObsNorm.Normalize(x, obs, n)
	}
	switch p := a.Policy.(type) {
	case *mlp.Categorical:
		r.logits = append([]float64(nil), p.Net().Forward(p.Net().NewWorkspace(n), x, n)...)
		r.probs = make([]float64, n*a.Space.ActDim)
		if err := pr.Probs(r.probs, obs, n); err != nil {
			t.Fatal(err)
		}
	case *mlp.Gaussian:
		d := p.ActionWidth()
		r.mean, r.logStd = make([]float64, n*d), make([]float64, n*d)
		p.Dist(p.NewWorkspace(n), x, n, r.mean, r.logStd)
		r.pmean, r.std = make([]float64, n*d), make([]float64, n*d)
		if err := pr.MeanStd(r.pmean, r.std, obs, n); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// softmax returns the row-wise softmax of n×k logits.
func softmax(z []float64, n, k int) []float64 {
	p := make([]float64, len(z))
	for i := range n {
		row := z[i*k : i*k+k]
		m := slices.Max(row)
		var s float64
		for j, v := range row {
			p[i*k+j] = math.Exp(v - m)
			s += p[i*k+j]
		}
		for j := range row {
			p[i*k+j] /= s
		}
	}
	return p
}

func exps(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Exp(v)
	}
	return y
}

// task is one agent to export: a short training of a built-in task (or a
// custom one), with options.
type task struct {
	name   string
	env    string
	change func(*deep.Config)
	steps  int
	scale  float64 // of the random observations
}

var tasks = []task{
	{"cartpole", "cartpole", nil, 20_000, 2},
	{"acrobot-relu", "acrobot", func(c *deep.Config) { c.Activation = "relu" }, 16_384, 2},
	{"pendulum", "pendulum", nil, 16_384, 2},
	{"pendulum-state-std-squash", "pendulum", func(c *deep.Config) { c.StateStd, c.Squash = true, true }, 16_384, 2},
	{"mountaincar", "mountaincar", nil, 8192, 1},
	{"cartpole-norm-obs", "cartpole", func(c *deep.Config) { c.NormObs = true }, 20_000, 2},
	{"pendulum-norm-obs-squash", "pendulum", func(c *deep.Config) { c.NormObs, c.Squash = true, true }, 16_384, 2},
}

func trained(t *testing.T, tk task) *deep.Agent {
	t.Helper()
	cfg, err := deep.Defaults(tk.env, deep.PPO)
	if err != nil {
		t.Fatal(err)
	}
	if tk.change != nil {
		tk.change(&cfg)
	}
	cfg.TotalSteps = max(tk.steps, cfg.Envs*cfg.Steps)
	tr, err := deep.New(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return tr.Agent()
}

func randomObs(seed uint64, n, d int, scale float64) []float64 {
	r := seeded.Rand(seed)
	x := make([]float64, n*d)
	for i := range x {
		x[i] = scale * r.NormFloat64()
	}
	return x
}

// within reports whether got matches want to tol relative to
// max(|want|, 1): an absolute tolerance for values below 1.
func within(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// compare checks one output of ONNX Runtime against Go's values and
// returns the largest error relative to max(|want|, 1).
func compare(t *testing.T, label string, got ortTensor, want []float64, dims []int, tol float64) float64 {
	t.Helper()
	if len(got.Dims) != len(dims) || len(got.Data) != len(want) {
		t.Errorf("%s: shape %v (%d values), want %v (%d)", label, got.Dims, len(got.Data), dims, len(want))
		return math.Inf(1)
	}
	for i := range dims {
		if got.Dims[i] != dims[i] {
			t.Errorf("%s: shape %v, want %v", label, got.Dims, dims)
		}
	}
	worst, bad := 0.0, 0
	for i, w := range want {
		e := math.Abs(got.Data[i]-w) / math.Max(1, math.Abs(w))
		worst = max(worst, e)
		if !(e <= tol) {
			if bad < 3 {
				t.Errorf("%s[%d]: ONNX Runtime %.17g, Go %.17g (error %.3g > %.0e)", label, i, got.Data[i], w, e, tol)
			}
			bad++
		}
	}
	if bad > 3 {
		t.Errorf("%s: %d of %d values off", label, bad, len(want))
	}
	return worst
}

const nObs = 1000

// TestRuntimeMatchesPredict exports each built-in task's agent (short PPO
// trainings, one with ReLU, one with a state-dependent, squashed Gaussian,
// two with observation normalisation, whose statistics the model folds in)
// in float64 and float32, checks each file with onnx.checker, runs it with
// ONNX Runtime on 1,000 random observations and compares every output
// with Go's — the action with Agent's Predictor.Predict, softmax(logits)
// with Probs, mean and exp(log_std) with MeanStd, the logits and log σ
// with the policy's own — to 1e-9 for float64 and 1e-5 for float32, both
// relative to max(|value|, 1). A float32 argmax may differ from Go's only where Go's
// two largest logits are within that tolerance of each other.
func TestRuntimeMatchesPredict(t *testing.T) {
	runtime(t)
	checker(t)
	for _, tk := range tasks {
		t.Run(tk.name, func(t *testing.T) {
			a := trained(t, tk)
			runAgainstRuntime(t, a, randomObs(7, nObs, obsDim(a), tk.scale))
		})
	}
}

func obsDim(a *deep.Agent) int {
	switch p := a.Policy.(type) {
	case *mlp.Categorical:
		return p.Net().In()
	case *mlp.Gaussian:
		return p.Net().In()
	}
	panic("policy")
}

func runAgainstRuntime(t *testing.T, a *deep.Agent, obs []float64) {
	t.Helper()
	n := len(obs) / obsDim(a)
	ref := goReference(t, a, obs, n)
	dir := t.TempDir()
	var models []model
	var paths []string
	for _, dt := range []onnx.DType{onnx.Float64, onnx.Float32} {
		data, err := onnx.Export(a, onnx.Options{DType: dt})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "policy-"+dt.String()+".onnx")
		if err := onnx.WriteFile(path, data); err != nil {
			t.Fatal(err)
		}
		models, paths = append(models, model{path, dt}), append(paths, path)
	}
	check(t, paths...)
	outs := runORT(t, obs, n, obsDim(a), models...)
	for mi, m := range models {
		dt, out := m.dt, outs[mi]
		tol := 1e-9
		if dt == onnx.Float32 {
			tol = 1e-5
		}
		label := func(s string) string { return dt.String() + " " + s }
		switch p := a.Policy.(type) {
		case *mlp.Categorical:
			k := p.Net().Out()
			e := compare(t, label("logits"), out[onnx.OutputLogits], ref.logits, []int{n, k}, tol)
			act := out[onnx.OutputAction]
			if act.Type != "int64" || len(act.Data) != n {
				t.Fatalf("%s: action is %s with %d values, want int64 × %d", dt, act.Type, len(act.Data), n)
			}
			// softmax(ONNX Runtime's logits) are the Predictor's Probs.
			compare(t, label("softmax(logits)"), ortTensor{Dims: out[onnx.OutputLogits].Dims, Data: softmax(out[onnx.OutputLogits].Data, n, k)},
				ref.probs, []int{n, k}, tol)
			ties := 0
			for i := range n {
				if act.Data[i] == ref.action[i] {
					continue
				}
				if dt == onnx.Float32 && nearTie(ref.logits[i*k:i*k+k], tol) {
					ties++
					continue
				}
				t.Errorf("%s: row %d: ONNX Runtime's action %v, Predict's %v (logits %v)", dt, i, act.Data[i], ref.action[i], ref.logits[i*k:i*k+k])
			}
			t.Logf("%s: largest logit error %.2g; %d near-ties", dt, e, ties)
		case *mlp.Gaussian:
			d := p.ActionWidth()
			ea := compare(t, label("action"), out[onnx.OutputAction], ref.action, []int{n, d}, tol)
			em := compare(t, label("mean"), out[onnx.OutputMean], ref.mean, []int{n, d}, tol)
			el := compare(t, label("log_std"), out[onnx.OutputLogStd], ref.logStd, []int{n, d}, tol)
			// The Predictor's MeanStd: the same mean, and σ = exp(log_std).
			compare(t, label("mean (MeanStd)"), out[onnx.OutputMean], ref.pmean, []int{n, d}, tol)
			compare(t, label("exp(log_std)"), ortTensor{Dims: out[onnx.OutputLogStd].Dims, Data: exps(out[onnx.OutputLogStd].Data)}, ref.std, []int{n, d}, tol)
			t.Logf("%s: largest errors: action %.2g, mean %.2g, log σ %.2g", dt, ea, em, el)
		}
	}
}

// nearTie reports whether the two largest logits are within tol (relative
// to max(|logit|, 1)) of each other, so float32 rounding may swap them.
func nearTie(z []float64, tol float64) bool {
	best, second := math.Inf(-1), math.Inf(-1)
	for _, v := range z {
		if v > best {
			best, second = v, best
		} else if v > second {
			second = v
		}
	}
	return best-second <= 2*tol*math.Max(1, math.Abs(best))
}

// An observation normaliser folded into the model: ONNX Runtime's outputs
// on raw observations equal Go's on observations normalised by hand,
// (x − mean)/sqrt(var + eps) clamped to ±clip, with some inputs beyond the
// clamp.
func TestRuntimeNormalizer(t *testing.T) {
	runtime(t)
	checker(t)
	r := seeded.Rand(3)
	pol := mlp.NewGaussianWith(3, 2, []int{16, 16}, nn.Tanh, -0.3, mlp.GaussianOptions{}, r)
	for i := range pol.Net().Params() {
		pol.Net().Params()[i] *= 3 // far from the near-zero initial outputs
	}
	norm := &onnx.Normalizer{Mean: []float64{1, -2, 0.5}, Var: []float64{4, 0.25, 9}, Eps: 1e-8, Clip: 2.5}
	spec := onnx.Spec{Policy: pol, Low: []float64{-1, -2}, High: []float64{1, 2}, Obs: norm}
	obs := randomObs(10, nObs, 3, 4)
	x := make([]float64, len(obs))
	for i, v := range obs {
		j := i % 3
		x[i] = min(max((v-norm.Mean[j])/math.Sqrt(norm.Var[j]+norm.Eps), -norm.Clip), norm.Clip)
	}
	clamped := 0
	for i := range x {
		if math.Abs(x[i]) == norm.Clip {
			clamped++
		}
	}
	if clamped == 0 || clamped == len(x) {
		t.Fatalf("%d of %d inputs clamped: the test does not cover both sides", clamped, len(x))
	}
	mean, ls := make([]float64, 2*nObs), make([]float64, 2*nObs)
	pol.Dist(pol.NewWorkspace(nObs), x, nObs, mean, ls)
	act := make([]float64, 2*nObs)
	pol.EnvActions(act, mean, nObs, spec.Low, spec.High)
	dir := t.TempDir()
	var models []model
	var paths []string
	for _, dt := range []onnx.DType{onnx.Float64, onnx.Float32} {
		b, err := onnx.Encode(spec, onnx.Options{DType: dt})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "norm-"+dt.String()+".onnx")
		if err := onnx.WriteFile(path, b); err != nil {
			t.Fatal(err)
		}
		models, paths = append(models, model{path, dt}), append(paths, path)
	}
	check(t, paths...)
	outs := runORT(t, obs, nObs, 3, models...)
	for mi, m := range models {
		dt, out := m.dt, outs[mi]
		tol := 1e-9
		if dt == onnx.Float32 {
			tol = 1e-5
		}
		dims := []int{nObs, 2}
		ea := compare(t, dt.String()+" action", out[onnx.OutputAction], act, dims, tol)
		em := compare(t, dt.String()+" mean", out[onnx.OutputMean], mean, dims, tol)
		compare(t, dt.String()+" log_std", out[onnx.OutputLogStd], ls, dims, tol)
		t.Logf("%s: %d of %d inputs clamped; largest errors: action %.2g, mean %.2g", dt, clamped, len(x), ea, em)
	}
}
