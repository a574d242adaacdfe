package onnxpb

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The committed onnx.pb.go is what the go:generate line in gen.go writes
// today: protoc and protoc-gen-go (on PATH or in GOPATH/bin) regenerate it
// into a temporary directory and the bytes must be equal. .ci/run installs
// both; elsewhere the test skips when one is missing.
func TestGeneratedFileIsCurrent(t *testing.T) {
	const proto = "/usr/lib/python3/dist-packages/onnx/onnx.proto"
	skip := func(what string, err error) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI=true: %v", what, err)
		}
		t.Skipf("skipping: %s not available (%v); .ci/run installs it", what, err)
	}
	protoc, err := exec.LookPath("protoc")
	if err != nil {
		skip("protoc (protobuf-compiler)", err)
	}
	if _, err := os.Stat(proto); err != nil {
		skip("onnx.proto (python3-onnx)", err)
	}
	plugin, err := exec.LookPath("protoc-gen-go")
	if err != nil {
		out, gerr := exec.Command("go", "env", "GOPATH").Output()
		plugin = filepath.Join(string(bytes.TrimSpace(out)), "bin", "protoc-gen-go")
		if _, serr := os.Stat(plugin); gerr != nil || serr != nil {
			skip("protoc-gen-go (go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12)", err)
		}
	}
	dir := t.TempDir()
	cmd := exec.Command(protoc, "--plugin=protoc-gen-go="+plugin, "--proto_path="+filepath.Dir(proto), "--go_out="+dir,
		"--go_opt=paths=source_relative", "--go_opt=Monnx.proto=github.com/pgrad/pgrad/onnx/internal/onnxpb", "onnx.proto")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("protoc: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "onnx.pb.go"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("onnx.pb.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("onnx.pb.go differs from what protoc and %s generate now (%d vs %d bytes): run go generate ./onnx/...", plugin, len(want), len(got))
	}
}
