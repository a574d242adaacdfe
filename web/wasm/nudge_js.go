//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/pgrad/pgrad/web/jsargs"
)

func init() { widgets = append(widgets, nudgeMethods) }

// nudgeMethods are the nudge view's bridge methods.
func nudgeMethods(b *bridge) map[string]jsMethod {
	var frame jsFrame
	return map[string]jsMethod{
		"nudge": func(raw []js.Value) (any, error) {
			a := jsargs.New("nudge", raw)
			fromLab := a.OptBool(0, "fromLab", false)
			if a.Err != nil {
				return nil, a.Err
			}
			f, err := b.nudgeRollout(fromLab)
			if err != nil {
				return nil, err
			}
			return frame.send(f), nil
		},
	}
}
