// Package onnx writes a pgrad policy as an ONNX model, so that a policy
// trained with pg/deep can be deployed with ONNX Runtime or any other ONNX
// runtime, with no Go in the loop.
//
// The model has one input and two outputs (discrete) or three (continuous);
// N, the batch, is dynamic:
//
//	obs       [N, obs_dim]  the raw observations, as the environment gives them
//	action    discrete:   [N] int64, the most likely action (argmax of the logits,
//	                      the first on ties, as Agent.Predict)
//	          continuous: [N, act_dim], the mean clipped to the task's bounds, or
//	                      with a squashed policy low + (tanh(mean)+1)·(high−low)/2
//	logits    [N, k]        (discrete) the unnormalised log-probabilities
//	mean      [N, act_dim]  (continuous) the Gaussian's mean, before clipping or squashing
//	log_std   [N, act_dim]  (continuous) its log standard deviation, per row
//	                        also when it does not depend on the state
//
// An observation normaliser, when the agent has one, is folded into the
// graph in front of the network, so obs is always the raw observation.
//
// The graph uses ONNX opset 17 (IR version 8) and only Gemm, Tanh, Relu,
// ArgMax, Max, Min, Add, Mul, Sub, Clip, Shape and Expand, in float32
// (the default, what runtimes and accelerators expect) or float64. The
// message types are generated from onnx.proto with protoc-gen-go and
// encoded with google.golang.org/protobuf (see internal/onnxpb).
package onnx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/pgrad/pgrad/nn"
	"github.com/pgrad/pgrad/onnx/internal/onnxpb"
	"github.com/pgrad/pgrad/pg/deep"
	"github.com/pgrad/pgrad/policy/mlp"
)

// Opset is the version of the default ONNX operator set the models use,
// and IRVersion the ONNX IR version they declare (ONNX 1.12's).
const (
	Opset     = 17
	IRVersion = 8
)

// The names of the model's input and outputs.
const (
	InputObs     = "obs"
	OutputAction = "action"
	OutputLogits = "logits"
	OutputMean   = "mean"
	OutputLogStd = "log_std"
)

// DType is the floating-point type of a model's tensors.
type DType int

// The element types a model can use.
const (
	Float32 DType = iota
	Float64
)

// String returns "float32" or "float64".
func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return "DType(" + strconv.Itoa(int(d)) + ")"
}

// ParseDType parses "float32" or "float64".
func ParseDType(s string) (DType, error) {
	switch s {
	case "float32":
		return Float32, nil
	case "float64":
		return Float64, nil
	}
	return 0, &Error{Field: "dtype", Err: fmt.Errorf("%q is not float32 or float64", s)}
}

func (d DType) proto() onnxpb.TensorProto_DataType {
	if d == Float64 {
		return onnxpb.TensorProto_DOUBLE
	}
	return onnxpb.TensorProto_FLOAT
}

// Options control an export.
type Options struct {
	DType DType
}

// Normalizer is an observation normalisation folded into the model:
// x ↦ clamp((x − Mean) · (1/sqrt(Var + Eps)), −Clip, Clip) per dimension
// (the factor computed in float64, as deep.RunningStats.Normalize does),
// with no clamping when Clip is 0.
type Normalizer struct {
	Mean, Var []float64
	Eps       float64
	Clip      float64
}

// Spec is what an export needs to know about a policy.
type Spec struct {
	// Policy is a *mlp.Categorical or a *mlp.Gaussian.
	Policy mlp.Policy
	// Low and High bound a Gaussian's actions (required for one).
	Low, High []float64
	// Obs, if not nil, normalises the observations first.
	Obs *Normalizer
	// Name names the graph; Meta is written as the model's metadata.
	Name string
	Meta map[string]string
}

// An Error is an export that cannot be done; Field names what is wrong
// ("policy", "bounds", "normalizer", "dtype", "parameters").
type Error struct {
	Field string
	Err   error
}

func (e *Error) Error() string { return "onnx: " + e.Field + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// AgentSpec describes a trained agent for Encode: its policy, its task's
// action bounds and, when it has one, its observation normaliser.
func AgentSpec(a *deep.Agent) (Spec, error) {
	if a == nil || a.Policy == nil {
		return Spec{}, &Error{Field: "policy", Err: errors.New("no policy")}
	}
	s := Spec{Policy: a.Policy, Name: "pgrad_" + a.Config.Env + "_" + a.Config.Algo,
		Meta: map[string]string{"pgrad.env": a.Config.Env, "pgrad.algo": a.Config.Algo}}
	if _, ok := a.Policy.(*mlp.Gaussian); ok {
		s.Low, s.High = a.Space.Low, a.Space.High
	}
	s.Obs = agentNormalizer(a)
	return s, nil
}

// agentNormalizer returns the agent's observation normaliser (with
// Config.NormObs), with pg/deep's ε and clip, or nil.
func agentNormalizer(a *deep.Agent) *Normalizer {
	if a.ObsNorm == nil {
		return nil
	}
	return &Normalizer{Mean: a.ObsNorm.Mean, Var: a.ObsNorm.Var, Eps: deep.NormEps, Clip: deep.NormClip}
}

// Export returns the ONNX model of a trained agent's policy.
func Export(a *deep.Agent, opt Options) ([]byte, error) {
	s, err := AgentSpec(a)
	if err != nil {
		return nil, err
	}
	return Encode(s, opt)
}

// WriteFile writes data to path atomically: to a temporary file in the
// same directory that is then renamed over path. An error is an
// *os.PathError naming path.
func WriteFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".onnx-*")
	if err != nil {
		return &os.PathError{Op: "write", Path: path, Err: underlying(err)}
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return &os.PathError{Op: "write", Path: path, Err: underlying(err)}
	}
	return nil
}

// underlying returns the error inside an *os.PathError or *os.LinkError
// (which name the temporary file), else err.
func underlying(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// Encode returns the ONNX model of s, serialised.
func Encode(s Spec, opt Options) ([]byte, error) {
	m, err := build(s, opt)
	if err != nil {
		return nil, err
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// graph accumulates nodes and initializers with unique names.
type graph struct {
	dt    DType
	nodes []*onnxpb.NodeProto
	inits []*onnxpb.TensorProto
	err   error
}

// tensor adds an initializer of the given shape and returns its name. The
// values are rounded to the model's type; one that overflows float32 is an
// error.
func (g *graph) tensor(name string, dims []int64, v []float64) string {
	t := &onnxpb.TensorProto{Name: proto.String(name), Dims: dims, DataType: proto.Int32(int32(g.dt.proto()))}
	var b []byte
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			g.fail(&Error{Field: "parameters", Err: fmt.Errorf("%s holds %v", name, x)})
		}
		if g.dt == Float64 {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		} else {
			f := float32(x)
			if math.IsInf(float64(f), 0) {
				g.fail(&Error{Field: "parameters", Err: fmt.Errorf("%s holds %g, beyond float32's range (use -dtype float64)", name, x)})
			}
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
		}
	}
	t.RawData = b
	g.inits = append(g.inits, t)
	return name
}

func (g *graph) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}

// node adds a node of op and returns its first output's name.
func (g *graph) node(op string, inputs []string, out string, attrs ...*onnxpb.AttributeProto) string {
	g.nodes = append(g.nodes, &onnxpb.NodeProto{
		OpType: proto.String(op), Name: proto.String(out + "_" + op),
		Input: inputs, Output: []string{out}, Attribute: attrs,
	})
	return out
}

func intAttr(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

// valueInfo describes a tensor of type dt whose first dimension is the
// dynamic batch and whose others are given.
func valueInfo(name string, dt onnxpb.TensorProto_DataType, dims ...int64) *onnxpb.ValueInfoProto {
	shape := &onnxpb.TensorShapeProto{Dim: []*onnxpb.TensorShapeProto_Dimension{
		{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "batch"}},
	}}
	for _, d := range dims {
		shape.Dim = append(shape.Dim, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: d}})
	}
	return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: &onnxpb.TypeProto{
		Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(int32(dt)), Shape: shape}},
	}}
}

// layers writes the dense layers of net applied to x, all but the last
// followed by the hidden activation, and returns the last hidden
// activation's name and the last layer's weights (in×out, row-major) and
// biases, which the caller turns into the heads.
func (g *graph) layers(net *nn.MLP, x string) (h string, w, b []float64) {
	sizes := net.Sizes()
	p := net.Params()
	off := 0
	L := len(sizes) - 1
	for l := range L {
		in, out := sizes[l], sizes[l+1]
		w, b = p[off:off+in*out], p[off+in*out:off+in*out+out]
		off += in*out + out
		if l == L-1 {
			break
		}
		name := "l" + strconv.Itoa(l)
		y := g.gemm(name, x, w, b, in, out, "")
		switch net.Hidden() {
		case nn.Tanh:
			y = g.node("Tanh", []string{y}, name+"_tanh")
		case nn.ReLU:
			y = g.node("Relu", []string{y}, name+"_relu")
		case nn.Identity:
		default:
			g.fail(&Error{Field: "policy", Err: fmt.Errorf("activation %v", net.Hidden())})
		}
		x = y
	}
	return x, w, b
}

// gemm adds y = x·W + b for W in×out row-major (Gemm's B layout), its
// initializers named after name, and returns y's name: y, or name_gemm
// when y is empty.
func (g *graph) gemm(name, x string, w, b []float64, in, out int, y string) string {
	wn := g.tensor(name+"_w", []int64{int64(in), int64(out)}, w)
	bn := g.tensor(name+"_b", []int64{int64(out)}, b)
	if y == "" {
		y = name + "_gemm"
	}
	return g.node("Gemm", []string{x, wn, bn}, y)
}

// columns returns columns [from, to) of the in×out row-major matrix w.
func columns(w []float64, in, out, from, to int) []float64 {
	c := make([]float64, 0, in*(to-from))
	for i := range in {
		c = append(c, w[i*out+from:i*out+to]...)
	}
	return c
}

func build(s Spec, opt Options) (*onnxpb.ModelProto, error) {
	if opt.DType != Float32 && opt.DType != Float64 {
		return nil, &Error{Field: "dtype", Err: fmt.Errorf("unknown type %v", opt.DType)}
	}
	g := &graph{dt: opt.DType}
	var net *nn.MLP
	switch p := s.Policy.(type) {
	case *mlp.Categorical:
		net = p.Net()
	case *mlp.Gaussian:
		net = p.Net()
	default:
		return nil, &Error{Field: "policy", Err: fmt.Errorf("cannot export a policy of type %T", s.Policy)}
	}
	obsDim := net.In()
	x := InputObs
	if n := s.Obs; n != nil {
		if len(n.Mean) != obsDim || len(n.Var) != obsDim {
			return nil, &Error{Field: "normalizer", Err: fmt.Errorf("%d means and %d variances for %d-wide observations", len(n.Mean), len(n.Var), obsDim)}
		}
		inv := make([]float64, obsDim)
		for i, v := range n.Var {
			std := math.Sqrt(v + n.Eps)
			if !(std > 0) || math.IsInf(std, 0) {
				return nil, &Error{Field: "normalizer", Err: fmt.Errorf("variance %v + eps %v in dimension %d", v, n.Eps, i)}
			}
			inv[i] = 1 / std
		}
		if !(n.Clip >= 0) || math.IsInf(n.Clip, 0) {
			return nil, &Error{Field: "normalizer", Err: fmt.Errorf("clip %v", n.Clip)}
		}
		d := []int64{int64(obsDim)}
		x = g.node("Sub", []string{x, g.tensor("obs_mean", d, n.Mean)}, "obs_centred")
		x = g.node("Mul", []string{x, g.tensor("obs_inv_std", d, inv)}, "obs_scaled")
		if n.Clip > 0 {
			x = g.node("Clip", []string{x, g.tensor("obs_clip_low", nil, []float64{-n.Clip}), g.tensor("obs_clip_high", nil, []float64{n.Clip})}, "obs_normalised")
		}
	}
	h, w, b := g.layers(net, x)
	sizes := net.Sizes()
	in, out := sizes[len(sizes)-2], net.Out()
	dt := g.dt.proto()
	var outputs []*onnxpb.ValueInfoProto
	switch p := s.Policy.(type) {
	case *mlp.Categorical:
		g.gemm("logits", h, w, b, in, out, OutputLogits)
		g.node("ArgMax", []string{OutputLogits}, OutputAction, intAttr("axis", 1), intAttr("keepdims", 0))
		outputs = []*onnxpb.ValueInfoProto{valueInfo(OutputAction, onnxpb.TensorProto_INT64), valueInfo(OutputLogits, dt, int64(out))}
	case *mlp.Gaussian:
		d := p.ActionWidth()
		if len(s.Low) != d || len(s.High) != d {
			return nil, &Error{Field: "bounds", Err: fmt.Errorf("%d lower and %d upper bounds for %d-dimensional actions", len(s.Low), len(s.High), d)}
		}
		for j := range d {
			if !(s.Low[j] < s.High[j]) || math.IsInf(s.High[j]-s.Low[j], 0) {
				return nil, &Error{Field: "bounds", Err: fmt.Errorf("dimension %d: [%v, %v]", j, s.Low[j], s.High[j])}
			}
		}
		if p.Options().StateStd {
			g.gemm(OutputMean, h, columns(w, in, out, 0, d), b[:d], in, d, OutputMean)
			g.gemm(OutputLogStd, h, columns(w, in, out, d, 2*d), b[d:], in, d, OutputLogStd)
		} else {
			g.gemm(OutputMean, h, w, b, in, d, OutputMean)
			shape := g.node("Shape", []string{OutputMean}, "mean_shape")
			g.node("Expand", []string{g.tensor("log_std_param", []int64{int64(d)}, p.LogStd()), shape}, OutputLogStd)
		}
		dims := []int64{int64(d)}
		if p.Options().Squash {
			// low + (tanh(mean)+1)·(high−low)/2, as mlp.Squash.
			half := make([]float64, d)
			for j := range half {
				half[j] = 0.5 * (s.High[j] - s.Low[j])
			}
			t := g.node("Tanh", []string{OutputMean}, "mean_tanh")
			t = g.node("Add", []string{t, g.tensor("one", nil, []float64{1})}, "mean_tanh_1")
			t = g.node("Mul", []string{t, g.tensor("half_range", dims, half)}, "mean_scaled")
			g.node("Add", []string{t, g.tensor("action_low", dims, s.Low)}, OutputAction)
		} else {
			t := g.node("Max", []string{OutputMean, g.tensor("action_low", dims, s.Low)}, "mean_above_low")
			g.node("Min", []string{t, g.tensor("action_high", dims, s.High)}, OutputAction)
		}
		outputs = []*onnxpb.ValueInfoProto{valueInfo(OutputAction, dt, int64(d)), valueInfo(OutputMean, dt, int64(d)), valueInfo(OutputLogStd, dt, int64(d))}
	}
	if g.err != nil {
		return nil, g.err
	}
	name := s.Name
	if name == "" {
		name = "pgrad_policy"
	}
	m := &onnxpb.ModelProto{
		IrVersion:       proto.Int64(IRVersion),
		OpsetImport:     []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(Opset)}},
		ProducerName:    proto.String("pgrad"),
		ProducerVersion: proto.String("1"),
		DocString:       proto.String("A pgrad policy: obs → action and the distribution's parameters (see github.com/pgrad/pgrad/onnx)."),
		Graph: &onnxpb.GraphProto{
			Name:        proto.String(name),
			Node:        g.nodes,
			Initializer: g.inits,
			Input:       []*onnxpb.ValueInfoProto{valueInfo(InputObs, dt, int64(obsDim))},
			Output:      outputs,
		},
	}
	for _, k := range slices.Sorted(maps.Keys(s.Meta)) {
		m.MetadataProps = append(m.MetadataProps, &onnxpb.StringStringEntryProto{Key: proto.String(k), Value: proto.String(s.Meta[k])})
	}
	return m, nil
}
