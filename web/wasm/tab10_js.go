//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/pgrad/pgrad/lab"
)

func init() { widgets = append(widgets, tabMethods) }

// tabMethods are the bridge methods of the variance lab, the critic and
// the clip widget (see the package comment). Arguments go through the
// shared decoder (args.go); a bad one returns an Error and changes nothing.
func tabMethods(b *bridge) map[string]jsMethod {
	var fv, fc, fm, fp jsFrame
	send := func(f *jsFrame, buf []float64, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return f.send(buf), nil
	}
	const big = 1 << 30 // the sessions check their own ranges and name the setting
	variance := func(a *args) lab.VarianceSettings {
		return lab.VarianceSettings{Estimates: a.count(0, "k", big), Batch: a.count(1, "b", big), Offset: a.float(2, "c"),
			X: a.count(3, "x", big), Y: a.count(4, "y", big)}
	}
	clip := func(a *args) lab.ClipSettings {
		return lab.ClipSettings{Eps: a.float(0, "eps"), Epochs: a.count(1, "k", big), LR: a.float(2, "lr"), Batch: a.count(3, "b", big)}
	}
	return map[string]jsMethod{
		"varianceStart": func(raw []js.Value) (any, error) {
			a := jsArgs("varianceStart", raw)
			s := variance(a)
			s.Uniform = a.optBool(5, "uniform", false)
			if a.err != nil {
				return nil, a.err
			}
			buf, err := b.varianceStart(s)
			return send(&fv, buf, err)
		},
		"varianceSet": func(raw []js.Value) (any, error) {
			a := jsArgs("varianceSet", raw)
			s := variance(a)
			if a.err != nil {
				return nil, a.err
			}
			buf, err := b.varianceSet(s)
			return send(&fv, buf, err)
		},
		"varianceStep": func(raw []js.Value) (any, error) {
			a := jsArgs("varianceStep", raw)
			n := a.count(0, "n", maxEstimateStep)
			if a.err != nil {
				return nil, a.err
			}
			buf, err := b.varianceStep(n)
			return send(&fv, buf, err)
		},
		"criticStep": func(raw []js.Value) (any, error) {
			a := jsArgs("criticStep", raw)
			n := a.count(0, "n", b.maxStep())
			if a.err != nil {
				return nil, a.err
			}
			buf, err := b.criticStep(n)
			return send(&fc, buf, err)
		},
		"criticSet": func(raw []js.Value) (any, error) {
			a := jsArgs("criticSet", raw)
			s := lab.CriticSettings{LR: a.float(0, "lr"), CriticLR: a.float(1, "vlr"), Gamma: a.float(2, "gamma"),
				Lambda: a.float(3, "lambda"), Batch: a.count(4, "batch", big)}
			if a.err != nil {
				return nil, a.err
			}
			buf, err := b.criticSet(s)
			return send(&fc, buf, err)
		},
		"criticReset": func(raw []js.Value) (any, error) {
			buf, err := b.criticReset()
			return send(&fc, buf, err)
		},
		"compareStart": func(raw []js.Value) (any, error) {
			buf, err := b.compareStart()
			return send(&fm, buf, err)
		},
		"compareStep": func(raw []js.Value) (any, error) {
			a := jsArgs("compareStep", raw)
			n := a.count(0, "n", b.maxStep())
			if a.err != nil {
				return nil, a.err
			}
			buf, err := b.compareStep(n)
			return send(&fm, buf, err)
		},
		"compareCommand": func(raw []js.Value) (any, error) {
			a := jsArgs("compareCommand", raw)
			algo, seed := a.count(0, "algo", big), a.count(1, "seed", big)
			if a.err != nil {
				return nil, a.err
			}
			return b.compareCommand(algo, seed)
		},
		"clipStart": func(raw []js.Value) (any, error) {
			a := jsArgs("clipStart", raw)
			s := clip(a)
			s.Uniform = a.optBool(4, "uniform", false)
			if a.err != nil {
				return nil, a.err
			}
			buf, err := b.clipStart(s)
			return send(&fp, buf, err)
		},
		"clipSet": func(raw []js.Value) (any, error) {
			a := jsArgs("clipSet", raw)
			s := clip(a)
			if a.err != nil {
				return nil, a.err
			}
			buf, err := b.clipSet(s)
			return send(&fp, buf, err)
		},
		"clipCollect": func(raw []js.Value) (any, error) {
			buf, err := b.clipCollect()
			return send(&fp, buf, err)
		},
	}
}
