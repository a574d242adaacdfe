package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clock is a fake time source that tests move by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestSilentBeforeDelay(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	b := newBar(&buf, 100, "rollouts", c.now)
	c.t = c.t.Add(Delay / 2)
	b.Set(50, "sr 0.50")
	b.Finish()
	if buf.Len() != 0 {
		t.Errorf("a run shorter than Delay printed %q", buf.String())
	}
}

func TestDrawsAfterDelay(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	b := newBar(&buf, 200, "rollouts", c.now)
	c.t = c.t.Add(2 * time.Second)
	b.Set(100, "sr 0.97")
	out := buf.String()
	for _, want := range []string{"\r", " 50%", "100/200 rollouts", "50/s", "2s left", "sr 0.97"} {
		if !strings.Contains(out, want) {
			t.Errorf("bar %q lacks %q", out, want)
		}
	}
	// A second Set within the redraw interval does not draw.
	n := buf.Len()
	c.t = c.t.Add(redraw / 2)
	b.Set(110, "")
	if buf.Len() != n {
		t.Errorf("bar redrew after %v", redraw/2)
	}
	c.t = c.t.Add(redraw)
	b.Set(200, "done")
	b.Finish()
	if !strings.HasSuffix(buf.String(), "\n") || !strings.Contains(buf.String(), "100%") {
		t.Errorf("finished bar %q does not end with 100%% and a newline", buf.String())
	}
	b.Set(5, "late")
	if strings.Contains(buf.String(), "late") {
		t.Error("Set after Finish drew")
	}
}

func TestNoTotal(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	b := newBar(&buf, 0, "steps", c.now)
	c.t = c.t.Add(4 * time.Second)
	b.Set(4000000, "")
	if got := buf.String(); !strings.Contains(got, "4000000 steps (1.00M/s)") {
		t.Errorf("counter drew %q", got)
	}
}

func TestSilentOnAFile(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := New(f, 10, "rollouts")
	b.start = b.start.Add(-2 * Delay) // as if the run had lasted two seconds
	b.Set(5, "x")
	b.Finish()
	if st, _ := f.Stat(); st.Size() != 0 {
		t.Errorf("the bar wrote %d bytes to a plain file", st.Size())
	}
}

func TestHuman(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{3.14159e6, "3.14M"}, {6543, "6.5k"}, {999, "999"}, {12, "12"}, {0.25, "0.25"}, {0, "0.00"}} {
		if got := Human(c.x); got != c.want {
			t.Errorf("Human(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}
