//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/pgrad/pgrad/lab/neural"
	"github.com/pgrad/pgrad/web/jsargs"
)

func main() {
	b, err := newBridge()
	if err != nil {
		js.Global().Get("console").Call("error", "pgrad: "+err.Error())
		return
	}
	js.Global().Set("pgradDeepCore", b.object())
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("pgrad-deep-ready"))
	select {}
}

// jsFrame mirrors the Go frame buffer in one JS Float64Array, replaced only
// when the frame outgrows it.
type jsFrame struct {
	bytes js.Value
	f64   js.Value
	slots int
}

func (f *jsFrame) send(buf []float64) js.Value {
	if f.slots < cap(buf) {
		ab := js.Global().Get("ArrayBuffer").New(cap(buf) * 8)
		f.bytes = js.Global().Get("Uint8Array").New(ab)
		f.f64 = js.Global().Get("Float64Array").New(ab)
		f.slots = cap(buf)
	}
	js.CopyBytesToJS(f.bytes, float64Bytes(buf[:cap(buf)]))
	return f.f64
}

// object builds pgradDeepCore, one js.Func per method.
func (b *bridge) object() js.Value {
	var fr jsFrame
	frame := func(k, watch, from int) (any, error) {
		buf, err := b.frame(k, watch, from)
		if err != nil {
			return nil, err
		}
		return fr.send(buf), nil
	}
	methods := map[string]func([]js.Value) (any, error){
		"configure": func(a []js.Value) (any, error) {
			set, err := settingsArg(a)
			if err != nil {
				return nil, err
			}
			if err := b.configure(set); err != nil {
				return nil, err
			}
			return frame(0, -1, 0)
		},
		"iterate": func(a []js.Value) (any, error) {
			n, err := wholeArg(a, 0, "iterate", "n", 0, maxIterate)
			if err != nil {
				return nil, err
			}
			from, err := wholeArg(a, 1, "iterate", "from", 0, 1<<30)
			if err != nil {
				return nil, err
			}
			if from > len(b.s.Curve()) {
				return nil, errorf("iterate: from must be a curve index from 0 to %d, not %d", len(b.s.Curve()), from)
			}
			if err := b.iterate(n); err != nil {
				return nil, err
			}
			return frame(0, b.s.Watching(), from)
		},
		"frame": func(a []js.Value) (any, error) {
			k, err := wholeArg(a, 0, "frame", "k", 0, maxPlay)
			if err != nil {
				return nil, err
			}
			w, err := wholeArg(a, 1, "frame", "watch", -1, 1<<30)
			if err != nil {
				return nil, err
			}
			from, err := wholeArg(a, 2, "frame", "from", 0, 1<<30)
			if err != nil {
				return nil, err
			}
			return frame(k, w, from)
		},
		"defaults": func(raw []js.Value) (any, error) {
			a := jsargs.New("defaults", raw)
			env, algo := a.String(0, "env"), a.String(1, "algo")
			if a.Err != nil {
				return nil, a.Err
			}
			s, err := neural.Defaults(env, algo)
			if err != nil {
				return nil, errorf("defaults: %v", err)
			}
			return map[string]any{"seed": float64(s.Seed), "lr": s.LR, "hidden": float64(s.Hidden)}, nil
		},
		"command": func(a []js.Value) (any, error) {
			done, _ := b.s.Iterations()
			return b.s.Settings().Command(done), nil
		},
	}
	obj := js.Global().Get("Object").New()
	for name, m := range methods {
		// jsargs.Func: an error is a JS Error, a panic too (never the end
		// of the Go program).
		obj.Set(name, jsargs.Func(name, m))
	}
	return obj
}

// wholeArg reads a[i] as a whole number from lo to hi, through jsargs
// (which no JS value makes panic).
func wholeArg(raw []js.Value, i int, method, name string, lo, hi int) (int, error) {
	a := jsargs.New(method, raw)
	n := a.Whole(i, name, lo, hi)
	return n, a.Err
}

var settingKeys = []string{"env", "algo", "seed", "lr", "hidden"}

// settingsArg reads {env, algo, seed, lr, hidden}: all five, nothing else,
// own enumerable data properties only (through jsargs).
func settingsArg(raw []js.Value) (neural.Settings, error) {
	var s neural.Settings
	a := jsargs.New("configure", raw)
	o := a.Object(0, "settings", settingKeys, nil)
	o.Require(settingKeys...)
	o.Str("env", &s.Env)
	o.Str("algo", &s.Algo)
	var seed int
	o.Count("seed", &seed, jsargs.MaxSeed)
	s.Seed = uint64(seed)
	o.Float("lr", &s.LR)
	var h float64
	o.Float("hidden", &h)
	if a.Err != nil {
		return s, a.Err
	}
	// Range errors (a negative or huge width) come from neural with the
	// field's name; here only what an int cannot hold.
	if h < -1<<31 || h > 1<<31 {
		return s, errorf("configure: hidden must be a whole number from 1 to %d, not %v", neural.MaxHidden, h)
	}
	if h != float64(int(h)) {
		return s, errorf("configure: hidden must be a whole number, not %v", h)
	}
	s.Hidden = int(h)
	return s, nil
}
