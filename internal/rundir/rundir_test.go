package rundir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// summaryDoc is what a test run writes as its summary.
type summaryDoc struct {
	Run   string `json:"run"`
	Files Files  `json:"files"`
}

// runFiles are the contents of run "tag": every file says which run it is.
func runFiles(tag string) map[string][]byte {
	return map[string][]byte{
		Checkpoint: bytes.Repeat([]byte("ckpt "+tag+"\n"), 5000),
		Metrics:    []byte("step,run\n1," + tag + "\n"),
		Curve:      []byte("<svg>" + tag + "</svg>"),
	}
}

func writeRun(dir, tag string, opt Options) error { return writeRunWith(dir, tag, opt, false) }

// writeRunWith writes run tag with Put, or with Stage when stage is set.
func writeRunWith(dir, tag string, opt Options, stage bool) error {
	w, err := Begin(dir, opt)
	if err != nil {
		return err
	}
	files := runFiles(tag)
	for _, n := range []string{Metrics, Curve, Checkpoint} {
		put := w.Put
		if stage {
			put = w.Stage
		}
		if err := put(n, files[n]); err != nil {
			return err
		}
	}
	return w.Finish(summaryDoc{Run: tag, Files: w.Files()})
}

// TestMain runs this test binary as a writer that a crash hook ends at
// point PGRAD_RUNDIR_CRASH_AT (counted from 1), like a kill -9 there.
func TestMain(m *testing.M) {
	if at := os.Getenv("PGRAD_RUNDIR_CRASH_AT"); at != "" {
		n, _ := strconv.Atoi(at)
		count := 0
		SetCrashHook(func(point string) {
			if count++; count == n {
				fmt.Println(point)
				os.Exit(3)
			}
		})
		if err := writeRunWith(os.Getenv("PGRAD_RUNDIR_DIR"), "new", Options{Force: true}, os.Getenv("PGRAD_RUNDIR_STAGE") == "1"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// readRun opens dir and returns which run its files all belong to, or an
// error; it fails the test on a mix.
func readRun(t *testing.T, dir string) (string, error) {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		return "", err
	}
	var s summaryDoc
	if err := json.Unmarshal(r.Summary, &s); err != nil {
		t.Fatal(err)
	}
	for n, want := range runFiles(s.Run) {
		got, err := r.ReadFile(n)
		if err != nil {
			t.Fatalf("%s: Open accepted the run but ReadFile: %v", n, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("a mix: the summary is run %q's but %s is %.20q", s.Run, n, got)
		}
	}
	return s.Run, nil
}

// TestCrashAtEveryWrite kills a writer replacing run "old" by run "new"
// at every point where a write can be interrupted, and checks that a
// reader then gets the old run whole, the new run whole, or ErrIncomplete
// (files without a summary), never a mix; and that the next Begin removes
// what the crash left.
func TestCrashAtEveryWrite(t *testing.T) {
	t.Run("put", func(t *testing.T) { crashAtEveryWrite(t, false, 17) })
	// Staged, the new files become visible only at the journal's rename:
	// every crash leaves the old run or the new one, never an incomplete
	// directory. Points: 3 staged files × 3, the journal's 4, 3 renames,
	// the summary's 4 and the journal's removal.
	t.Run("stage", func(t *testing.T) { crashAtEveryWrite(t, true, 21) })
}

func crashAtEveryWrite(t *testing.T, stage bool, wantPoints int) {
	var points []string
	for n := 1; ; n++ {
		dir := t.TempDir()
		if err := writeRun(dir, "old", Options{}); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		mode := "0"
		if stage {
			mode = "1"
		}
		cmd.Env = append(os.Environ(), "PGRAD_RUNDIR_CRASH_AT="+strconv.Itoa(n), "PGRAD_RUNDIR_DIR="+dir, "PGRAD_RUNDIR_STAGE="+mode)
		out, err := cmd.Output()
		var ee *exec.ExitError
		if err == nil {
			if n == 1 {
				t.Fatal("the writer was never interrupted: no crash points")
			}
			if got, err := readRun(t, dir); err != nil || got != "new" {
				t.Fatalf("after an uninterrupted write: %q, %v", got, err)
			}
			break
		}
		if !errors.As(err, &ee) || ee.ExitCode() != 3 {
			t.Fatalf("crash %d: %v %s", n, err, out)
		}
		point := strings.TrimSpace(string(out))
		points = append(points, point)
		got, err := readRun(t, dir)
		switch {
		case err == nil && (got == "old" || got == "new"):
		case errors.Is(err, ErrIncomplete) && !stage:
		default:
			t.Fatalf("crash at %q: read %q, %v", point, got, err)
		}
		t.Logf("crash at %-24s → %s %v", point, got, err)
		// Whatever the crash left, the next writer cleans up and succeeds.
		w, err := Begin(dir, Options{Force: true})
		if err != nil {
			t.Fatal(err)
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), TempPrefix) {
				t.Errorf("crash at %q: Begin left %s", point, e.Name())
			}
		}
		if strings.HasPrefix(point, "write ") && len(w.Cleaned) == 0 {
			t.Errorf("crash at %q: Begin cleaned nothing, want the torn temporary file", point)
		}
		if _, err := os.Stat(filepath.Join(dir, journalName)); err == nil {
			t.Errorf("crash at %q: Begin left the journal", point)
		}
		// Begin finished an interrupted commit: the new run, whole.
		if got, err := readRun(t, dir); stage && got != "old" && (got != "new" || err != nil) {
			t.Errorf("crash at %q: after Begin, %q %v", point, got, err)
		}
	}
	if len(points) != wantPoints {
		t.Errorf("%d crash points %q, want %d", len(points), points, wantPoints)
	}
}

func TestBeginRefusesAnotherRun(t *testing.T) {
	dir := t.TempDir()
	if err := writeRun(dir, "a", Options{}); err != nil {
		t.Fatal(err)
	}
	_, err := Begin(dir, Options{})
	var e *Error
	if !errors.Is(err, ErrHoldsRun) || !errors.As(err, &e) || e.Path != dir || !strings.Contains(err.Error(), "-force") {
		t.Fatalf("Begin over a run: %v", err)
	}
	if got, err := readRun(t, dir); got != "a" || err != nil {
		t.Fatalf("the refusal changed the run: %q %v", got, err)
	}
	for _, opt := range []Options{{Force: true}, {Resume: true}} {
		if err := writeRun(dir, "b", opt); err != nil {
			t.Fatalf("%+v: %v", opt, err)
		}
		if got, err := readRun(t, dir); got != "b" || err != nil {
			t.Fatalf("%+v: %q %v", opt, got, err)
		}
	}
	// A directory with one stray file of a run holds a run too.
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, Metrics), []byte("x"), 0o644)
	if _, err := Begin(dir, Options{}); !errors.Is(err, ErrHoldsRun) {
		t.Errorf("a stray metrics.csv: %v", err)
	}
	// Other files are not the run's business.
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	if _, err := Begin(dir, Options{}); err != nil {
		t.Errorf("a directory with notes.txt: %v", err)
	}
}

// TestBeginChecksOutputs: a name that is a directory, and a directory that
// cannot be written, fail in Begin, before any training.
func TestBeginChecksOutputs(t *testing.T) {
	for _, n := range []string{Checkpoint, Summary, Curve} {
		dir := t.TempDir()
		os.Mkdir(filepath.Join(dir, n), 0o755)
		_, err := Begin(dir, Options{Force: true})
		var e *Error
		if !errors.Is(err, ErrNotRegular) || !errors.As(err, &e) || e.Path != filepath.Join(dir, n) {
			t.Errorf("%s a directory: %v", n, err)
		}
	}
	if os.Geteuid() != 0 {
		dir := t.TempDir()
		os.Chmod(dir, 0o555)
		defer os.Chmod(dir, 0o755)
		if _, err := Begin(dir, Options{}); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("read-only directory: %v", err)
		}
	}
	dir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(dir, nil, 0o644)
	if _, err := Begin(dir, Options{}); err == nil {
		t.Error("Begin on a file: no error")
	}
}

func TestFileModesAndOrder(t *testing.T) {
	dir := t.TempDir()
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	var order []string
	SetCrashHook(func(p string) {
		if strings.HasPrefix(p, "rename ") || strings.HasPrefix(p, "remove ") {
			order = append(order, p)
		}
	})
	defer SetCrashHook(nil)
	if err := writeRun(dir, "a", Options{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"remove summary.json", "rename metrics.csv", "rename curve.svg", "rename agent.ckpt", "rename summary.json"}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("order %q, want %q", order, want)
	}
	for _, n := range []string{Checkpoint, Metrics, Curve, Summary} {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v %v, want 0644", n, st.Mode(), err)
		}
	}
	var s summaryDoc
	b, _ := os.ReadFile(filepath.Join(dir, Summary))
	json.Unmarshal(b, &s)
	if s.Files[Checkpoint] != sum(runFiles("a")[Checkpoint]) || len(s.Files) != 3 {
		t.Errorf("summary files %+v", s.Files)
	}
	// Finish refuses a summary that does not name the files.
	w, _ := Begin(dir, Options{Force: true})
	w.Put(Curve, []byte("x"))
	if err := w.Finish(summaryDoc{Run: "b"}); err == nil {
		t.Error("Finish without the files: no error")
	}
}

func TestOpenTornAndCorrupt(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir); !errors.Is(err, ErrNotRun) {
		t.Errorf("empty: %v", err)
	}
	writeRun(dir, "a", Options{})
	ck := filepath.Join(dir, Checkpoint)
	// Another run's checkpoint beside this summary: a mix, refused.
	os.WriteFile(ck, runFiles("b")[Checkpoint], 0o644)
	if _, err := Open(dir); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), ck) {
		t.Errorf("another checkpoint: %v", err)
	}
	// Bigger than the summary says: refused without reading it all.
	os.WriteFile(ck, bytes.Repeat([]byte("x"), 1<<20), 0o644)
	if _, err := Open(dir); !errors.Is(err, ErrMismatch) {
		t.Errorf("a bigger checkpoint: %v", err)
	}
	os.Remove(filepath.Join(dir, Summary))
	if _, err := Open(dir); !errors.Is(err, ErrIncomplete) {
		t.Errorf("no summary: %v", err)
	}
	sp := filepath.Join(dir, Summary)
	for _, bad := range []string{"{", "[1]", `{"files": 3}`, `{"files": {"../x": {"sha256": "` + strings.Repeat("0", 64) + `", "bytes": 1}}}`, `{"files": {"agent.ckpt": {"bytes": -1}}}`} {
		os.WriteFile(sp, []byte(bad), 0o644)
		_, err := Open(dir)
		var e *Error
		if !errors.Is(err, ErrCorruptSummary) || !errors.As(err, &e) || e.Path != sp {
			t.Errorf("summary %q: %v", bad, err)
		}
	}
	// A summary from before this package (no files): read, unchecked.
	os.WriteFile(sp, []byte(`{"eval_seed": 4}`), 0o644)
	r, err := Open(dir)
	if err != nil || r.Files != nil {
		t.Fatalf("legacy summary: %v", err)
	}
	if _, err := r.ReadFile(Checkpoint); err != nil {
		t.Error(err)
	}
}

func TestSummaryFor(t *testing.T) {
	dir := t.TempDir()
	writeRun(dir, "a", Options{})
	ck := filepath.Join(dir, Checkpoint)
	if s, ok, err := SummaryFor(ck, runFiles("a")[Checkpoint]); !ok || err != nil || !bytes.Contains(s, []byte(`"a"`)) {
		t.Errorf("its own summary: %v %v", ok, err)
	}
	if _, ok, err := SummaryFor(ck, runFiles("b")[Checkpoint]); ok || !errors.Is(err, ErrMismatch) {
		t.Errorf("another checkpoint's summary: %v %v", ok, err)
	}
	if _, ok, err := SummaryFor(filepath.Join(t.TempDir(), "x.ckpt"), nil); ok || err != nil {
		t.Errorf("no summary: %v %v", ok, err)
	}
}

// TestReadFileBounded: a FIFO, /dev/zero behind a symlink, a directory and
// a sparse file over the limit are refused at once, reading nothing.
func TestReadFileBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero")
	os.Symlink("/dev/zero", zero)
	sparse := filepath.Join(dir, "sparse")
	f, _ := os.Create(sparse)
	f.Truncate(1 << 30)
	f.Close()
	for _, c := range []struct {
		path string
		want error
	}{{fifo, ErrNotRegular}, {zero, ErrNotRegular}, {dir, ErrNotRegular}, {sparse, ErrTooLarge}} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ReadFile(c.path, 1<<20)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.path, err, c.want)
		}
		if d := after.TotalAlloc - before.TotalAlloc; d > 1<<16 {
			t.Errorf("%s: allocated %d bytes", c.path, d)
		}
	}
	os.WriteFile(sparse, []byte("12345"), 0o644)
	if b, err := ReadFile(sparse, 5); err != nil || string(b) != "12345" {
		t.Errorf("a 5-byte file with limit 5: %q %v", b, err)
	}
	if _, err := ReadFile(sparse, 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a 5-byte file with limit 4: %v", err)
	}
}

func TestQuote(t *testing.T) {
	long := strings.Repeat("é", 10_000_000)
	q := Quote(long)
	if len(q) > QuoteLimit+40 || !strings.Contains(q, "bytes more") || !strings.HasPrefix(q, `"éé`) {
		t.Errorf("Quote of 20 MB: %d bytes %.100q", len(q), q)
	}
	if Quote("cartpole") != `"cartpole"` {
		t.Errorf("Quote(cartpole) = %s", Quote("cartpole"))
	}
}
