package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/onnx"
	"github.com/pgrad/pgrad/pg/deep"
	"github.com/pgrad/pgrad/policy/mlp"
)

// trainRun trains a short run into a new directory and returns it.
func trainRun(t *testing.T, args ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	code, _, errOut := runCLI(append(append([]string{"train"}, args...), "-out", dir, "-eval", "0", "-quiet")...)
	if code != 0 {
		t.Fatalf("train %v: exit %d: %s", args, code, errOut)
	}
	return dir
}

// pgrad export writes exactly the bytes onnx.Export gives for the run's
// checkpoint, float32 by default and float64 with -dtype, from the run
// directory or the checkpoint file, and says what it wrote on one line.
// -state-std and -squash given to train reach the exported policy.
func TestExportWritesTheAgentsModel(t *testing.T) {
	for _, c := range []struct {
		train []string
		says  string
	}{
		{[]string{"cartpole", "-steps", "2048"}, "obs [N,4] → action [N] int64, logits [N,2]"},
		{[]string{"pendulum", "-steps", "4096", "-state-std", "-squash"}, "obs [N,3] → action [N,1] (squashed), mean [N,1], log_std [N,1]"},
		{[]string{"cartpole", "-steps", "2048", "-norm-obs"}, "obs [N,4] → action [N] int64, logits [N,2]"},
	} {
		dir := trainRun(t, c.train...)
		a, err := deep.Load(filepath.Join(dir, checkpointFile))
		if err != nil {
			t.Fatal(err)
		}
		if g, ok := a.Policy.(*mlp.Gaussian); ok && g.Options() != (mlp.GaussianOptions{StateStd: true, Squash: true}) {
			t.Errorf("%v: the checkpoint's policy has options %+v", c.train, g.Options())
		}
		for _, d := range []struct {
			args []string
			dt   onnx.DType
		}{{nil, onnx.Float32}, {[]string{"-dtype", "float64"}, onnx.Float64}, {[]string{"-dtype=float32"}, onnx.Float32}} {
			want, err := onnx.Export(a, onnx.Options{DType: d.dt})
			if err != nil {
				t.Fatal(err)
			}
			for _, src := range []string{dir, filepath.Join(dir, checkpointFile)} {
				out := filepath.Join(t.TempDir(), "policy.onnx")
				code, stdout, errOut := runCLI(append([]string{"export", src, "-o", out}, d.args...)...)
				if code != 0 {
					t.Fatalf("export %s %v: exit %d: %s", src, d.args, code, errOut)
				}
				got, err := os.ReadFile(out)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("export %s %v: the file (%d bytes, %v) is not onnx.Export's %d bytes", src, d.args, len(got), err, len(want))
				}
				if !strings.Contains(stdout, c.says) || !strings.Contains(stdout, d.dt.String()) || strings.Count(stdout, "\n") != 1 {
					t.Errorf("export %v: stdout %q, want one line with %q and %s", d.args, stdout, c.says, d.dt)
				}
			}
		}
	}
	// The flags may come first.
	dir := trainRun(t, "cartpole", "-steps", "2048")
	out := filepath.Join(t.TempDir(), "p.onnx")
	if code, _, errOut := runCLI("export", "-o", out, "-dtype", "float64", dir); code != 0 {
		t.Errorf("export -o FILE -dtype float64 DIR: exit %d: %s", code, errOut)
	}
}

// Bad input is one line on stderr and exit 2; a file that cannot be
// written is a run-time failure, exit 1; neither leaves a file behind.
func TestExportBadInput(t *testing.T) {
	dir := trainRun(t, "cartpole", "-steps", "2048")
	tmp := t.TempDir()
	corrupt := filepath.Join(tmp, "corrupt")
	if err := os.CopyFS(corrupt, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(corrupt, checkpointFile)
	b, _ := os.ReadFile(ck)
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(ck, b, 0o644); err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(tmp, "truncated.ckpt")
	if err := os.WriteFile(truncated, b[:len(b)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	notRun := filepath.Join(tmp, "notrun")
	if err := os.Mkdir(notRun, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notRun, "notes.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	sweep := filepath.Join(tmp, "sweep")
	if err := os.Mkdir(sweep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sweep, "sweep.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "out.onnx")
	file := filepath.Join(tmp, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export"}, 2, "missing the run"},
		{[]string{"export", dir}, 2, "missing -o"},
		{[]string{"export", filepath.Join(tmp, "missing"), "-o", out}, 2, "no such file"},
		{[]string{"export", corrupt, "-o", out}, 2, "does not match the summary"},
		{[]string{"export", ck, "-o", out}, 2, "checksum mismatch"},
		{[]string{"export", truncated, "-o", out}, 2, "truncated"},
		{[]string{"export", notRun, "-o", out}, 2, "not a run directory"},
		{[]string{"export", sweep, "-o", out}, 2, "is a sweep, not a run"},
		{[]string{"export", filepath.Join(dir, summaryFile), "-o", out}, 2, "not a pgrad checkpoint"},
		{[]string{"export", dir, "-o", out, "-dtype", "float16"}, 2, `-dtype "float16": want float32 or float64`},
		{[]string{"export", dir, "-o", out, "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"export", dir, "-o", out, "-opset", "9"}, 2, "flag provided but not defined"},
		{[]string{"export", dir, "-o", filepath.Join(tmp, "no", "dir", "p.onnx")}, 1, "-o: write "},
		{[]string{"export", dir, "-o", filepath.Join(file, "p.onnx")}, 1, "-o: write "},
		{[]string{"export", dir, "-o", tmp}, 1, "is a directory"},
	}
	for _, c := range cases {
		code, stdout, errOut := runCLI(c.args...)
		if code != c.code || !strings.HasPrefix(errOut, "pgrad export: ") || !strings.Contains(errOut, c.want) ||
			strings.Count(errOut, "\n") != 1 || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and one line with %q", c.args[1:], code, stdout, errOut, c.code, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%q left %s behind", c.args[1:], out)
		}
	}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".onnx-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestExportHelp(t *testing.T) {
	code, out, _ := runCLI("export", "-h")
	if code != 0 || !strings.Contains(out, "-o string") || !strings.Contains(out, "-dtype string") || !strings.Contains(out, `(default "float32")`) {
		t.Errorf("export -h: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI("help"); code != 0 || !strings.Contains(out, "export") {
		t.Errorf("pgrad help does not list export:\n%s", out)
	}
}
