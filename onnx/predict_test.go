package onnx_test

import (
	"github.com/pgrad/pgrad/pg/deep"
	"github.com/pgrad/pgrad/policy/mlp"
)

// predict is the deterministic action of one observation (until
// Agent.Predict lands: the most likely action, or the mean through
// EnvActions).
func predict(a *deep.Agent, obs []float64) ([]float64, error) {
	p := a.Policy
	ws := p.NewWorkspace(1)
	act, logp := make([]float64, p.ActionWidth()), make([]float64, 1)
	p.Act(ws, obs, 1, nil, true, act, logp)
	if g, ok := p.(*mlp.Gaussian); ok {
		g.EnvActions(act, act, 1, a.Space.Low, a.Space.High)
	}
	return act, nil
}
