package plot

import (
	"bytes"
	"encoding/xml"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestTicksAreRoundAndCover(t *testing.T) {
	cases := []struct{ lo, hi float64 }{{0, 500}, {-1234, -150}, {0, 1}, {3, 3.0001}, {0, 512000}}
	for _, c := range cases {
		tk := ticks(c.lo, c.hi, 6)
		eps := 1e-9 * (tk[1] - tk[0])
		if tk[0] > c.lo+eps || tk[len(tk)-1] < c.hi-eps {
			t.Errorf("ticks(%v, %v) = %v do not cover the range", c.lo, c.hi, tk)
		}
		step := tk[1] - tk[0]
		m := step / math.Pow(10, math.Floor(math.Log10(step)))
		if r := math.Round(m*1e9) / 1e9; r != 1 && r != 2 && r != 5 {
			t.Errorf("ticks(%v, %v): step %v is not 1, 2 or 5 × 10^k", c.lo, c.hi, step)
		}
		if len(tk) > 15 {
			t.Errorf("ticks(%v, %v): %d ticks", c.lo, c.hi, len(tk))
		}
	}
	if got := label(250000); got != "250k" {
		t.Errorf("label(250000) = %q", got)
	}
	if got := label(1.5e6); got != "1.5M" {
		t.Errorf("label(1.5e6) = %q", got)
	}
}

func TestGolden(t *testing.T) {
	c := Chart{
		Title: "CartPole-v1 <ppo>", XLabel: "environment steps", YLabel: "mean return (last 20 episodes)",
		Series: []Series{
			{Name: "return", X: []float64{0, 1000, 2000, 3000, 4000}, Y: []float64{20, math.NaN(), 80, 300, 500}},
			{Name: "eval", X: []float64{4000}, Y: []float64{498}},
		},
	}
	var b bytes.Buffer
	if err := WriteSVG(&b, c); err != nil {
		t.Fatal(err)
	}
	// Well-formed XML with the title escaped.
	d := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v", err)
			}
			break
		}
	}
	if n := strings.Count(b.String(), "<circle"); n != 1 {
		t.Errorf("%d markers, want one for the single evaluation point", n)
	}
	if !strings.Contains(b.String(), "CartPole-v1 &lt;ppo&gt;") {
		t.Error("title not escaped")
	}
	golden := filepath.Join("testdata", "curve.svg")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("SVG differs from %s (run with -update if the change is intended)", golden)
	}
}

func TestEmptyChart(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSVG(&b, Chart{Title: "empty"}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(b.String(), "</svg>\n") {
		t.Error("incomplete SVG")
	}
}
