package deep

import "testing"

// BenchmarkPairHandoff measures one run/wait round trip with no work: the
// synchronisation cost each minibatch pays for overlapping the networks.
func BenchmarkPairHandoff(b *testing.B) {
	var p pair
	defer p.close()
	n := 0
	f := func() { n++ }
	for b.Loop() {
		p.run(f)
		p.wait()
	}
	if n != b.N {
		b.Fatalf("%d runs for %d iterations", n, b.N)
	}
}
