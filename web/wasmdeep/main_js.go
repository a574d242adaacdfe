//go:build js && wasm

package main

import (
	"slices"
	"strings"
	"syscall/js"

	"github.com/pgrad/pgrad/lab/neural"
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
		"defaults": func(a []js.Value) (any, error) {
			if len(a) < 2 || a[0].Type() != js.TypeString || a[1].Type() != js.TypeString {
				return nil, errorf("defaults needs two strings: env and algo")
			}
			s, err := neural.Defaults(a[0].String(), a[1].String())
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
		obj.Set(name, js.FuncOf(func(this js.Value, args []js.Value) any {
			v, err := m(args)
			if err != nil {
				return js.Global().Get("Error").New(err.Error())
			}
			return v
		}))
	}
	return obj
}

func wholeArg(a []js.Value, i int, method, name string, lo, hi int) (int, error) {
	if i >= len(a) || a[i].Type() != js.TypeNumber {
		return 0, errorf("%s: %s must be a number", method, name)
	}
	return checkWhole(method, name, a[i].Float(), lo, hi)
}

var settingKeys = []string{"env", "algo", "seed", "lr", "hidden"}

// settingsArg reads {env, algo, seed, lr, hidden}: all five, nothing else.
func settingsArg(a []js.Value) (neural.Settings, error) {
	var s neural.Settings
	if len(a) < 1 || a[0].Type() != js.TypeObject {
		return s, errorf("configure needs an object {env, algo, seed, lr, hidden}")
	}
	o := a[0]
	keys := js.Global().Get("Object").Call("keys", o)
	for i := range keys.Length() {
		if k := keys.Index(i).String(); !slices.Contains(settingKeys, k) {
			return s, errorf("configure: unknown setting %q (known: %s)", k, strings.Join(settingKeys, ", "))
		}
	}
	str := func(k string) (string, error) {
		if v := o.Get(k); v.Type() == js.TypeString {
			return v.String(), nil
		}
		return "", errorf("configure: %s must be a string", k)
	}
	numb := func(k string) (float64, error) {
		if v := o.Get(k); v.Type() == js.TypeNumber {
			return v.Float(), nil
		}
		return 0, errorf("configure: %s must be a number", k)
	}
	var err error
	if s.Env, err = str("env"); err != nil {
		return s, err
	}
	if s.Algo, err = str("algo"); err != nil {
		return s, err
	}
	seed, err := numb("seed")
	if err != nil {
		return s, err
	}
	sd, err := checkWhole("configure", "seed", seed, 0, 1<<53)
	if err != nil {
		return s, err
	}
	s.Seed = uint64(sd)
	if s.LR, err = numb("lr"); err != nil {
		return s, err
	}
	h, err := numb("hidden")
	if err != nil {
		return s, err
	}
	// Range errors (a negative or huge width, NaN) come from neural with
	// the field's name; here only what an int cannot hold.
	if h != h || h < -1<<31 || h > 1<<31 {
		return s, errorf("configure: hidden must be a whole number from 1 to %d, not %v", neural.MaxHidden, h)
	}
	if h != float64(int(h)) {
		return s, errorf("configure: hidden must be a whole number, not %v", h)
	}
	s.Hidden = int(h)
	return s, nil
}
