package onnx_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgrad/pgrad/onnx"
	"github.com/pgrad/pgrad/pg/deep"
)

// Export a trained agent's policy as a float32 ONNX model and write it;
// onnxruntime then runs it (see the README's "Export to ONNX").
func ExampleExport() {
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	cfg.TotalSteps = cfg.Envs * cfg.Steps // one iteration, for the example
	tr, err := deep.New(cfg, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := tr.Train(context.Background(), nil); err != nil {
		fmt.Println(err)
		return
	}
	data, err := onnx.Export(tr.Agent(), onnx.Options{DType: onnx.Float32})
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "pgrad-onnx")
	defer os.RemoveAll(dir)
	if err := onnx.WriteFile(filepath.Join(dir, "cartpole.onnx"), data); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d bytes: obs [N,4] → %s, %s\n", len(data), onnx.OutputAction, onnx.OutputLogits)
	// Output: 19130 bytes: obs [N,4] → action, logits
}
