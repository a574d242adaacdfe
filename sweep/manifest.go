package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Version is the manifest format's version, written in every sweep.json.
const Version = 1

// File names inside a sweep directory.
const (
	ManifestFile = "sweep.json"
	RunsDir      = "runs"
	TaskFile     = "task.json"
)

// A Manifest is everything a sweep runs: its grid and every task.
type Manifest struct {
	Version int      `json:"version"`
	Env     string   `json:"env"`
	Params  []Param  `json:"params"`
	Seeds   []uint64 `json:"seeds"`
	// Score names a task's final score in the report (for instance "mean
	// return of 100 deterministic evaluation episodes"); CurveX and CurveY
	// name the axes of the learning curves.
	Score   string   `json:"score"`
	CurveX  string   `json:"curve_x"`
	CurveY  string   `json:"curve_y"`
	Configs []Config `json:"configs"`
	Tasks   []Task   `json:"tasks"`
}

// A Config is one combination of the grid, run once per seed.
type Config struct {
	ID       string      `json:"id"`
	Label    string      `json:"label"`
	Settings Combination `json:"settings"`
}

// A Task is one configuration with one seed.
type Task struct {
	Index    int         `json:"index"`
	ID       string      `json:"id"`
	Config   string      `json:"config"` // the Config's ID
	Seed     uint64      `json:"seed"`
	Settings Combination `json:"settings"`
	// Resolved is the full configuration the task trains with, defaults
	// included, as the Resolver gave it.
	Resolved json.RawMessage `json:"resolved"`
}

// A Resolver returns the full configuration of a combination with a
// seed, defaults included, or an error when it cannot be trained (a value
// out of range).
type Resolver func(env string, c Combination, seed uint64) (json.RawMessage, error)

// ResolveError reports a combination that its Resolver refused.
type ResolveError struct {
	Config string // the combination's label
	Err    error
}

func (e *ResolveError) Error() string {
	return fmt.Sprintf("sweep: configuration %s: %v", e.Config, e.Err)
}
func (e *ResolveError) Unwrap() error { return e.Err }

// NewManifest expands params × seeds into a manifest, asking resolve for
// every task's full configuration.
func NewManifest(env string, params []Param, seeds []uint64, resolve Resolver) (*Manifest, error) {
	combos, err := Expand(params, len(seeds))
	if err != nil {
		return nil, err
	}
	m := &Manifest{Version: Version, Env: env, Params: params, Seeds: seeds}
	cw, tw := width(len(combos)), width(len(combos)*len(seeds))
	for ci, c := range combos {
		cfg := Config{ID: fmt.Sprintf("c%0*d", cw, ci), Label: c.Label(params), Settings: c}
		m.Configs = append(m.Configs, cfg)
		for _, s := range seeds {
			r, err := resolve(env, c, s)
			if err != nil {
				return nil, &ResolveError{Config: cfg.Label, Err: err}
			}
			i := len(m.Tasks)
			m.Tasks = append(m.Tasks, Task{Index: i, ID: fmt.Sprintf("t%0*d", tw, i), Config: cfg.ID, Seed: s, Settings: c, Resolved: r})
		}
	}
	return m, nil
}

func width(n int) int { return max(3, len(fmt.Sprint(n-1))) }

// Fingerprint is the SHA-256 of the task's manifest entry and the sweep's
// environment: what a task.json must name to count for this task.
func (m *Manifest) Fingerprint(i int) string {
	b, _ := json.Marshal(struct {
		Version int    `json:"version"`
		Env     string `json:"env"`
		Task    Task   `json:"task"`
	}{m.Version, m.Env, m.Tasks[i]})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Same reports whether a and b describe the same tasks.
func Same(a, b *Manifest) bool {
	x, _ := json.Marshal(struct {
		E string
		T []Task
		S string
	}{a.Env, a.Tasks, a.Score})
	y, _ := json.Marshal(struct {
		E string
		T []Task
		S string
	}{b.Env, b.Tasks, b.Score})
	return bytes.Equal(x, y)
}

// TaskDir is the run directory of task i of the sweep in dir.
func (m *Manifest) TaskDir(dir string, i int) string {
	return filepath.Join(dir, RunsDir, m.Tasks[i].ID)
}

// WriteManifest writes m to dir/sweep.json atomically.
func WriteManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, ManifestFile), append(b, '\n'))
}

// ErrNoManifest is returned by ReadManifest for a directory without one.
var ErrNoManifest = errors.New("sweep: no sweep.json")

// maxManifest bounds the size of a sweep.json read back: MaxTasks tasks
// with their full configurations fit many times over.
const maxManifest = 1 << 30

// ReadManifest reads dir/sweep.json and checks its version and tasks.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	b, err := readRegular(path, maxManifest)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w in %s", ErrNoManifest, dir)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("sweep: %s: %v", path, err)
	}
	if m.Version != Version {
		return nil, fmt.Errorf("sweep: %s has version %d; this pgrad reads version %d", path, m.Version, Version)
	}
	if len(m.Tasks) == 0 || len(m.Tasks) > MaxTasks {
		return nil, fmt.Errorf("sweep: %s has %d tasks (1 to %d)", path, len(m.Tasks), MaxTasks)
	}
	ids := map[string]bool{}
	for i, t := range m.Tasks {
		if t.Index != i || t.ID == "" || filepath.Base(t.ID) != t.ID || t.ID == "." || t.ID == ".." || ids[t.ID] {
			return nil, fmt.Errorf("sweep: %s: task %d is malformed", path, i)
		}
		ids[t.ID] = true
	}
	return &m, nil
}

// readRegular reads path whole, refusing anything but a regular file of at
// most limit bytes.
func readRegular(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("sweep: %s is not a regular file", path)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("sweep: %s is larger than %d bytes", path, limit)
	}
	return io.ReadAll(io.LimitReader(f, limit+1))
}

// writeAtomic writes b to path through a temporary file in the same
// directory, synced and renamed, so that a reader sees the old file or
// the new one, never a part.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
