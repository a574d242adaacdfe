package main

import (
	"testing"

	"github.com/pgrad/pgrad/lab"
	"github.com/pgrad/pgrad/web/jsargs"
)

// FuzzSettings drives setSettings' decoding natively (jsargs.Fake values):
// a rejected object leaves the settings exactly as they were, and an
// accepted one changes a field only to its own numeric value.
func FuzzSettings(f *testing.F) {
	f.Add([]byte{7, 2, 0, 3, 3, 5, 1, 4, 3, 2})
	f.Add([]byte{7, 1, 3, 1, 4, 6})
	f.Add([]byte{0x87, 1, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		vals := jsargs.FakeArgs(data, append(settingKeys, "seed"), 1)
		cur := lab.DefaultSettings()
		s, err := settingsFrom(jsargs.NewArgs("setSettings", vals), cur)
		if err != nil {
			if s != cur {
				t.Fatalf("rejected, but returned %+v instead of %+v", s, cur)
			}
			return
		}
		o, _ := vals[0].(*jsargs.Fake)
		if o == nil || o.K != jsargs.Object {
			t.Fatal("settings accepted from a non-object")
		}
		for _, f := range []struct {
			key       string
			got, prev float64
		}{{"lr", s.LR, cur.LR}, {"entropy", s.Entropy, cur.Entropy}, {"gamma", s.Gamma, cur.Gamma}, {"batch", float64(s.Batch), float64(cur.Batch)}} {
			p := o.Props[f.key]
			if p == nil || p.K == jsargs.Undefined {
				if f.got != f.prev {
					t.Fatalf("%s changed to %v without an own value", f.key, f.got)
				}
			} else if p.K != jsargs.Number || f.got != p.N {
				t.Fatalf("%s = %v from %+v", f.key, f.got, p)
			}
		}
	})
}
