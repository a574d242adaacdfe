package deep

// pair runs one function on a long-lived helper goroutine while the caller
// does other work, so that a minibatch step can overlap the value
// network's passes with the policy's without starting a goroutine (and
// allocating) per minibatch.
type pair struct {
	work chan func()
	done chan struct{}
}

func newPair() *pair {
	p := &pair{work: make(chan func()), done: make(chan struct{})}
	go func() {
		for f := range p.work {
			f()
			p.done <- struct{}{}
		}
	}()
	return p
}

// run starts f on the helper; wait must follow before the next run.
func (p *pair) run(f func()) { p.work <- f }

// wait blocks until the function given to run has returned.
func (p *pair) wait() { <-p.done }

// close ends the helper goroutine; the pair must not be used afterwards.
func (p *pair) close() {
	if p.work != nil {
		close(p.work)
		p.work = nil
	}
}
