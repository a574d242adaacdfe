//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/pgrad/pgrad/lab"
)

func init() { widgets = append(widgets, tabMethods) }

// boolArg reads args[i] as true or false; undefined is false.
func boolArg(args []js.Value, i int, method, name string) (bool, error) {
	if i >= len(args) || args[i].IsUndefined() {
		return false, nil
	}
	if args[i].Type() != js.TypeBoolean {
		return false, errorf("%s: %s must be true or false", method, name)
	}
	return args[i].Bool(), nil
}

// argList decodes positional arguments: each entry of dst is a *int,
// *float64 or *bool, read from args in order.
func argList(args []js.Value, method string, names []string, dst ...any) error {
	for i, d := range dst {
		var err error
		switch p := d.(type) {
		case *int:
			*p, err = intArg(args, i, method, names[i])
		case *float64:
			*p, err = floatArg(args, i, method, names[i])
		case *bool:
			*p, err = boolArg(args, i, method, names[i])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// tabMethods are the bridge methods of the variance lab, the critic and
// the clip widget (see the package comment).
func tabMethods(b *bridge) map[string]jsMethod {
	var fv, fc, fm, fp jsFrame
	send := func(f *jsFrame) func([]float64, error) (any, error) {
		return func(buf []float64, err error) (any, error) {
			if err != nil {
				return nil, err
			}
			return f.send(buf), nil
		}
	}
	variance := func(method string, a []js.Value, withUniform bool) (lab.VarianceSettings, error) {
		var s lab.VarianceSettings
		names := []string{"k", "b", "c", "x", "y", "uniform"}
		dst := []any{&s.Estimates, &s.Batch, &s.Offset, &s.X, &s.Y}
		if withUniform {
			dst = append(dst, &s.Uniform)
		}
		return s, argList(a, method, names, dst...)
	}
	clip := func(method string, a []js.Value, withUniform bool) (lab.ClipSettings, error) {
		var s lab.ClipSettings
		dst := []any{&s.Eps, &s.Epochs, &s.LR, &s.Batch}
		if withUniform {
			dst = append(dst, &s.Uniform)
		}
		return s, argList(a, method, []string{"eps", "k", "lr", "b", "uniform"}, dst...)
	}
	return map[string]jsMethod{
		"varianceStart": func(a []js.Value) (any, error) {
			s, err := variance("varianceStart", a, true)
			if err != nil {
				return nil, err
			}
			return send(&fv)(b.varianceStart(s))
		},
		"varianceSet": func(a []js.Value) (any, error) {
			s, err := variance("varianceSet", a, false)
			if err != nil {
				return nil, err
			}
			return send(&fv)(b.varianceSet(s))
		},
		"varianceStep": func(a []js.Value) (any, error) {
			n, err := intArg(a, 0, "varianceStep", "n")
			if err != nil {
				return nil, err
			}
			return send(&fv)(b.varianceStep(n))
		},
		"criticStep": func(a []js.Value) (any, error) {
			n, err := intArg(a, 0, "criticStep", "n")
			if err != nil {
				return nil, err
			}
			return send(&fc)(b.criticStep(n))
		},
		"criticSet": func(a []js.Value) (any, error) {
			var s lab.CriticSettings
			if err := argList(a, "criticSet", []string{"lr", "vlr", "gamma", "lambda", "batch"}, &s.LR, &s.CriticLR, &s.Gamma, &s.Lambda, &s.Batch); err != nil {
				return nil, err
			}
			return send(&fc)(b.criticSet(s))
		},
		"criticReset":  func(a []js.Value) (any, error) { return send(&fc)(b.criticReset()) },
		"compareStart": func(a []js.Value) (any, error) { return send(&fm)(b.compareStart()) },
		"compareStep": func(a []js.Value) (any, error) {
			n, err := intArg(a, 0, "compareStep", "n")
			if err != nil {
				return nil, err
			}
			return send(&fm)(b.compareStep(n))
		},
		"compareCommand": func(a []js.Value) (any, error) {
			var algo, seed int
			if err := argList(a, "compareCommand", []string{"algo", "seed"}, &algo, &seed); err != nil {
				return nil, err
			}
			return b.compareCommand(algo, seed)
		},
		"clipStart": func(a []js.Value) (any, error) {
			s, err := clip("clipStart", a, true)
			if err != nil {
				return nil, err
			}
			return send(&fp)(b.clipStart(s))
		},
		"clipSet": func(a []js.Value) (any, error) {
			s, err := clip("clipSet", a, false)
			if err != nil {
				return nil, err
			}
			return send(&fp)(b.clipSet(s))
		},
		"clipCollect": func(a []js.Value) (any, error) { return send(&fp)(b.clipCollect()) },
	}
}
