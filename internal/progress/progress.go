// Package progress draws a one-line progress bar on a terminal stream
// (usually stderr) for runs long enough to need one: it stays silent for
// the first second, so quick runs and tests print nothing, and redraws at
// most ten times a second after that. On a file that is not a terminal (a
// log, a pipe) it draws nothing at all, since carriage returns there only
// pile up.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Delay is how long a bar stays silent after New.
const Delay = time.Second

const (
	redraw = 100 * time.Millisecond
	width  = 24
)

// A Bar reports the progress of a run towards a total. Its methods may be
// called from several goroutines.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	total    int64
	unit     string
	start    time.Time
	last     time.Time
	drawn    bool
	done     int64
	status   string
	width    int // length of the last line drawn, to blank leftovers
	finished bool
	now      func() time.Time
}

// New returns a bar that counts to total in the given unit (e.g.
// "rollouts") and draws on w. A total of zero or less draws a counter
// without a percentage.
func New(w io.Writer, total int64, unit string) *Bar {
	if f, ok := w.(*os.File); ok && !isTerminal(f) {
		w = io.Discard
	}
	return newBar(w, total, unit, time.Now)
}

// isTerminal reports whether f is a character device, which is how a
// terminal looks to Stat on every platform Go supports.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newBar(w io.Writer, total int64, unit string, now func() time.Time) *Bar {
	t := now()
	return &Bar{w: w, total: total, unit: unit, start: t, last: t, now: now}
}

// Set records that done units are finished, with a short status such as
// "sr 0.97  R 0.95", and redraws when the bar is due.
func (b *Bar) Set(done int64, status string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.done, b.status = done, status
	t := b.now()
	if t.Sub(b.start) < Delay || (b.drawn && t.Sub(b.last) < redraw) {
		return
	}
	b.last = t
	b.draw(t)
}

// Finish draws the final state and ends the line, if the bar was ever
// drawn; a run that ended within Delay leaves no trace.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	if b.drawn {
		b.draw(b.now())
		fmt.Fprintln(b.w)
	}
}

func (b *Bar) draw(t time.Time) {
	elapsed := t.Sub(b.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(b.done) / elapsed
	}
	var line strings.Builder
	if b.total > 0 {
		frac := min(max(float64(b.done)/float64(b.total), 0), 1)
		n := int(frac * width)
		fmt.Fprintf(&line, "%3.0f%% [%s%s] %d/%d %s", 100*frac, strings.Repeat("=", n), strings.Repeat(" ", width-n), b.done, b.total, b.unit)
		if rate > 0 && b.done < b.total {
			left := time.Duration(float64(b.total-b.done) / rate * float64(time.Second)).Round(time.Second)
			fmt.Fprintf(&line, " (%s/s, %v left)", Human(rate), left)
		} else {
			fmt.Fprintf(&line, " (%s/s)", Human(rate))
		}
	} else {
		fmt.Fprintf(&line, "%d %s (%s/s)", b.done, b.unit, Human(rate))
	}
	if b.status != "" {
		line.WriteString("  ")
		line.WriteString(b.status)
	}
	s := line.String()
	pad := ""
	if n := len([]rune(s)); n < b.width {
		pad = strings.Repeat(" ", b.width-n)
	}
	b.width = len([]rune(s))
	fmt.Fprintf(b.w, "\r%s%s", s, pad)
	b.drawn = true
}

// Human writes a rate such as 6543.2 as "6.5k": a k or M suffix, and two
// decimals with M, one with k, none from 10 to a thousand, two below 10.
func Human(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	case x < 10:
		// Slow units (a sweep's tasks): 0.25/s, not 0/s.
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("%.0f", x)
}
