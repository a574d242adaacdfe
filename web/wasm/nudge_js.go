//go:build js && wasm

package main

import "syscall/js"

func init() { widgets = append(widgets, nudgeMethods) }

// nudgeMethods are the nudge view's bridge methods.
func nudgeMethods(b *bridge) map[string]jsMethod {
	var frame jsFrame
	return map[string]jsMethod{
		"nudge": func(raw []js.Value) (any, error) {
			a := jsArgs("nudge", raw)
			fromLab := a.optBool(0, "fromLab", false)
			if a.err != nil {
				return nil, a.err
			}
			f, err := b.nudgeRollout(fromLab)
			if err != nil {
				return nil, err
			}
			return frame.send(f), nil
		},
	}
}
