package main

import "github.com/pgrad/pgrad/web/jsargs"

// Every method of the bridge reads its arguments through package jsargs
// (see its doc for how a new method uses it); this file holds what is the
// bridge's own: the settings object.

// settingKeys are the keys setSettings and setFieldSettings take.
var settingKeys = []string{"lr", "baseline", "entropy", "batch", "gamma", "credit"}

var settingHints = map[string]string{"seed": "; the seed changes with restart(seed)"}

// maxBatch bounds a batch read from the page (lab checks the real range).
const maxBatch = 1 << 53

// settingsFrom overlays the own keys of argument 0 on cur. A key it does
// not know is an error, not ignored: {learningRate: 1} would otherwise
// change nothing and say nothing. Inherited properties are not read. On
// error it returns cur.
func settingsFrom(a *jsargs.Args, cur settings) (settings, error) {
	o := a.Object(0, "settings", settingKeys, settingHints)
	s := cur
	o.Float("lr", &s.LR)
	o.Float("entropy", &s.Entropy)
	o.Float("gamma", &s.Gamma)
	o.Count("batch", &s.Batch, maxBatch)
	o.Str("baseline", &s.Baseline)
	o.Str("credit", &s.Credit)
	if a.Err != nil {
		return cur, a.Err
	}
	return s, nil
}
