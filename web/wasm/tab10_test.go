package main

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/lab"
)

// TestTabFrames decodes each frame of the three widgets by the layout of
// the package comment and compares it with the sessions' snapshots.
func TestTabFrames(t *testing.T) {
	b, err := newBridge(3)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.step(200); err != nil {
		t.Fatal(err)
	}
	if _, err := b.varianceStep(1); err == nil {
		t.Error("varianceStep before varianceStart was accepted")
	}
	set := lab.DefaultVarianceSettings()
	set.X, set.Y = 24, 25
	f, err := b.varianceStart(set)
	if err != nil {
		t.Fatal(err)
	}
	for f[2] < f[1] {
		if f, err = b.varianceStep(37); err != nil {
			t.Fatal(err)
		}
	}
	var vs lab.VarianceSnapshot
	b.tab.variance.SnapshotInto(&vs)
	if f[0] != kindVariance || int(f[15]) != len(f) || int(f[2]) != vs.Drawn || f[7] != vs.Exact[0] || f[14] != vs.J {
		t.Fatalf("variance header %v", f[:20])
	}
	i := headerLen
	for k, c := range vs.Clouds {
		blk := f[i : i+varianceBlock]
		if blk[0] != float64(c.Baseline) || blk[3] != c.Bias || blk[5] != c.Trace || blk[6] != c.Ratio && !math.IsNaN(c.Ratio) || int(blk[10]) != len(c.Points) {
			t.Errorf("cloud %d: %v vs %+v", k, blk, c)
		}
		i += varianceBlock
	}
	for _, c := range vs.Clouds {
		for _, p := range c.Points {
			if f[i] != p[0] || f[i+1] != p[1] {
				t.Fatalf("point at %d: %v, %v vs %v", i, f[i], f[i+1], p)
			}
			i += 2
		}
	}
	if _, err := b.varianceSet(lab.VarianceSettings{Estimates: 5, Batch: 1, X: 0, Y: 1}); err == nil {
		t.Error("K = 5 was accepted")
	}

	f, err = b.criticStep(500)
	if err != nil {
		t.Fatal(err)
	}
	var cs lab.CriticSnapshot
	b.tab.critic.SnapshotInto(&cs, maxCurve)
	n := int(f[1])
	if f[0] != kindCritic || int(f[15]) != len(f) || int(f[2]) != 500 || f[10] != cs.MaxAbsErr {
		t.Fatalf("critic header %v", f[:20])
	}
	off := headerLen + 4*n*n
	for s := range n * n {
		if f[off+s] != cs.V[s] || f[off+n*n+s] != cs.ExactV[s] {
			t.Errorf("V(%d): %v, %v vs %v, %v", s, f[off+s], f[off+n*n+s], cs.V[s], cs.ExactV[s])
		}
	}
	if _, err := b.criticSet(lab.CriticSettings{LR: 0.5, CriticLR: 2, Gamma: 0.9, Batch: 4}); err == nil {
		t.Error("α_V = 2 was accepted")
	}

	if _, err := b.compareStart(); err != nil {
		t.Fatal(err)
	}
	for f[1] < f[2] {
		if f, err = b.compareStep(5000); err != nil {
			t.Fatal(err)
		}
	}
	blocks := int(f[1])
	curve := b.tab.compare.Curve(nil, 2)
	j := headerLen + 2*4*blocks
	for k, p := range curve {
		if f[j+4*k+1] != p[1] || f[j+4*k+2] != p[2] {
			t.Errorf("ac block %d: %v vs %v", k, f[j+4*k:j+4*k+4], p)
		}
	}
	cmd, err := b.compareCommand(1, 3)
	if err != nil || cmd != b.tab.compare.Command(1, 3) {
		t.Errorf("command %q, %v", cmd, err)
	}
	if _, err := b.compareCommand(3, 1); err == nil {
		t.Error("learner 3 was accepted")
	}

	f, err = b.clipStart(lab.DefaultClipSettings())
	if err != nil {
		t.Fatal(err)
	}
	var ps lab.ClipSnapshot
	b.tab.clip.SnapshotInto(&ps)
	if f[0] != kindClip || int(f[15]) != len(f) || int(f[5]) != ps.Samples || f[9] != ps.PlainWorstJ || int(f[13]) != ps.Cells || int(f[14]) != ps.MixedCells {
		t.Fatalf("clip header %v", f[:20])
	}
	e := headerLen + 3*len(ps.Curve)
	for k, ep := range ps.Plain {
		if f[e+8*k+4] != ep.J || f[e+8*k+6] != ep.MaxRatio {
			t.Errorf("plain epoch %d: %v vs %+v", k, f[e+8*k:e+8*k+8], ep)
		}
	}
	e += 8 * len(ps.Plain)
	for k, ep := range ps.Clip {
		if f[e+8*k+4] != ep.J || f[e+8*k+7] != ep.Clipped {
			t.Errorf("clip epoch %d: %v vs %+v", k, f[e+8*k:e+8*k+8], ep)
		}
	}
	if _, err := b.clipSet(lab.ClipSettings{Eps: 1.5, Epochs: 3, LR: 1, Batch: 2}); err == nil {
		t.Error("ε = 1.5 was accepted")
	}
}
