package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// A Runner trains one task.
type Runner interface {
	// Run trains t into dir, an empty directory that belongs to t alone,
	// and returns its final score and learning curve. It returns soon after
	// ctx is done, with an error.
	Run(ctx context.Context, t Task, dir string) (Result, error)
}

// RunnerFunc adapts a function to a Runner.
type RunnerFunc func(ctx context.Context, t Task, dir string) (Result, error)

// Run calls f.
func (f RunnerFunc) Run(ctx context.Context, t Task, dir string) (Result, error) {
	return f(ctx, t, dir)
}

// A Result is what the report needs of a finished task.
type Result struct {
	Score float64 // the final performance the Manifest's Score names
	Curve Curve
}

// A Curve is a learning curve; NaN in Y means no value yet.
type Curve struct {
	X []float64
	Y []float64
}

// MarshalJSON writes a NaN as null.
func (c Curve) MarshalJSON() ([]byte, error) {
	y := make([]*float64, len(c.Y))
	for i := range c.Y {
		if !math.IsNaN(c.Y[i]) && !math.IsInf(c.Y[i], 0) {
			y[i] = &c.Y[i]
		}
	}
	return json.Marshal(struct {
		X []float64  `json:"x"`
		Y []*float64 `json:"y"`
	}{c.X, y})
}

// UnmarshalJSON reads a null as NaN.
func (c *Curve) UnmarshalJSON(b []byte) error {
	var v struct {
		X []float64  `json:"x"`
		Y []*float64 `json:"y"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if len(v.X) != len(v.Y) {
		return fmt.Errorf("a curve of %d x and %d y", len(v.X), len(v.Y))
	}
	c.X, c.Y = v.X, make([]float64, len(v.Y))
	for i, p := range v.Y {
		c.Y[i] = math.NaN()
		if p != nil {
			c.Y[i] = *p
		}
	}
	return nil
}

// The states of a task.
const (
	Pending     = "pending"     // never started, or its record was removed
	Running     = "running"     // started; or a process that died while running it
	Done        = "done"        // finished, its files verified
	Failed      = "failed"      // the Runner returned an error
	Interrupted = "interrupted" // stopped by a cancelled context
	Tampered    = "tampered"    // recorded done, but its files or entry no longer match
)

// A Record is a task's task.json.
type Record struct {
	Task        string            `json:"task"`
	Fingerprint string            `json:"fingerprint"` // Manifest.Fingerprint of the task
	Status      string            `json:"status"`
	Error       string            `json:"error,omitempty"`
	Score       *float64          `json:"score,omitempty"`
	Curve       *Curve            `json:"curve,omitempty"`
	Files       map[string]string `json:"files,omitempty"` // SHA-256 of each file of the run directory
	// Redone says why an earlier result of this task was thrown away.
	Redone string `json:"redone,omitempty"`
	// Where and when, for the user; the report ignores them.
	Host    string  `json:"host,omitempty"`
	PID     int     `json:"pid,omitempty"`
	Started string  `json:"started,omitempty"`
	Seconds float64 `json:"seconds,omitempty"`
}

// A State is what the disk says of one task.
type State struct {
	Status string
	Record *Record // nil when Pending
	// Why says, for Tampered, what no longer matches.
	Why string
}

const maxRecord = 64 << 20

// Check reads the record of task i and verifies it: a Done task whose
// entry or files no longer match is Tampered.
func Check(dir string, m *Manifest, i int) State {
	tdir := m.TaskDir(dir, i)
	b, err := readRegular(filepath.Join(tdir, TaskFile), maxRecord)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return State{Status: Pending}
		}
		return State{Status: Tampered, Why: "task.json cannot be read"}
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return State{Status: Tampered, Why: "task.json is not valid JSON"}
	}
	if r.Fingerprint != m.Fingerprint(i) || r.Task != m.Tasks[i].ID {
		return State{Status: Tampered, Record: &r, Why: "task.json belongs to another task entry"}
	}
	if r.Status != Done {
		return State{Status: r.Status, Record: &r}
	}
	if r.Score == nil || r.Curve == nil {
		return State{Status: Tampered, Record: &r, Why: "task.json has no score"}
	}
	files, err := checksums(tdir)
	if err != nil {
		return State{Status: Tampered, Record: &r, Why: err.Error()}
	}
	for _, name := range slices.Sorted(mapsKeys(r.Files, files)) {
		if r.Files[name] != files[name] {
			why := name + " checksum does not match"
			if r.Files[name] == "" {
				why = name + " was added"
			} else if files[name] == "" {
				why = name + " is missing"
			}
			return State{Status: Tampered, Record: &r, Why: why}
		}
	}
	return State{Status: Done, Record: &r}
}

func mapsKeys(a, b map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range a {
			if !yield(k) {
				return
			}
		}
		for k := range b {
			if _, ok := a[k]; !ok && !yield(k) {
				return
			}
		}
	}
}

// checksums returns the SHA-256 of every file under dir but task.json
// and temporary files, by slash-separated path.
func checksums(dir string) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() || rel == TaskFile || (len(d.Name()) > 0 && d.Name()[0] == '.') {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", rel)
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	return out, err
}

// RunTask runs task i of the sweep in dir with r, whatever state it was
// in: it empties the task's directory, records the task as running, runs
// it, and records the outcome (done with checksums, failed with its
// error, or interrupted when ctx ended it). redone, if not empty, is kept
// in the record as the reason an earlier result was discarded. The
// returned record is the one written; the error is only about the
// sweep's own files.
func RunTask(ctx context.Context, dir string, m *Manifest, i int, r Runner, redone string) (*Record, error) {
	t := m.Tasks[i]
	tdir := m.TaskDir(dir, i)
	if err := os.RemoveAll(tdir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(tdir, 0o755); err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	start := time.Now()
	rec := &Record{Task: t.ID, Fingerprint: m.Fingerprint(i), Status: Running, Redone: redone,
		Host: host, PID: os.Getpid(), Started: start.UTC().Format(time.RFC3339)}
	if err := writeRecord(tdir, rec); err != nil {
		return nil, err
	}
	res, err := runSafely(ctx, r, t, tdir)
	rec.Seconds = math.Round(time.Since(start).Seconds()*1000) / 1000
	switch {
	case err != nil && ctx.Err() != nil:
		rec.Status, rec.Error = Interrupted, err.Error()
	case err != nil:
		rec.Status, rec.Error = Failed, err.Error()
	case math.IsNaN(res.Score) || math.IsInf(res.Score, 0):
		rec.Status, rec.Error = Failed, fmt.Sprintf("the final score is %g", res.Score)
	case len(res.Curve.X) != len(res.Curve.Y):
		rec.Status, rec.Error = Failed, "the learning curve's x and y differ in length"
	default:
		files, err := checksums(tdir)
		if err != nil {
			rec.Status, rec.Error = Failed, err.Error()
			break
		}
		rec.Status, rec.Files, rec.Score, rec.Curve = Done, files, &res.Score, &res.Curve
	}
	return rec, writeRecord(tdir, rec)
}

// runSafely turns a panic of the runner into a failure of its task.
func runSafely(ctx context.Context, r Runner, t Task, dir string) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return r.Run(ctx, t, dir)
}

func writeRecord(tdir string, r *Record) error {
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(tdir, TaskFile), append(b, '\n'))
}
