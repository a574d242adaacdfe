package sweep

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Progress is the state of a local sweep, passed to Options.OnProgress
// whenever a task starts or ends.
type Progress struct {
	Total   int // tasks this run has to do (complete ones skipped excluded)
	Done    int
	Failed  int
	Running int
	Elapsed time.Duration
	// Left estimates the time to the end from the pace so far; zero
	// before the first task ends.
	Left time.Duration
}

// Options tunes RunLocal.
type Options struct {
	Jobs       int // tasks at once; 0 means runtime.NumCPU()
	OnProgress func(Progress)
	// OnTask, if set, is called after each task with its record.
	OnTask func(i int, r *Record)
}

// An Outcome sums up one RunLocal.
type Outcome struct {
	Skipped     int               // complete and verified before the run
	Done        int               // completed by this run
	Failed      []int             // tasks whose Runner returned an error
	Interrupted []int             // tasks stopped by the cancelled context
	NotStarted  int               // left pending by a cancelled context
	Redone      map[string]string // task ID → why its earlier result was discarded
}

// RunLocal runs every task of m that is not complete and verified, Jobs at
// a time, with r. A failing task is recorded and the others go on. When ctx
// is cancelled, no task starts any more, running ones are cancelled
// (their Runner sees ctx done) and recorded as interrupted, and finished
// ones stay; running RunLocal again resumes. The error is about the
// sweep's own files only.
func RunLocal(ctx context.Context, dir string, m *Manifest, r Runner, opt Options) (Outcome, error) {
	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	out := Outcome{Redone: map[string]string{}}
	type job struct {
		i      int
		redone string
	}
	var todo []job
	for i := range m.Tasks {
		st := Check(dir, m, i)
		switch st.Status {
		case Done:
			out.Skipped++
			continue
		case Tampered:
			out.Redone[m.Tasks[i].ID] = st.Why
		}
		todo = append(todo, job{i, st.Why})
	}
	start := time.Now()
	var (
		mu      sync.Mutex
		p       = Progress{Total: len(todo)}
		fileErr error
	)
	report := func() {
		// Called with mu held.
		if opt.OnProgress == nil {
			return
		}
		p.Elapsed = time.Since(start)
		if ended := p.Done + p.Failed; ended > 0 {
			p.Left = time.Duration(float64(p.Elapsed) * float64(p.Total-ended) / float64(ended))
		}
		opt.OnProgress(p)
	}
	mu.Lock()
	report()
	mu.Unlock()
	queue := make(chan job)
	var wg sync.WaitGroup
	for range min(jobs, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				mu.Lock()
				p.Running++
				report()
				mu.Unlock()
				rec, err := RunTask(ctx, dir, m, j.i, r, j.redone)
				mu.Lock()
				p.Running--
				switch {
				case err != nil:
					if fileErr == nil {
						fileErr = fmt.Errorf("sweep: task %s: %w", m.Tasks[j.i].ID, err)
					}
					p.Failed++
				case rec.Status == Done:
					p.Done++
					out.Done++
				case rec.Status == Interrupted:
					out.Interrupted = append(out.Interrupted, j.i)
				default:
					p.Failed++
					out.Failed = append(out.Failed, j.i)
				}
				report()
				if opt.OnTask != nil && rec != nil {
					opt.OnTask(j.i, rec)
				}
				mu.Unlock()
			}
		}()
	}
	sent := 0
feed:
	for _, j := range todo {
		if ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
			break feed
		case queue <- j:
			sent++
		}
	}
	close(queue)
	wg.Wait()
	out.NotStarted = len(todo) - sent
	return out, fileErr
}
