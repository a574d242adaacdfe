package lab

import "testing"

func TestRingKeepsTheLastValuesOldestFirst(t *testing.T) {
	r := newRing[int](3)
	for v := 1; v <= 5; v++ {
		slot, evicted := r.add()
		if want := v > 3; evicted != want || (evicted && *slot != v-3) {
			t.Fatalf("add %d: evicted %v holding %d, want %v", v, evicted, *slot, want)
		}
		*slot = v
	}
	if r.len() != 3 || *r.at(0) != 3 || *r.at(1) != 4 || *r.at(2) != 5 {
		t.Fatalf("len %d, values %d %d %d; want 3: 3 4 5", r.len(), *r.at(0), *r.at(1), *r.at(2))
	}
	r.clear()
	if slot, evicted := r.add(); r.len() != 1 || evicted {
		t.Fatalf("after clear: len %d, evicted %v (slot %d)", r.len(), evicted, *slot)
	}
}
