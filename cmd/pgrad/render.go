package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/pg/deep"
)

// The scenes' geometry, in SVG units: the same numbers as the GEOMETRY
// object of web/static/scene.js, which draws the page's canvas (a test
// checks that the two agree). They follow Gymnasium's renderers: CartPole
// on a 600×400 screen at 125 units a metre (the ±2.4 m track fills the
// width), Pendulum and Acrobot on 500×500 over ±2.2 m, MountainCar on
// 600×400 over its 1.8-unit track.
var sceneGeometry = map[string]map[string]float64{
	"cartpole": {"width": 600, "height": 400, "scale": 125, "cartW": 50, "cartH": 30, "axleY": 100, "poleW": 10, "poleLen": 1.0, "track": 2.4},
	"pendulum": {"width": 500, "height": 500, "scale": 500 / 4.4, "rodLen": 1.0, "rodW": 0.2},
	"acrobot":  {"width": 500, "height": 500, "scale": 500 / 4.4, "link1": 1.0, "link2": 1.0, "linkW": 0.1, "goal": 1.0},
	"mountaincar": {"width": 600, "height": 400, "scale": 600 / 1.8, "min": -1.2, "max": 0.6, "goal": 0.45,
		"carW": 40, "carH": 20, "clearance": 10},
}

// stepSeconds is each task's simulated time step (Gymnasium's τ or dt);
// MountainCarContinuous has none and is shown at Gymnasium's 30 frames a
// second.
var stepSeconds = map[string]float64{"cartpole": 0.02, "pendulum": 0.05, "acrobot": 0.2, "mountaincar": 1.0 / 30}

// episode is one deterministic evaluation episode: the observation after
// each step and the action (clipped to the bounds) that led to it.
type episode struct {
	env    string
	obs    [][]float64
	act    [][]float64
	ret    float64
	ending string // "terminated" or "truncated"
}

// playEpisode runs one episode of a's deterministic policy from a start
// state drawn with seeded.Rand(seed).
func playEpisode(a *deep.Agent, seed uint64) (*episode, error) {
	name := a.Config.Env
	if _, ok := sceneGeometry[name]; !ok {
		return nil, fmt.Errorf("-render draws cartpole, pendulum, acrobot and mountaincar, not %q", name)
	}
	mk, err := deep.MakeEnv(name)
	if err != nil {
		return nil, err
	}
	e := mk()
	obs := make([]float64, e.ObsDim())
	e.Reset(seeded.Rand(seed), obs)
	low, high := e.ActionBounds()
	ep := &episode{env: name}
	for step := 0; ; step++ {
		act, err := a.Predict(obs)
		if err != nil {
			return nil, err
		}
		for j := range act {
			if low != nil {
				act[j] = min(max(act[j], low[j]), high[j])
			}
		}
		r, term, trunc := e.Step(act, obs)
		ep.ret += r
		ep.obs = append(ep.obs, append([]float64(nil), obs...))
		ep.act = append(ep.act, act)
		if term || trunc || step >= 100_000 {
			ep.ending = "truncated"
			if term {
				ep.ending = "terminated"
			}
			return ep, nil
		}
	}
}

// writeEpisodeSVG writes ep as an animated SVG: one set of shapes whose
// transforms step through the episode's states with SMIL animations
// (calcMode discrete), one state per task time step, looping. Every
// animation's values list has one entry per step of the episode.
func writeEpisodeSVG(w io.Writer, ep *episode, title string) error {
	g := sceneGeometry[ep.env]
	W, H := g["width"], g["height"]
	n := len(ep.obs)
	dur := strconv.FormatFloat(float64(n)*stepSeconds[ep.env], 'g', 6, 64) + "s"
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s" data-frames="%d" data-step-seconds="%g">`+"\n",
		W, H+46, W, H+46, xmlEscape(title), n, stepSeconds[ep.env])
	fmt.Fprintf(b, "<title>%s</title>\n", xmlEscape(title))
	b.WriteString(`<style>.bg{fill:#fff}.ink{fill:#1c1b19}.line{stroke:#55524b;stroke-width:2}.lim{stroke:#d2463c;stroke-width:2}.pole{stroke:#b3661b;stroke-linecap:butt}.round{stroke-linecap:round}.push{fill:#3b4fd8}.pushl{stroke:#3b4fd8;stroke-width:4}.goal{stroke:#16935a;stroke-width:2;stroke-dasharray:8 6}.cap{font-family:system-ui,sans-serif;font-size:15px;fill:#1c1b19}` +
		`@media (prefers-color-scheme:dark){.bg{fill:#202228}.ink{fill:#ecebe6}.line{stroke:#b9b6ad}.pole{stroke:#e8a45c}.push{fill:#8c9bff}.pushl{stroke:#8c9bff}.cap{fill:#ecebe6}}</style>` + "\n")
	fmt.Fprintf(b, `<rect class="bg" width="%g" height="%g"/>`+"\n", W, H+46)
	values := func(f func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = f(i)
		}
		return strings.Join(parts, ";")
	}
	anim := func(kind, vals string) string {
		return fmt.Sprintf(`<animateTransform attributeName="transform" type="%s" values="%s" dur="%s" calcMode="discrete" repeatCount="indefinite"/>`, kind, vals, dur)
	}
	opacity := func(vals string) string {
		return fmt.Sprintf(`<animate attributeName="opacity" values="%s" dur="%s" calcMode="discrete" repeatCount="indefinite"/>`, vals, dur)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	deg := func(rad float64) string { return strconv.FormatFloat(rad*180/math.Pi, 'f', 2, 64) }
	s := g["scale"]
	switch ep.env {
	case "cartpole":
		ground := H - g["axleY"]
		fmt.Fprintf(b, `<line class="line" x1="0" y1="%g" x2="%g" y2="%g"/>`+"\n", ground, W, ground)
		for _, side := range []float64{-1, 1} {
			lx := W/2 + side*g["track"]*s
			fmt.Fprintf(b, `<line class="lim" x1="%g" y1="%g" x2="%g" y2="%g"/>`+"\n", lx, ground-40, lx, ground+10)
		}
		fmt.Fprintf(b, `<g>%s`+"\n", anim("translate", values(func(i int) string { return f(W/2+ep.obs[i][0]*s) + " " + f(ground) })))
		fmt.Fprintf(b, `<rect class="ink" x="%g" y="%g" width="%g" height="%g"/>`+"\n", -g["cartW"]/2, -g["cartH"]/2, g["cartW"], g["cartH"])
		// the push of the step: an arrow on the side the force comes from
		for _, dir := range []float64{-1, 1} {
			ax := -dir * (g["cartW"]/2 + 6)
			right := dir > 0
			op := opacity(values(func(i int) string {
				if (ep.act[i][0] >= 0.5) == right {
					return "1"
				}
				return "0"
			}))
			fmt.Fprintf(b, `<g>%s<line class="pushl" x1="%g" y1="0" x2="%g" y2="0"/><polygon class="push" points="%g,0 %g,-8 %g,8"/></g>`+"\n",
				op, ax-dir*34, ax-dir*8, ax, ax-dir*12, ax-dir*12)
		}
		top := -g["cartH"] / 2
		fmt.Fprintf(b, `<g transform="translate(0 %g)"><g>%s<line class="pole" x1="0" y1="0" x2="0" y2="%g" stroke-width="%g"/></g></g>`+"\n",
			top, anim("rotate", values(func(i int) string { return deg(ep.obs[i][2]) })), -g["poleLen"]*s, g["poleW"])
		b.WriteString("</g>\n")
	case "pendulum":
		ox, oy := W/2, H/2
		fmt.Fprintf(b, `<g transform="translate(%g %g)"><g>%s<line class="pole round" x1="0" y1="0" x2="0" y2="%g" stroke-width="%g"/></g>`,
			ox, oy, anim("rotate", values(func(i int) string { return deg(-math.Atan2(ep.obs[i][1], ep.obs[i][0])) })), -g["rodLen"]*s, g["rodW"]*s)
		fmt.Fprintf(b, `<circle class="ink" r="%g"/>`, 0.05*s)
		// torque: a bar under the pivot, its length ∝ u (at most 2)
		fmt.Fprintf(b, `<rect class="push" x="0" y="%g" width="%g" height="8">%s</rect></g>`+"\n", 0.6*s, 0.5*s,
			anim("scale", values(func(i int) string { return f(-ep.act[i][0]/2) + " 1" })))
	case "acrobot":
		ox, oy := W/2, H/2
		fmt.Fprintf(b, `<line class="goal" x1="0" y1="%g" x2="%g" y2="%g"/>`+"\n", oy-g["goal"]*s, W, oy-g["goal"]*s)
		fmt.Fprintf(b, `<g transform="translate(%g %g)"><g>%s<line class="pole round" x1="0" y1="0" x2="0" y2="%g" stroke-width="%g"/>`,
			ox, oy, anim("rotate", values(func(i int) string { return deg(-math.Atan2(ep.obs[i][1], ep.obs[i][0])) })), g["link1"]*s, g["linkW"]*s)
		fmt.Fprintf(b, `<g transform="translate(0 %g)"><g>%s<line class="pole round" x1="0" y1="0" x2="0" y2="%g" stroke-width="%g"/></g><circle class="ink" r="%g"/></g>`,
			g["link1"]*s, anim("rotate", values(func(i int) string { return deg(-math.Atan2(ep.obs[i][3], ep.obs[i][2])) })), g["link2"]*s, g["linkW"]*s, 0.06*s)
		fmt.Fprintf(b, `<circle class="ink" r="%g"/></g></g>`+"\n", 0.06*s)
		// torque on the middle joint, −1, 0 or +1: a bar at the bottom
		fmt.Fprintf(b, `<g transform="translate(%g %g)"><rect class="push" x="0" y="0" width="%g" height="8">%s</rect></g>`+"\n", W/2, H-20, 0.5*s,
			anim("scale", values(func(i int) string { return f(ep.act[i][0]-1) + " 1" })))
	case "mountaincar":
		lo, hi := g["min"], g["max"]
		height := func(x float64) float64 { return 0.45*math.Sin(3*x) + 0.55 }
		sy := func(y float64) float64 { return H - y*s }
		var path strings.Builder
		for i := 0; i <= 100; i++ {
			x := lo + (hi-lo)*float64(i)/100
			fmt.Fprintf(&path, "%s%s,%s ", map[bool]string{true: "M", false: "L"}[i == 0], f((x-lo)*s), f(sy(height(x))))
		}
		fmt.Fprintf(b, `<path class="line" fill="none" d="%s"/>`+"\n", path.String())
		gx := (g["goal"] - lo) * s
		fmt.Fprintf(b, `<line class="goal" x1="%s" y1="%s" x2="%s" y2="%s"/>`+"\n", f(gx), f(sy(height(g["goal"]))), f(gx), f(sy(height(g["goal"]))-50))
		fmt.Fprintf(b, `<g>%s<g>%s<rect class="ink" x="%g" y="%g" width="%g" height="%g"/></g></g>`+"\n",
			anim("translate", values(func(i int) string {
				x := ep.obs[i][0]
				return f((x-lo)*s) + " " + f(sy(height(x))-g["clearance"])
			})),
			anim("rotate", values(func(i int) string { return deg(-math.Atan(1.35 * math.Cos(3*ep.obs[i][0]))) })),
			-g["carW"]/2, -g["carH"], g["carW"], g["carH"])
	}
	fmt.Fprintf(b, `<text class="cap" x="10" y="%g">%s</text>`+"\n", H+20,
		xmlEscape(fmt.Sprintf("%s · %d steps (%s), return %.1f", title, n, ep.ending, ep.ret)))
	fmt.Fprintf(b, `<text class="cap" x="10" y="%g" font-size="12">%s</text>`+"\n", H+38,
		xmlEscape(fmt.Sprintf("one state every %g s (the task's time step), looping · pgrad eval -render", stepSeconds[ep.env])))
	b.WriteString("</svg>\n")
	return b.Flush()
}

func xmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}

// renderEpisode plays one episode of a and writes it to path as SVG
// (through a temporary file, so a failed write leaves nothing half done).
func renderEpisode(a *deep.Agent, seed uint64, path string) (*episode, error) {
	ep, err := playEpisode(a, seed)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("%s · %s", envTitle(ep.env), strings.ToUpper(a.Config.Algo))
	werr := writeEpisodeSVG(tmp, ep, title)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return nil, werr
	}
	return ep, nil
}
