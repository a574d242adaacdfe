//go:build !js && !wasip1

package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// firstViewFontsJS lists the fonts of the text the page lays out at load,
// as "family list | size | weight | style | an example". Blink asks the
// browser process for one "strike" per distinct typeface, size, weight
// and style, and on Linux, where the sandboxed renderer cannot run
// fontconfig, each is a synchronous IPC. SVG text is drawn at its font
// size times its viewBox's scale, so that product is its size; a select
// draws its option's label in its own font. "laidOut" is the text outside
// the sections content-visibility skips, "view" the part of it inside the
// viewport.
const firstViewFontsJS = `(() => {
  const view = new Map(), laidOut = new Map();
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.classList.length ? "." + [...el.classList].join(".") : "");
  const w = innerWidth, h = innerHeight;
  const items = []; // [element, its text, a Range or the element to measure]
  // The skipped sections first, before any geometry read lays them out.
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.data.trim() === "" || !n.parentElement.checkVisibility({contentVisibilityAuto: true})) continue;
    const r = document.createRange();
    r.selectNodeContents(n);
    items.push([n.parentElement, n.data, r]);
  }
  for (const s of document.querySelectorAll("select")) {
    if (s.checkVisibility({contentVisibilityAuto: true})) items.push([s, s.selectedOptions[0]?.text || "", s]);
  }
  for (const [el, text, box] of items) {
    const rects = [...box.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (rects.length === 0) continue; // an option of a select, an empty box
    const cs = getComputedStyle(el);
    let size = parseFloat(cs.fontSize);
    if (el instanceof SVGGraphicsElement) {
      const m = el.getScreenCTM();
      size *= Math.hypot(m.a, m.b);
    }
    const key = [cs.fontFamily, size.toFixed(2) + "px", cs.fontWeight, cs.fontStyle].join(" | ");
    const example = key + " | " + name(el.parentElement) + " > " + name(el) + " " + JSON.stringify(text.trim().slice(0, 24));
    if (!laidOut.has(key)) laidOut.set(key, example);
    if (!view.has(key) && rects.some((r) => r.bottom > 0 && r.top < h && r.right > 0 && r.left < w)) view.set(key, example);
  }
  const sorted = (m) => [...m.keys()].sort().map((k) => m.get(k));
  return {view: sorted(view), laidOut: sorted(laidOut)};
})()`

type firstViewFonts struct {
	View    []string `json:"view"`
	LaidOut []string `json:"laidOut"`
}

// typeScaleJS checks the page's stylesheets against its type scale, the
// --fs-* custom properties of :root: it lists the scale and every
// font-size, font or font-weight declaration that is not one of its sizes
// or of the page's weights.
const typeScaleJS = `(() => {
  const rules = [];
  const collect = (list) => {
    for (const r of list) {
      if (r instanceof CSSStyleRule) rules.push(r);
      if (r.cssRules) collect(r.cssRules); // @media, @supports, nesting
    }
  };
  for (const s of document.styleSheets) collect(s.cssRules);
  const scale = new Set();
  for (const r of rules) {
    if (r.selectorText !== ":root") continue;
    for (const p of r.style) if (p.startsWith("--fs-")) scale.add(p);
  }
  const bad = [];
  const where = (r) => (r.parentStyleSheet.href || "").replace(/^.*\//, "") + " " + r.selectorText;
  const sizeOK = (v) => v === "inherit" || [...scale].some((p) => v === "var(" + p + ")");
  const weightOK = (v, r) => v === "" || v === "inherit" || v === "normal" || v === "400" || v === "600" || (v === "800" && r.selectorText === "h1");
  for (const r of rules) {
    const size = r.style.getPropertyValue("font-size").trim();
    if (size !== "" && !sizeOK(size)) bad.push(where(r) + ": font-size " + size);
    const weight = r.style.getPropertyValue("font-weight").trim();
    if (!weightOK(weight, r)) bad.push(where(r) + ": font-weight " + weight);
    // A font shorthand with a var() keeps its longhands unknown until
    // computed: read its size and weight from its text.
    const font = r.style.getPropertyValue("font").trim();
    if (font.includes("var(")) {
      const vars = font.match(/var\(--fs-[\w-]+\)/g) || [];
      const rest = font.replace(/var\([^)]*\)/g, " ").replace(/\/\s*[\d.]+/, " ");
      if (vars.length !== 1 || !sizeOK(vars[0]) || /\d\s*(px|r?em|%|vw|vh|pt)\b|clamp|calc|small|large/.test(rest)) bad.push(where(r) + ": font " + font);
      const w = (rest.match(/\b(\d{3}|bold|bolder|lighter)\b/) || [""])[0];
      if (!weightOK(w, r)) bad.push(where(r) + ": font weight " + w);
    }
  }
  for (const e of document.querySelectorAll("[font-size], [font-weight], [style*=font]")) bad.push("an attribute of " + e.tagName + ": " + (e.getAttribute("font-size") || e.getAttribute("font-weight") || e.getAttribute("style")));
  return {scale: [...scale], bad};
})()`

type typeScale struct {
	Scale []string `json:"scale"`
	Bad   []string `json:"bad"`
}

// TestBrowserFirstViewFonts keeps the fonts of the first layout few. That
// layout waits on one IPC to the browser per distinct strike and per
// family name looked up, and before the type scale it had 46 strikes and
// 21 look-ups, about 140 ms of a cold load's 161 ms first layout on a
// 2-core machine (issue 10). Every font-size of the stylesheets is one of
// the scale's, and the text laid out at load, at a desktop's and a phone's
// width, has at most maxStrikes distinct family lists, sizes, weights and
// styles (38 and 39 before the scale, 21 and 23 with it).
func TestBrowserFirstViewFonts(t *testing.T) {
	const (
		maxScale   = 9  // seven sizes for text, two fluid ones for the title and the equation
		maxStrikes = 24 // laid out at load
		maxView    = 8  // in the first viewport (the hero and the first paragraphs)
	)
	p := newPage(t)
	t.Run("the type scale", func(t *testing.T) {
		got := eval[typeScale](t, p, typeScaleJS)
		if len(got.Scale) == 0 || len(got.Scale) > maxScale {
			t.Errorf("the type scale has %d sizes (%q), want 1 to %d", len(got.Scale), got.Scale, maxScale)
		}
		for _, b := range got.Bad {
			t.Errorf("not on the type scale: %s", b)
		}
	})
	for _, w := range []int64{1280, 390} {
		t.Run(fmt.Sprintf("%d px", w), func(t *testing.T) {
			if w < 500 {
				p.run(t, chromedp.EmulateViewport(w, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
			} else {
				p.run(t, chromedp.EmulateViewport(w, 800))
			}
			p.open(t, "")
			p.waitFor(t, "the grid and the chart", `document.querySelectorAll('#grid .cell').length === 9 && document.querySelectorAll('#chart text').length > 0`)
			got := eval[firstViewFonts](t, p, firstViewFontsJS)
			list := "\n  " + strings.Join(got.LaidOut, "\n  ")
			t.Logf("%d fonts in the viewport, %d laid out at load:%s", len(got.View), len(got.LaidOut), list)
			if len(got.LaidOut) > maxStrikes {
				t.Errorf("%d distinct fonts laid out at load, want ≤ %d (family list | size | weight | style | the first text in it):%s", len(got.LaidOut), maxStrikes, list)
			}
			if len(got.View) > maxView {
				t.Errorf("%d distinct fonts in the first viewport, want ≤ %d:\n  %s", len(got.View), maxView, strings.Join(got.View, "\n  "))
			}
		})
	}
	p.run(t, chromedp.EmulateViewport(1280, 900))
}
