package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/pg/deep"
)

// renderedSVG is what a test reads back from an SVG file.
type renderedSVG struct {
	frames     int      // data-frames on the root
	step       float64  // data-step-seconds
	valueLists []int    // entries of every animation's values list
	durs       []string // every animation's dur
}

// parseSVG checks that b is well-formed XML whose root is an SVG element
// and collects its animations.
func parseSVG(t *testing.T, b []byte) renderedSVG {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(b)))
	var r renderedSVG
	root := true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := map[string]string{}
		for _, a := range se.Attr {
			attr[a.Name.Local] = a.Value
		}
		if root {
			if se.Name.Local != "svg" || se.Name.Space != "http://www.w3.org/2000/svg" {
				t.Fatalf("root element %v, want svg in the SVG namespace", se.Name)
			}
			r.frames, _ = strconv.Atoi(attr["data-frames"])
			r.step, _ = strconv.ParseFloat(attr["data-step-seconds"], 64)
			root = false
		}
		if se.Name.Local == "animate" || se.Name.Local == "animateTransform" {
			r.valueLists = append(r.valueLists, len(strings.Split(attr["values"], ";")))
			r.durs = append(r.durs, attr["dur"])
		}
	}
	return r
}

// episodeLength replays, independently of render.go, the deterministic
// episode -render draws, and returns its length.
func episodeLength(t *testing.T, dir string, seed uint64) int {
	t.Helper()
	a, err := deep.Load(filepath.Join(dir, checkpointFile))
	if err != nil {
		t.Fatal(err)
	}
	mk, _ := deep.MakeEnv(a.Config.Env)
	e := mk()
	obs := make([]float64, e.ObsDim())
	e.Reset(seeded.Rand(seed), obs)
	low, high := e.ActionBounds()
	for n := 1; ; n++ {
		act, err := a.Predict(obs)
		if err != nil {
			t.Fatal(err)
		}
		for j := range act {
			if low != nil {
				act[j] = min(max(act[j], low[j]), high[j])
			}
		}
		if _, term, trunc := e.Step(act, obs); term || trunc {
			return n
		}
	}
}

// pgrad eval -render writes valid SVG for every control task, with one
// animation entry per step of the episode and the task's real time step.
func TestEvalRender(t *testing.T) {
	for _, env := range []string{"cartpole", "pendulum", "acrobot", "mountaincar"} {
		t.Run(env, func(t *testing.T) {
			dir := t.TempDir()
			cfg, _ := deep.Defaults(env, deep.PPO)
			steps := strconv.Itoa(cfg.Envs * cfg.Steps)
			if code, _, e := runCLI("train", env, "-steps", steps, "-quiet", "-eval", "0", "-out", dir); code != 0 {
				t.Fatalf("train: exit %d: %s", code, e)
			}
			out := filepath.Join(dir, "episode.svg")
			code, _, stderr := runCLI("eval", dir, "-episodes", "1", "-quiet", "-seed", "7", "-render", out)
			if code != 0 {
				t.Fatalf("eval -render: exit %d: %s", code, stderr)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			r := parseSVG(t, b)
			n := episodeLength(t, dir, 7)
			if r.frames != n {
				t.Errorf("data-frames %d, the episode has %d steps", r.frames, n)
			}
			if env == "pendulum" && n != 200 {
				t.Errorf("a Pendulum-v1 episode lasts 200 steps, got %d", n)
			}
			if len(r.valueLists) == 0 {
				t.Fatal("no animation in the SVG")
			}
			wantDur := strconv.FormatFloat(float64(n)*stepSeconds[env], 'g', 6, 64) + "s"
			for i, k := range r.valueLists {
				if k != n || r.durs[i] != wantDur {
					t.Errorf("animation %d: %d values over %s, want %d over %s", i, k, r.durs[i], n, wantDur)
				}
			}
			if r.step != stepSeconds[env] {
				t.Errorf("step of %v s, want %v", r.step, stepSeconds[env])
			}
			if !strings.Contains(stderr, fmt.Sprintf("one %d-step episode", n)) {
				t.Errorf("stderr does not say the episode's length: %q", stderr)
			}
		})
	}
}

func TestEvalRenderErrors(t *testing.T) {
	dir := t.TempDir()
	if code, _, e := runCLI("train", "cartpole", "-steps", "512", "-quiet", "-eval", "0", "-out", dir); code != 0 {
		t.Fatalf("train: exit %d: %s", code, e)
	}
	code, _, stderr := runCLI("eval", dir, "-episodes", "1", "-quiet", "-render", filepath.Join(dir, "no", "such", "dir", "e.svg"))
	if code != 1 || !strings.Contains(stderr, "-render") {
		t.Errorf("an unwritable -render: exit %d, %q; want 1 naming -render", code, stderr)
	}
}

// The SVG and the page's canvas (web/static/scene.js) draw with the same
// geometry.
func TestRenderGeometryIsTheCanvas(t *testing.T) {
	b, err := os.ReadFile("../../web/static/scene.js")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, "// GEOMETRY-BEGIN"), strings.Index(s, "// GEOMETRY-END")
	if i < 0 || j < i {
		t.Fatal("scene.js has no GEOMETRY-BEGIN … GEOMETRY-END block")
	}
	block := strings.TrimSpace(s[i+len("// GEOMETRY-BEGIN") : j])
	block = strings.TrimSuffix(strings.TrimPrefix(block, "export const GEOMETRY ="), ";")
	var js map[string]map[string]float64
	if err := json.Unmarshal([]byte(block), &js); err != nil {
		t.Fatalf("GEOMETRY is not JSON: %v", err)
	}
	for _, env := range []string{"cartpole", "pendulum", "acrobot"} {
		if fmt.Sprint(js[env]) != fmt.Sprint(sceneGeometry[env]) {
			t.Errorf("%s: canvas %v, SVG %v", env, js[env], sceneGeometry[env])
		}
	}
}
