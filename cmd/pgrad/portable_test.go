package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/nn"
	"github.com/pgrad/pgrad/pg/deep"
)

// pgrad train -portable -iters N writes, row for row and digit for digit,
// the metrics of N iterations of the library's portable run with the same
// seed and defaults: what the page's tab computes and prints the command of.
func TestTrainPortableIters(t *testing.T) {
	defer nn.SetPortable(false)
	dir := t.TempDir()
	code, _, stderr := runCLI("train", "cartpole", "-portable", "-iters", "3", "-seed", "4", "-quiet", "-eval", "0", "-out", dir, "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(filepath.Join(dir, metricsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("metrics.csv has %d rows, want a header and 3 iterations", len(rows))
	}
	sum, _ := os.ReadFile(filepath.Join(dir, summaryFile))
	if !strings.Contains(string(sum), `"portable": true`) || !strings.Contains(string(sum), `"stopped": "iters"`) {
		t.Errorf("summary.json does not say portable and iters:\n%s", sum)
	}

	nn.SetPortable(true)
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	tr, err := deep.New(cfg, 4)
	if err != nil {
		t.Fatal(err)
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for i := 1; i <= 3; i++ {
		s, err := tr.Iterate()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{strconv.Itoa(s.Steps), strconv.Itoa(s.Episodes), g(s.Recent), g(s.PolicyLoss), g(s.ValueLoss), g(s.Entropy), g(s.ApproxKL), g(s.ClipFrac), g(s.ExplainedVar)}
		if got := rows[i][:len(want)]; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("iteration %d: the CLI wrote %v, the library's portable run gives %v", i, got, want)
		}
	}
}

func TestTrainPortableBadIters(t *testing.T) {
	defer nn.SetPortable(false)
	code, _, stderr := runCLI("train", "cartpole", "-portable", "-iters", "-1")
	if code != 2 || !strings.Contains(stderr, "-iters") {
		t.Fatalf("exit %d, stderr %q; want 2 naming -iters", code, stderr)
	}
}
