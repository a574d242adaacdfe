package lab

// A ring keeps the last values added to it, up to a fixed number; adding
// to a full ring replaces the oldest. Its slots are reused, so a value that
// holds slices can be rewritten in place without allocating.
type ring[T any] struct {
	buf     []T
	n, next int // values held, and the slot the next add takes
}

func newRing[T any](size int) ring[T] { return ring[T]{buf: make([]T, size)} }

// add returns the slot of a new value, the newest from now on, and whether
// the slot still holds the oldest value (the ring was full), which the
// caller overwrites.
func (r *ring[T]) add() (slot *T, evicted bool) {
	slot, evicted = &r.buf[r.next], r.n == len(r.buf)
	if !evicted {
		r.n++
	}
	r.next = (r.next + 1) % len(r.buf)
	return slot, evicted
}

// len returns the number of values held.
func (r *ring[T]) len() int { return r.n }

// at returns the i-th value held, oldest first (0 ≤ i < len).
func (r *ring[T]) at(i int) *T { return &r.buf[(r.next-r.n+i+len(r.buf))%len(r.buf)] }

// clear forgets every value; the slots keep what they hold, for reuse.
func (r *ring[T]) clear() { r.n, r.next = 0, 0 }
