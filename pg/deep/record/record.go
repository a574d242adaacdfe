// Package record holds deep.Recorders a library user can attach to
// Trainer.Train, the same ones pgrad's command line uses: a CSV log of
// every iteration, a progress bar, the learning curve, and several at once.
//
//	csv := record.NewCSV(f)
//	bar := record.NewProgress(os.Stderr, tr.Budget())
//	err := tr.Train(ctx, record.All(csv, bar))
//	bar.Finish()
//	csv.Flush()
package record

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/pgrad/pgrad/internal/progress"
	"github.com/pgrad/pgrad/pg/deep"
)

// All returns a Recorder that passes each Stats to every recorder in
// order and stops at the first error (deep.ErrStop included), which it
// returns. Nil recorders are skipped.
func All(recs ...deep.Recorder) deep.Recorder {
	return deep.RecorderFunc(func(s deep.Stats) error {
		for _, r := range recs {
			if r == nil {
				continue
			}
			if err := r.Record(s); err != nil {
				return err
			}
		}
		return nil
	})
}

// CSVHeader is the first row CSV writes.
var CSVHeader = []string{"step", "episodes", "mean_return", "policy_loss", "value_loss", "entropy",
	"approx_kl", "clip_fraction", "explained_variance", "steps_per_second"}

// CSV writes one row per iteration: the columns of CSVHeader, numbers in
// their shortest exact form, NaN (no finished episode yet) as an empty
// field, and the steps per second since NewCSV.
type CSV struct {
	w     *csv.Writer
	start time.Time
	now   func() time.Time
	from  int // steps before start (a resumed run)
}

// NewCSV returns a CSV recorder writing to w, and writes the header.
func NewCSV(w io.Writer) *CSV {
	c := &CSV{w: csv.NewWriter(w), now: time.Now}
	c.start = c.now()
	c.w.Write(CSVHeader)
	return c
}

// ContinueCSV returns a CSV recorder that appends rows to a log already
// holding the header and the rows of a run resumed at fromSteps (whose
// steps per second count from now and from there).
func ContinueCSV(w io.Writer, fromSteps int) *CSV {
	c := &CSV{w: csv.NewWriter(w), now: time.Now, from: fromSteps}
	c.start = c.now()
	return c
}

// Record writes the row of s.
func (c *CSV) Record(s deep.Stats) error {
	el := c.now().Sub(c.start).Seconds()
	rate := ""
	if el > 0 {
		rate = strconv.FormatFloat(float64(s.Steps-c.from)/el, 'f', 0, 64)
	}
	return c.w.Write([]string{strconv.Itoa(s.Steps), strconv.Itoa(s.Episodes), Format(s.Recent), Format(s.PolicyLoss),
		Format(s.ValueLoss), Format(s.Entropy), Format(s.ApproxKL), Format(s.ClipFrac), Format(s.ExplainedVar), rate})
}

// Flush writes what is buffered and returns the first error of any write.
func (c *CSV) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// Format is how CSV writes a number: the shortest exact form, NaN empty.
func Format(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Progress draws a progress bar of the run's steps with the recent return
// and the episode count. It stays silent for a second and draws nothing
// on a stream that is not a terminal.
type Progress struct {
	bar *progress.Bar
}

// NewProgress returns a bar counting to total environment steps on w.
func NewProgress(w io.Writer, total int) *Progress {
	return &Progress{bar: progress.New(w, int64(total), "steps")}
}

// Record moves the bar to s.Steps.
func (p *Progress) Record(s deep.Stats) error {
	p.bar.Set(int64(s.Steps), fmt.Sprintf("R %.1f  ep %d", s.Recent, s.Episodes))
	return nil
}

// Finish ends the bar's line.
func (p *Progress) Finish() { p.bar.Finish() }

// Curve keeps the learning curve: the steps and the recent mean return of
// every iteration.
type Curve struct {
	Steps, Returns []float64
}

// Record appends s's point.
func (c *Curve) Record(s deep.Stats) error {
	c.Steps, c.Returns = append(c.Steps, float64(s.Steps)), append(c.Returns, s.Recent)
	return nil
}

// Best evaluates the agent every Every iterations and keeps the best one:
// the checkpoint bytes (deep.Agent.Encode) of the agent whose evaluation
// mean was the highest so far, with that mean and its iteration. It is
// the "evaluate every N, keep the best" callback of SB3's EvalCallback.
type Best struct {
	Agent    func() *deep.Agent // the agent in training, e.g. Trainer.Agent
	Every    int                // iterations between evaluations (at least 1)
	Episodes int                // deterministic episodes per evaluation (at least 1)
	Seed     uint64             // the evaluations' seed: the same episodes each time

	// Set by Record.
	Mean       float64 // best evaluation mean so far (NaN before the first)
	Iteration  int     // its iteration (0 before the first)
	Checkpoint []byte  // the agent then, as Agent.Encode wrote it
	Last       float64 // the last evaluation's mean
}

// NewBest returns a Best recorder for agent with no evaluation yet.
func NewBest(agent func() *deep.Agent, every, episodes int, seed uint64) *Best {
	return &Best{Agent: agent, Every: max(every, 1), Episodes: max(episodes, 1), Seed: seed, Mean: math.NaN(), Last: math.NaN()}
}

// Record evaluates the agent when s.Iteration is a multiple of Every and
// keeps it if it is the best so far (ties keep the earlier).
func (b *Best) Record(s deep.Stats) error {
	if s.Iteration%b.Every != 0 {
		return nil
	}
	a := b.Agent()
	rets, err := a.Evaluate(b.Episodes, false, b.Seed)
	if err != nil {
		return err
	}
	var m float64
	for _, r := range rets {
		m += r
	}
	m /= float64(len(rets))
	b.Last = m
	if math.IsNaN(b.Mean) || m > b.Mean {
		ck, err := a.Encode()
		if err != nil {
			return err
		}
		b.Mean, b.Iteration, b.Checkpoint = m, s.Iteration, ck
	}
	return nil
}
