//go:build js && wasm

package main

import "syscall/js"

func init() { widgets = append(widgets, nudgeMethods) }

// nudgeMethods are the nudge view's bridge methods.
func nudgeMethods(b *bridge) map[string]jsMethod {
	var frame jsFrame
	return map[string]jsMethod{
		"nudge": func(a []js.Value) (any, error) {
			fromLab := false
			if len(a) > 0 && !a[0].IsUndefined() {
				if a[0].Type() != js.TypeBoolean {
					return nil, errorf("nudge: fromLab must be true or false")
				}
				fromLab = a[0].Bool()
			}
			f, err := b.nudgeRollout(fromLab)
			if err != nil {
				return nil, err
			}
			return frame.send(f), nil
		},
	}
}
