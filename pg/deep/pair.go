package deep

// pair runs one function on a long-lived helper goroutine while the caller
// does other work, so that a minibatch step can overlap the value
// network's passes with the policy's without starting a goroutine (and
// allocating) per minibatch. The helper starts on first use and again
// after close, so a closed pair stays usable. A serial pair runs the
// function at once on the caller's goroutine instead.
type pair struct {
	serial bool
	work   chan func()
	done   chan struct{}
}

func (p *pair) start() {
	p.work, p.done = make(chan func()), make(chan struct{})
	work, done := p.work, p.done
	go func() {
		for f := range work {
			f()
			done <- struct{}{}
		}
	}()
}

// run starts f on the helper; wait must follow before the next run.
func (p *pair) run(f func()) {
	if p.serial {
		f()
		return
	}
	if p.work == nil {
		p.start()
	}
	p.work <- f
}

// wait blocks until the function given to run has returned.
func (p *pair) wait() {
	if !p.serial {
		<-p.done
	}
}

// close ends the helper goroutine, if it runs.
func (p *pair) close() {
	if p.work != nil {
		close(p.work)
		p.work = nil
	}
}
