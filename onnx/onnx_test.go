package onnx_test

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/nn"
	"github.com/pgrad/pgrad/onnx"
	"github.com/pgrad/pgrad/onnx/internal/onnxpb"
	"github.com/pgrad/pgrad/policy/mlp"
)

func decode(t *testing.T, b []byte) *onnxpb.ModelProto {
	t.Helper()
	var m onnxpb.ModelProto
	if err := proto.Unmarshal(b, &m); err != nil {
		t.Fatalf("the model does not decode: %v", err)
	}
	return &m
}

// The encoded model declares opset 17 and IR 8, has the documented input
// and outputs with a symbolic batch dimension, uses only the documented
// operators, and stores the parameters exactly (float64) or rounded to
// float32, in the network's layout; encoding is deterministic.
func TestModelStructure(t *testing.T) {
	r := seeded.Rand(1)
	cat := mlp.NewCategorical(4, 3, []int{8, 8}, nn.Tanh, r)
	gau := mlp.NewGaussianWith(3, 2, []int{8}, nn.ReLU, -0.5, mlp.GaussianOptions{StateStd: true, Squash: true}, r)
	allowed := []string{"Gemm", "Tanh", "Relu", "ArgMax", "Max", "Min", "Add", "Mul", "Sub", "Clip", "Shape", "Expand"}
	for _, c := range []struct {
		name    string
		spec    onnx.Spec
		outputs []string
		in      int64
	}{
		{"categorical", onnx.Spec{Policy: cat}, []string{"action", "logits"}, 4},
		{"gaussian", onnx.Spec{Policy: gau, Low: []float64{-1, 0}, High: []float64{1, 2}}, []string{"action", "mean", "log_std"}, 3},
	} {
		for _, dt := range []onnx.DType{onnx.Float32, onnx.Float64} {
			b, err := onnx.Encode(c.spec, onnx.Options{DType: dt})
			if err != nil {
				t.Fatal(err)
			}
			if b2, _ := onnx.Encode(c.spec, onnx.Options{DType: dt}); !slices.Equal(b, b2) {
				t.Errorf("%s %s: two encodings differ", c.name, dt)
			}
			m := decode(t, b)
			if m.GetIrVersion() != 8 || len(m.OpsetImport) != 1 || m.OpsetImport[0].GetVersion() != 17 || m.OpsetImport[0].GetDomain() != "" {
				t.Errorf("%s: IR %d, opsets %v", c.name, m.GetIrVersion(), m.OpsetImport)
			}
			g := m.Graph
			if len(g.Input) != 1 || g.Input[0].GetName() != "obs" {
				t.Fatalf("%s: inputs %v", c.name, g.Input)
			}
			shape := g.Input[0].Type.GetTensorType().Shape.Dim
			if len(shape) != 2 || shape[0].GetDimParam() != "batch" || shape[1].GetDimValue() != c.in {
				t.Errorf("%s: input shape %v", c.name, shape)
			}
			want := onnxpb.TensorProto_FLOAT
			if dt == onnx.Float64 {
				want = onnxpb.TensorProto_DOUBLE
			}
			if got := onnxpb.TensorProto_DataType(g.Input[0].Type.GetTensorType().GetElemType()); got != want {
				t.Errorf("%s %s: input type %v", c.name, dt, got)
			}
			var names []string
			for _, o := range g.Output {
				names = append(names, o.GetName())
			}
			if !slices.Equal(names, c.outputs) {
				t.Errorf("%s: outputs %v, want %v", c.name, names, c.outputs)
			}
			for _, n := range g.Node {
				if !slices.Contains(allowed, n.GetOpType()) {
					t.Errorf("%s: operator %s", c.name, n.GetOpType())
				}
			}
			// The first layer's weights, in the network's in×out layout.
			var w0 *onnxpb.TensorProto
			for _, in := range g.Initializer {
				if in.GetName() == "l0_w" {
					w0 = in
				}
			}
			var net *nn.MLP
			if p, ok := c.spec.Policy.(*mlp.Categorical); ok {
				net = p.Net()
			} else {
				net = c.spec.Policy.(*mlp.Gaussian).Net()
			}
			sz := net.Sizes()
			if w0 == nil || !slices.Equal(w0.Dims, []int64{int64(sz[0]), int64(sz[1])}) {
				t.Fatalf("%s: first-layer weights %v", c.name, w0)
			}
			for i, p := range net.Params()[:sz[0]*sz[1]] {
				var got float64
				if dt == onnx.Float64 {
					got = math.Float64frombits(binary.LittleEndian.Uint64(w0.RawData[8*i:]))
				} else {
					got = float64(math.Float32frombits(binary.LittleEndian.Uint32(w0.RawData[4*i:])))
					p = float64(float32(p))
				}
				if got != p {
					t.Errorf("%s %s: weight %d is %v, want %v", c.name, dt, i, got, p)
					break
				}
			}
		}
	}
}

// Each export that cannot be done is an *onnx.Error naming its field.
func TestEncodeBadInput(t *testing.T) {
	r := seeded.Rand(2)
	gau := mlp.NewGaussian(3, 2, []int{8}, nn.Tanh, 0, r)
	ok := onnx.Spec{Policy: gau, Low: []float64{-1, -1}, High: []float64{1, 1}}
	nan := mlp.NewCategorical(2, 2, []int{4}, nn.Tanh, r)
	nan.Net().Params()[3] = math.NaN()
	huge := mlp.NewCategorical(2, 2, []int{4}, nn.Tanh, r)
	huge.Net().Params()[1] = 1e39
	with := func(f func(*onnx.Spec)) onnx.Spec {
		s := ok
		f(&s)
		return s
	}
	cases := []struct {
		name  string
		spec  onnx.Spec
		dt    onnx.DType
		field string
	}{
		{"no policy", onnx.Spec{}, onnx.Float32, "policy"},
		{"bad dtype", ok, onnx.DType(7), "dtype"},
		{"no bounds", with(func(s *onnx.Spec) { s.Low, s.High = nil, nil }), onnx.Float32, "bounds"},
		{"empty bound", with(func(s *onnx.Spec) { s.Low = []float64{1, -1} }), onnx.Float32, "bounds"},
		{"NaN bound", with(func(s *onnx.Spec) { s.High = []float64{1, math.NaN()} }), onnx.Float32, "bounds"},
		{"NaN parameter", onnx.Spec{Policy: nan}, onnx.Float64, "parameters"},
		{"beyond float32", onnx.Spec{Policy: huge}, onnx.Float32, "parameters"},
		{"normalizer width", with(func(s *onnx.Spec) { s.Obs = &onnx.Normalizer{Mean: []float64{0}, Var: []float64{1}} }), onnx.Float32, "normalizer"},
		{"negative variance", with(func(s *onnx.Spec) {
			s.Obs = &onnx.Normalizer{Mean: []float64{0, 0, 0}, Var: []float64{1, -2, 1}, Eps: 1e-8}
		}), onnx.Float32, "normalizer"},
	}
	for _, c := range cases {
		_, err := onnx.Encode(c.spec, onnx.Options{DType: c.dt})
		var e *onnx.Error
		if !errors.As(err, &e) || e.Field != c.field {
			t.Errorf("%s: error %v, want an *onnx.Error with field %q", c.name, err, c.field)
		}
	}
	if _, err := onnx.Encode(onnx.Spec{Policy: huge}, onnx.Options{DType: onnx.Float64}); err != nil {
		t.Errorf("1e39 in a float64 model: %v", err)
	}
	for _, s := range []string{"float16", "", "Float32"} {
		var e *onnx.Error
		if _, err := onnx.ParseDType(s); !errors.As(err, &e) || e.Field != "dtype" {
			t.Errorf("ParseDType(%q): %v", s, err)
		}
	}
	for _, d := range []onnx.DType{onnx.Float32, onnx.Float64} {
		if got, err := onnx.ParseDType(d.String()); err != nil || got != d {
			t.Errorf("ParseDType(%q) = %v, %v", d.String(), got, err)
		}
	}
}
