//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/pgrad/pgrad/lab"
	"github.com/pgrad/pgrad/web/jsargs"
)

func init() { widgets = append(widgets, tabMethods) }

// tabMethods are the bridge methods of the variance lab, the critic and
// the clip widget (see the package comment). Arguments go through the
// shared decoder (package jsargs); a bad one returns an Error and changes nothing.
func tabMethods(b *bridge) map[string]jsMethod {
	var fv, fc, fm, fp jsFrame
	send := func(f *jsFrame, buf []float64, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return f.send(buf), nil
	}
	// none rejects the arguments of a method that takes none, so that a
	// call with stray values says so instead of acting.
	none := func(method string, raw []js.Value) error {
		a := jsargs.New(method, raw)
		if a.Len() > 0 {
			a.Fail("arguments", "must be none, got %d", a.Len())
		}
		return a.Err
	}
	const big = 1 << 30 // the sessions check their own ranges and name the setting
	variance := func(a *jsargs.Args) lab.VarianceSettings {
		return lab.VarianceSettings{Estimates: a.Count(0, "k", big), Batch: a.Count(1, "b", big), Offset: a.Float(2, "c"),
			X: a.Count(3, "x", big), Y: a.Count(4, "y", big)}
	}
	clip := func(a *jsargs.Args) lab.ClipSettings {
		return lab.ClipSettings{Eps: a.Float(0, "eps"), Epochs: a.Count(1, "k", big), LR: a.Float(2, "lr"), Batch: a.Count(3, "b", big)}
	}
	return map[string]jsMethod{
		"varianceStart": func(raw []js.Value) (any, error) {
			a := jsargs.New("varianceStart", raw)
			s := variance(a)
			s.Uniform = a.OptBool(5, "uniform", false)
			if a.Err != nil {
				return nil, a.Err
			}
			buf, err := b.varianceStart(s)
			return send(&fv, buf, err)
		},
		"varianceSet": func(raw []js.Value) (any, error) {
			a := jsargs.New("varianceSet", raw)
			s := variance(a)
			if a.Err != nil {
				return nil, a.Err
			}
			buf, err := b.varianceSet(s)
			return send(&fv, buf, err)
		},
		"varianceStep": func(raw []js.Value) (any, error) {
			a := jsargs.New("varianceStep", raw)
			n := a.Count(0, "n", maxEstimateStep)
			if a.Err != nil {
				return nil, a.Err
			}
			buf, err := b.varianceStep(n)
			return send(&fv, buf, err)
		},
		"criticStep": func(raw []js.Value) (any, error) {
			a := jsargs.New("criticStep", raw)
			n := a.Count(0, "n", b.maxStep())
			if a.Err != nil {
				return nil, a.Err
			}
			buf, err := b.criticStep(n)
			return send(&fc, buf, err)
		},
		"criticSet": func(raw []js.Value) (any, error) {
			a := jsargs.New("criticSet", raw)
			s := lab.CriticSettings{LR: a.Float(0, "lr"), CriticLR: a.Float(1, "vlr"), Gamma: a.Float(2, "gamma"),
				Lambda: a.Float(3, "lambda"), Batch: a.Count(4, "batch", big)}
			if a.Err != nil {
				return nil, a.Err
			}
			buf, err := b.criticSet(s)
			return send(&fc, buf, err)
		},
		"criticReset": func(raw []js.Value) (any, error) {
			if err := none("criticReset", raw); err != nil {
				return nil, err
			}
			buf, err := b.criticReset()
			return send(&fc, buf, err)
		},
		"compareStart": func(raw []js.Value) (any, error) {
			if err := none("compareStart", raw); err != nil {
				return nil, err
			}
			buf, err := b.compareStart()
			return send(&fm, buf, err)
		},
		"compareStep": func(raw []js.Value) (any, error) {
			a := jsargs.New("compareStep", raw)
			n := a.Count(0, "n", b.maxStep())
			if a.Err != nil {
				return nil, a.Err
			}
			buf, err := b.compareStep(n)
			return send(&fm, buf, err)
		},
		"compareCommand": func(raw []js.Value) (any, error) {
			a := jsargs.New("compareCommand", raw)
			algo, seed := a.Count(0, "algo", big), a.Count(1, "seed", big)
			if a.Err != nil {
				return nil, a.Err
			}
			return b.compareCommand(algo, seed)
		},
		"clipStart": func(raw []js.Value) (any, error) {
			a := jsargs.New("clipStart", raw)
			s := clip(a)
			s.Uniform = a.OptBool(4, "uniform", false)
			if a.Err != nil {
				return nil, a.Err
			}
			buf, err := b.clipStart(s)
			return send(&fp, buf, err)
		},
		"clipSet": func(raw []js.Value) (any, error) {
			a := jsargs.New("clipSet", raw)
			s := clip(a)
			if a.Err != nil {
				return nil, a.Err
			}
			buf, err := b.clipSet(s)
			return send(&fp, buf, err)
		},
		"clipCollect": func(raw []js.Value) (any, error) {
			if err := none("clipCollect", raw); err != nil {
				return nil, err
			}
			buf, err := b.clipCollect()
			return send(&fp, buf, err)
		},
	}
}
