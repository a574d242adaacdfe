// Package rundir writes and reads a pgrad run directory, the DIR of
// 'pgrad train <env> -out DIR': agent.ckpt, metrics.csv, curve.svg and
// summary.json. Every command that writes or reads one (train -out, eval,
// -resume, export, sweep) goes through this package, so that a run
// directory is written as a whole or not at all and a reader can tell a
// complete run from a torn one.
//
// # Guarantees
//
//   - Every file is written atomically: to a temporary file in the same
//     directory (named ".pgrad-tmp-*"), synced, renamed over the final
//     name, and the directory synced. Every file has mode [FileMode].
//   - Order, the summary last: summary.json names the SHA-256 and size of
//     every other file ("files" in the JSON), and [Open] checks them.
//   - Files written with [Writer.Stage] (what 'pgrad train -out' does at
//     the end) become visible together: Finish first writes a journal
//     (".pgrad-commit.json", atomically: the commit point) naming the
//     staged temporary files and the summary, then renames them into
//     place, writes summary.json and removes the journal. After a crash at
//     any point the directory reads as the previous run whole or the new
//     run whole: Open reads an unfinished commit through its journal, and
//     the next Begin finishes it.
//   - A file written with [Writer.Put] (a checkpoint saved during
//     training) is in place at once; the first Put removes the previous
//     summary.json, so that until Finish the directory reads as an
//     incomplete run ([ErrIncomplete]) rather than as the old run with a
//     new file. A reader never gets a checkpoint with another run's summary.
//   - [Begin] checks every output path before training starts (a name that
//     is a directory, an unwritable directory), refuses a directory that
//     holds a run unless [Options.Force] or [Options.Resume], and removes
//     the temporary files that crashed writers left behind.
//   - Reads are bounded: [ReadFile] opens the file, Stats it, refuses
//     anything but a regular file (a FIFO, /dev/zero, a directory) and
//     reads at most a limit; [Run.ReadFile] uses the size the summary
//     declares and a hard cap per file. Text from a file appears in an
//     error only through [Quote], at most [QuoteLimit] bytes.
//
// One writer per directory at a time: two commands writing the same
// directory at once are not detected.
//
// # Writing a run
//
//	w, err := rundir.Begin(dir, rundir.Options{Force: *force})  // before training: exit 1 or 2 on err
//	...train... (a periodic checkpoint: w.Put(rundir.Checkpoint, b))
//	err = w.Stage(rundir.Metrics, csvBytes)     // any order among the data files
//	err = w.Stage(rundir.Curve, svgBytes)
//	err = w.Stage(rundir.Checkpoint, ckptBytes) // e.g. deep.(*Agent).Encode()
//	sum.Files = w.Files()                        // a field `Files rundir.Files `json:"files"``
//	err = w.Finish(sum)                          // the commit: staged files, then summary.json
//
// # Reading a run
//
//	r, err := rundir.Open(dir)                 // errors.Is(err, rundir.ErrIncomplete) etc.
//	b, err := r.ReadFile(rundir.Checkpoint)   // checked against the summary's SHA-256
//	r.Summary                                  // summary.json's bytes, to unmarshal
//
// A single checkpoint file (pgrad eval FILE) is read with ckpt.Load, which
// is bounded the same way; [SummaryFor] finds the summary beside it if that
// summary names exactly its bytes.
package rundir

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// The files of a run directory.
const (
	Checkpoint = "agent.ckpt"
	Metrics    = "metrics.csv"
	Curve      = "curve.svg"
	Summary    = "summary.json"
)

// DataFiles are the files a training run writes before its summary.
var DataFiles = []string{Checkpoint, Metrics, Curve}

// FileMode is the mode of every file this package writes (before umask).
const FileMode fs.FileMode = 0o644

// Hard caps on what a reader reads, whatever a file or summary declares.
const (
	MaxSummary    = 1 << 20   // summary.json
	MaxCheckpoint = 512 << 20 // agent.ckpt (the largest network deep.Config allows is about 270 MB)
	MaxOther      = 256 << 20 // metrics.csv, curve.svg and any other file
)

// TempPrefix starts the name of every temporary file this package makes.
const TempPrefix = ".pgrad-tmp-"

// legacyTempPrefix is the temporary-file prefix of ckpt.Save before this
// package existed; Begin removes those too.
const legacyTempPrefix = ".ckpt-"

// Errors, tested with errors.Is; they arrive wrapped in an *Error.
var (
	ErrHoldsRun       = errors.New("the directory holds another run")
	ErrIncomplete     = errors.New("incomplete run")
	ErrMismatch       = errors.New("a file does not match the summary")
	ErrCorruptSummary = errors.New("corrupt summary")
	ErrNotRegular     = errors.New("not a regular file")
	ErrTooLarge       = errors.New("file too large")
	ErrNotRun         = errors.New("not a run directory")
)

// An Error is what this package returns: the path concerned, the kind of
// failure (one of the Err* values or an *os.PathError's error) and a
// detail for people.
type Error struct {
	Path   string
	Err    error
	Detail string
}

func (e *Error) Error() string {
	s := e.Path + ": " + e.Err.Error()
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// QuoteLimit bounds the bytes of untrusted text that Quote keeps.
const QuoteLimit = 80

// Quote returns s quoted as Go would, cut to QuoteLimit bytes with the
// number of bytes left out, so that a 50 MB string in a file gives a short
// error line.
func Quote(s string) string {
	if len(s) <= QuoteLimit {
		return fmt.Sprintf("%q", s)
	}
	cut := QuoteLimit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes more)", s[:cut], len(s)-cut)
}

// FileSum is what a summary records of one file.
type FileSum struct {
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// Files maps a file name to its sum: the "files" object of summary.json.
type Files map[string]FileSum

func sum(b []byte) FileSum {
	h := sha256.Sum256(b)
	return FileSum{SHA256: hex.EncodeToString(h[:]), Bytes: int64(len(b))}
}

// hook, when set by a test, is called at every point where a crash could
// happen; a test kills the process there.
var hook func(point string)

// SetCrashHook makes every write of this package call h first at each
// point where a crash could leave something behind ("create agent.ckpt",
// "write agent.ckpt" half-way through, "sync …", "rename …", "remove
// summary.json"). It is for tests, which end the process in h to check
// what a crash there leaves; nil removes it.
func SetCrashHook(h func(point string)) { hook = h }

func at(point string) {
	if hook != nil {
		hook(point)
	}
}

// ReadFile reads the regular file at path, at most limit bytes: it opens
// it without blocking, Stats it, refuses anything but a regular file and a
// file larger than limit, and reads no more than limit bytes even if the
// file grows meanwhile.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := OpenRegular(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, _ := f.Stat()
	b := make([]byte, 0, st.Size())
	buf := bytes.NewBuffer(b)
	n, err := io.Copy(buf, io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, &Error{Path: path, Err: ErrTooLarge, Detail: fmt.Sprintf("more than %d bytes", limit)}
	}
	return buf.Bytes(), nil
}

// OpenRegular opens path for reading if it is a regular file of at most
// limit bytes. A FIFO is opened without blocking and refused, so that a
// named pipe cannot hang the reader.
func OpenRegular(path string, limit int64) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{Path: path, Err: ErrNotRegular, Detail: "a " + kind(st.Mode())}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	st, err = f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &Error{Path: path, Err: ErrNotRegular, Detail: "a " + kind(st.Mode())}
	}
	if st.Size() > limit {
		f.Close()
		return nil, &Error{Path: path, Err: ErrTooLarge, Detail: fmt.Sprintf("%d bytes, at most %d", st.Size(), limit)}
	}
	return f, nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// WriteFile writes data to path atomically with mode FileMode: a temporary
// file in the same directory, synced, renamed over path, then the
// directory synced. On error the temporary file is removed and path is as
// it was.
func WriteFile(path string, data []byte) error {
	name, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	at("rename " + filepath.Base(path))
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes data, synced and closed, to a new temporary file beside
// path and returns its name.
func writeTemp(path string, data []byte) (string, error) {
	dir := filepath.Dir(path)
	at("create " + filepath.Base(path))
	tmp, err := os.CreateTemp(dir, TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return "", err
	}
	name := tmp.Name()
	fail := func(err error) (string, error) {
		tmp.Close()
		os.Remove(name)
		return "", err
	}
	if err := tmp.Chmod(FileMode); err != nil {
		return fail(err)
	}
	half := len(data) / 2
	if _, err := tmp.Write(data[:half]); err != nil {
		return fail(err)
	}
	at("write " + filepath.Base(path))
	if _, err := tmp.Write(data[half:]); err != nil {
		return fail(err)
	}
	at("sync " + filepath.Base(path))
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		// Some file systems cannot sync a directory; the rename is done.
		var pe *fs.PathError
		if !errors.As(err, &pe) {
			return err
		}
	}
	return nil
}

// Options of Begin.
type Options struct {
	// Force replaces a run the directory holds.
	Force bool
	// Resume says the directory holds the run being continued.
	Resume bool
	// Files are the names the run will Put, besides summary.json;
	// DataFiles when empty.
	Files []string
}

// A Writer writes one run into a directory. Its methods are not safe for
// concurrent use.
type Writer struct {
	dir         string
	names       []string
	files       Files
	staged      map[string]staged // by final name, until Finish
	invalidated bool
	// Cleaned lists the temporary files of earlier crashed writers that
	// Begin removed.
	Cleaned []string
}

// Begin prepares dir for a run before any training: it creates dir,
// removes the temporary files crashed writers left, checks that every
// output name is free or a regular file and that the directory is
// writable, and refuses a directory that holds a run (any of its files)
// unless opt.Force or opt.Resume. Nothing of a previous run is changed.
// Errors: ErrHoldsRun and ErrNotRegular are the user's input (exit 2);
// anything else (an *os.PathError) is a failure at run time (exit 1).
func Begin(dir string, opt Options) (*Writer, error) {
	names := opt.Files
	if len(names) == 0 {
		names = DataFiles
	}
	for _, n := range names {
		if n == Summary || n == "" || n != filepath.Base(n) || strings.HasPrefix(n, TempPrefix) {
			return nil, fmt.Errorf("rundir: %q cannot be a data file of a run", n)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w := &Writer{dir: dir, names: slices.Clone(names), files: Files{}, staged: map[string]staged{}}
	// A commit a crash interrupted is finished first: its files are
	// complete and named by its journal.
	if err := rollForward(dir); err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		n := e.Name()
		if (strings.HasPrefix(n, TempPrefix) || strings.HasPrefix(n, legacyTempPrefix)) && e.Type().IsRegular() {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return nil, err
			}
			w.Cleaned = append(w.Cleaned, n)
		}
	}
	var held []string
	for _, n := range append(slices.Clone(names), Summary) {
		p := filepath.Join(dir, n)
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() {
			return nil, &Error{Path: p, Err: ErrNotRegular, Detail: "a " + kind(st.Mode()) + " where the run writes a file"}
		}
		held = append(held, n)
	}
	if len(held) > 0 && !opt.Force && !opt.Resume {
		return nil, &Error{Path: dir, Err: ErrHoldsRun, Detail: "it has " + strings.Join(held, ", ") + "; -force replaces it"}
	}
	// Writable? A temporary file, made and removed, says so now rather
	// than after the training.
	probe, err := os.CreateTemp(dir, TempPrefix+"probe-*")
	if err != nil {
		return nil, err
	}
	probe.Close()
	os.Remove(probe.Name())
	return w, nil
}

// Dir returns the directory w writes.
func (w *Writer) Dir() string { return w.dir }

// Put writes one data file atomically. The first Put removes the previous
// summary.json, so that from then on until Finish the directory reads as
// an incomplete run rather than as the old run with a new file.
func (w *Writer) Put(name string, data []byte) error {
	if !slices.Contains(w.names, name) {
		return fmt.Errorf("rundir: %q is not one of the files declared to Begin (%s)", name, strings.Join(w.names, ", "))
	}
	if !w.invalidated {
		at("remove " + Summary)
		if err := os.Remove(filepath.Join(w.dir, Summary)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err := syncDir(w.dir); err != nil {
			return err
		}
		w.invalidated = true
	}
	if err := WriteFile(filepath.Join(w.dir, name), data); err != nil {
		return err
	}
	w.files[name] = sum(data)
	return nil
}

// Files returns the sums of the files Put so far, for the summary's
// "files" field.
func (w *Writer) Files() Files {
	f := make(Files, len(w.files))
	for k, v := range w.files {
		f[k] = v
	}
	return f
}

// Stage writes one data file to a temporary file (synced) that Finish
// puts in place. Unlike Put it changes nothing a reader sees: until
// Finish's commit the directory reads as the previous run, after it as the
// new one.
func (w *Writer) Stage(name string, data []byte) error {
	if !slices.Contains(w.names, name) {
		return fmt.Errorf("rundir: %q is not one of the files declared to Begin (%s)", name, strings.Join(w.names, ", "))
	}
	tmp, err := writeTemp(filepath.Join(w.dir, name), data)
	if err != nil {
		return err
	}
	if old, ok := w.staged[name]; ok {
		os.Remove(filepath.Join(w.dir, old.Temp))
	}
	w.staged[name] = staged{Temp: filepath.Base(tmp), FileSum: sum(data)}
	w.files[name] = sum(data)
	return nil
}

// journalName is the commit record of staged files: written atomically
// before the first staged file is renamed into place, removed after the
// summary. Its presence means "the new run is complete, in these files".
const journalName = ".pgrad-commit.json"

// staged is one staged file in the journal.
type staged struct {
	Temp string `json:"temp"` // the temporary file's name in the directory
	FileSum
}

type journal struct {
	Summary []byte            `json:"summary"`
	Staged  map[string]staged `json:"staged"`
}

// commit puts the journal's staged files in place, writes its summary and
// removes it. It is idempotent: rerun after a crash, it finishes the job.
func commit(dir string, j *journal) error {
	for _, n := range slices.Sorted(func(yield func(string) bool) {
		for k := range j.Staged {
			if !yield(k) {
				return
			}
		}
	}) {
		tmp := filepath.Join(dir, j.Staged[n].Temp)
		if _, err := os.Lstat(tmp); errors.Is(err, fs.ErrNotExist) {
			continue // renamed before the crash
		}
		at("rename " + n)
		if err := os.Rename(tmp, filepath.Join(dir, n)); err != nil {
			return err
		}
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	if err := WriteFile(filepath.Join(dir, Summary), j.Summary); err != nil {
		return err
	}
	at("remove " + journalName)
	if err := os.Remove(filepath.Join(dir, journalName)); err != nil {
		return err
	}
	return syncDir(dir)
}

// readJournal returns dir's commit journal, nil if there is none.
func readJournal(dir string) (*journal, error) {
	p := filepath.Join(dir, journalName)
	b, err := ReadFile(p, MaxSummary*2)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var j journal
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, &Error{Path: p, Err: ErrCorruptSummary, Detail: Quote(err.Error())}
	}
	for n, f := range j.Staged {
		if n == "" || n != filepath.Base(n) || n == Summary || f.Temp != filepath.Base(f.Temp) || !strings.HasPrefix(f.Temp, TempPrefix) {
			return nil, &Error{Path: p, Err: ErrCorruptSummary, Detail: "it names " + Quote(n) + " as " + Quote(f.Temp)}
		}
	}
	return &j, nil
}

// rollForward finishes a commit that a crash interrupted.
func rollForward(dir string) error {
	j, err := readJournal(dir)
	if err != nil || j == nil {
		return err
	}
	return commit(dir, j)
}

// Finish writes summary.json, last. summary must marshal to a JSON object
// whose "files" field equals Files(): the summary names the bytes of every
// file it belongs with. With staged files it first writes the journal
// (the commit point), then renames them into place, then the summary.
func (w *Writer) Finish(summary any) error {
	b, err := json.MarshalIndent(summary, "", "  ")
	if err != nil {
		return err
	}
	var probe struct {
		Files Files `json:"files"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return fmt.Errorf("rundir: the summary is not a JSON object: %v", err)
	}
	if !equalFiles(probe.Files, w.files) {
		return errors.New("rundir: the summary's files field is not Writer.Files()")
	}
	if len(w.staged) > 0 {
		jb, err := json.Marshal(journal{Summary: append(b, '\n'), Staged: w.staged})
		if err != nil {
			return err
		}
		if err := WriteFile(filepath.Join(w.dir, journalName), jb); err != nil {
			return err
		}
		j := &journal{Summary: append(b, '\n'), Staged: w.staged}
		w.staged = map[string]staged{}
		return commit(w.dir, j)
	}
	if !w.invalidated {
		// A summary alone (no data file): still remove the old one first.
		if err := os.Remove(filepath.Join(w.dir, Summary)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		w.invalidated = true
	}
	return WriteFile(filepath.Join(w.dir, Summary), append(b, '\n'))
}

func equalFiles(a, b Files) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A Run is a run directory opened for reading.
type Run struct {
	Dir string
	// Summary is summary.json's content.
	Summary []byte
	// Files is the summary's "files"; nil for a summary written before
	// this package (no checksums to check).
	Files Files
	// staged names, while a commit is unfinished, the temporary file
	// that holds each file not yet renamed into place.
	staged map[string]staged
}

// Open reads dir's summary.json and checks that every file it names has
// the size and SHA-256 it says. Errors: ErrNotRun (no run files at all),
// ErrIncomplete (files but no summary: a writer was interrupted),
// ErrMismatch (a file differs from the summary's record: torn or edited),
// ErrCorruptSummary (summary.json is not what this package writes), and
// the errors of ReadFile.
func Open(dir string) (*Run, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, &Error{Path: dir, Err: ErrNotRun, Detail: "not a directory"}
	}
	// A commit that a crash interrupted: the new run is complete, some of
	// its files still under their temporary names. Read it as it will be.
	j, err := readJournal(dir)
	if err != nil {
		return nil, err
	}
	if j != nil {
		jp := filepath.Join(dir, journalName)
		files, err := parseSummary(jp, j.Summary)
		if err != nil {
			return nil, err
		}
		r := &Run{Dir: dir, Summary: j.Summary, Files: files, staged: j.Staged}
		for _, n := range slices.Sorted(mapsKeys(files)) {
			if _, err := r.ReadFile(n); err != nil {
				return nil, err
			}
		}
		return r, nil
	}
	sp := filepath.Join(dir, Summary)
	b, err := ReadFile(sp, MaxSummary)
	if errors.Is(err, fs.ErrNotExist) {
		for _, n := range DataFiles {
			if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
				return nil, &Error{Path: dir, Err: ErrIncomplete, Detail: "it has " + n + " but no " + Summary + ": its writer was interrupted"}
			}
		}
		return nil, &Error{Path: dir, Err: ErrNotRun, Detail: "no " + Summary + " and no " + Checkpoint}
	}
	if err != nil {
		return nil, err
	}
	files, err := parseSummary(sp, b)
	if err != nil {
		return nil, err
	}
	r := &Run{Dir: dir, Summary: b, Files: files}
	for _, n := range slices.Sorted(mapsKeys(files)) {
		if _, err := r.ReadFile(n); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func mapsKeys(f Files) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range f {
			if !yield(k) {
				return
			}
		}
	}
}

// parseSummary checks that b is a JSON object and returns its "files".
func parseSummary(path string, b []byte) (Files, error) {
	var s struct {
		Files *json.RawMessage `json:"files"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, &Error{Path: path, Err: ErrCorruptSummary, Detail: Quote(err.Error())}
	}
	if s.Files == nil {
		return nil, nil
	}
	var files Files
	if err := json.Unmarshal(*s.Files, &files); err != nil {
		return nil, &Error{Path: path, Err: ErrCorruptSummary, Detail: "files: " + Quote(err.Error())}
	}
	for n, f := range files {
		if n == "" || n != filepath.Base(n) || n == Summary || n == "." || n == ".." {
			return nil, &Error{Path: path, Err: ErrCorruptSummary, Detail: "files names " + Quote(n)}
		}
		if f.Bytes < 0 || len(f.SHA256) != 64 {
			return nil, &Error{Path: path, Err: ErrCorruptSummary, Detail: "files: " + Quote(n) + " has no valid size and sha256"}
		}
	}
	if files == nil {
		files = Files{}
	}
	return files, nil
}

func capFor(name string) int64 {
	if name == Checkpoint {
		return MaxCheckpoint
	}
	return MaxOther
}

// ReadFile reads one file of the run: at most the size the summary
// declares (and the hard cap), checked against its SHA-256. A file the
// summary does not name is read unchecked (a summary written before this
// package) or refused (a summary that names files).
func (r *Run) ReadFile(name string) ([]byte, error) {
	b, err := r.readFile(name, filepath.Join(r.Dir, name))
	if st, ok := r.staged[name]; ok && err != nil {
		// Not renamed yet: the staged copy, checked the same way.
		if b, err2 := r.readFile(name, filepath.Join(r.Dir, st.Temp)); err2 == nil {
			return b, nil
		}
	}
	return b, err
}

func (r *Run) readFile(name, p string) ([]byte, error) {
	limit := capFor(name)
	want, named := r.Files[name]
	if r.Files != nil && !named {
		return nil, &Error{Path: p, Err: ErrMismatch, Detail: Summary + " does not name it"}
	}
	if named {
		if want.Bytes > limit {
			return nil, &Error{Path: p, Err: ErrTooLarge, Detail: fmt.Sprintf("%s declares %d bytes, at most %d", Summary, want.Bytes, limit)}
		}
		limit = want.Bytes
	}
	b, err := ReadFile(p, limit)
	if named && (errors.Is(err, ErrTooLarge) || errors.Is(err, fs.ErrNotExist)) {
		return nil, &Error{Path: p, Err: ErrMismatch, Detail: fmt.Sprintf("%s says %d bytes: %v", Summary, want.Bytes, errors.Unwrap(err))}
	}
	if err != nil {
		return nil, err
	}
	if named {
		if got := sum(b); got != want {
			return nil, &Error{Path: p, Err: ErrMismatch, Detail: fmt.Sprintf("%s says %d bytes with sha256 %.12s…, the file has %d bytes with sha256 %.12s…",
				Summary, want.Bytes, want.SHA256, got.Bytes, got.SHA256)}
		}
	}
	return b, nil
}

// SummaryFor returns the summary.json beside the checkpoint file path if
// that summary names a checkpoint with exactly data's bytes (or names no
// files, a summary written before this package). ok is false when there
// is no summary; err says why a summary that is there cannot be used
// (corrupt, or naming another checkpoint).
func SummaryFor(path string, data []byte) (summary []byte, ok bool, err error) {
	sp := filepath.Join(filepath.Dir(path), Summary)
	b, err := ReadFile(sp, MaxSummary)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	files, err := parseSummary(sp, b)
	if err != nil {
		return nil, false, err
	}
	if files == nil {
		return b, true, nil
	}
	if want, named := files[filepath.Base(path)]; !named || want != sum(data) {
		return nil, false, &Error{Path: sp, Err: ErrMismatch, Detail: "it describes another checkpoint than " + filepath.Base(path)}
	}
	return b, true, nil
}
