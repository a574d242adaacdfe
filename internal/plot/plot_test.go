package plot

import (
	"bytes"
	"encoding/xml"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/internal/golden"
)

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
	for _, v := range ticks(0, 1, 6) {
		if l := label(v); len(l) > 3 {
			t.Errorf("ticks(0, 1): label %q carries float error", l)
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
	if n := strings.Count(b.String(), "<circle"); n != 2 {
		t.Errorf("%d circles, want two: the single evaluation point and its key in the legend", n)
	}
	if !strings.Contains(b.String(), "CartPole-v1 &lt;ppo&gt;") {
		t.Error("title not escaped")
	}
	golden.Check(t, filepath.Join("testdata", "curve.svg"), b.Bytes())
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

// TestSinglePointIsAWholeDotKeyedAsADot checks the evaluation point that
// ends a training curve: it lies inside the frame, not across its right
// edge, and the legend shows it as a dot, not as a line that is nowhere in
// the plot.
func TestSinglePointIsAWholeDotKeyedAsADot(t *testing.T) {
	c := Chart{Series: []Series{
		{Name: "return", X: []float64{0, 250000, 500000}, Y: []float64{20, 300, 500}, Color: "blue"},
		{Name: "eval", X: []float64{500000}, Y: []float64{480}, Color: "red"},
	}}
	var b bytes.Buffer
	if err := WriteSVG(&b, c); err != nil {
		t.Fatal(err)
	}
	type shape struct {
		XMLName xml.Name
		X       float64 `xml:"x,attr"`
		Width   float64 `xml:"width,attr"`
		Cx      float64 `xml:"cx,attr"`
		Cy      float64 `xml:"cy,attr"`
		R       float64 `xml:"r,attr"`
		Stroke  string  `xml:"stroke,attr"`
		Fill    string  `xml:"fill,attr"`
	}
	var doc struct {
		Shapes []shape `xml:",any"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var frameRight float64
	var dots []shape
	redLines := 0
	for _, s := range doc.Shapes {
		switch {
		case s.XMLName.Local == "rect" && s.Fill == "none":
			frameRight = s.X + s.Width
		case s.XMLName.Local == "circle" && s.Fill == "red":
			dots = append(dots, s)
		case s.XMLName.Local == "line" && s.Stroke == "red":
			redLines++
		}
	}
	if len(dots) != 2 || redLines != 0 {
		t.Fatalf("the single point: %d red dots and %d red lines; want a dot in the plot and one in the legend, no line", len(dots), redLines)
	}
	plotDot := dots[0]
	if plotDot.Cy == 40 { // the legend's row
		plotDot = dots[1]
	}
	if plotDot.Cx+plotDot.R > frameRight {
		t.Errorf("the dot at x %v with radius %v crosses the frame's right edge at %v", plotDot.Cx, plotDot.R, frameRight)
	}
}

// A band is one filled path per run of finite points, drawn before the
// lines, and widens the axes to hold it.
func TestBand(t *testing.T) {
	c := Chart{Series: []Series{{Name: "mean", X: []float64{0, 1, 2, 3, 4}, Y: []float64{1, 2, 3, 4, 5},
		Lo: []float64{0, 1, math.NaN(), 3, 4}, Hi: []float64{2, 3, 4, 5, 50}}}}
	var b bytes.Buffer
	if err := WriteSVG(&b, c); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if n := strings.Count(s, `fill-opacity="0.18"`); n != 2 {
		t.Errorf("%d band polygons, want 2 (the NaN splits the band)", n)
	}
	if strings.Index(s, `fill-opacity`) > strings.Index(s, `stroke-width="1.5"`) {
		t.Error("the band is drawn over the line")
	}
	if !strings.Contains(s, ">50<") {
		t.Error("the y axis does not reach the band's top, 50")
	}
	// Without both bounds of the right length there is no band.
	c.Series[0].Hi = c.Series[0].Hi[:2]
	b.Reset()
	WriteSVG(&b, c)
	if strings.Contains(b.String(), "fill-opacity") {
		t.Error("a band drawn from bounds of the wrong length")
	}
}
