// dom.js holds what the views share: building SVG elements, and the
// throttle that keeps heavy redraws to a few a second.

export const SVG = "http://www.w3.org/2000/svg";

// el creates the SVG element name with the attributes attrs and appends it
// to parent, if there is one.
export function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const k in attrs) {
    e.setAttribute(k, attrs[k]);
  }
  if (parent) {
    parent.appendChild(e);
  }
  return e;
}

// HEAVY_MS is the least time between two heavy redraws. At full speed every
// rollout is replaced each frame, faster than an eye can follow, so
// redrawing them 20 times a second shows the same and halves the paint work.
export const HEAVY_MS = 50;

// A Throttle runs draw at most once every ms milliseconds (HEAVY_MS unless
// told). What it holds back is drawn by the next flush(true), which the
// lab calls on idle animation frames.
export class Throttle {
  constructor(draw, ms = HEAVY_MS) {
    this.draw = draw;
    this.ms = ms;
    this.pending = false;
    this.last = -Infinity;
  }

  // request marks a redraw as due and draws unless the last was too recent.
  request() {
    this.pending = true;
    this.flush(false);
  }

  // flush draws if a redraw is due and, unless forced, the last drawing is
  // older than ms.
  flush(force) {
    if (!this.pending) {
      return;
    }
    const now = performance.now();
    if (!force && now - this.last < this.ms) {
      return;
    }
    this.last = now;
    this.pending = false;
    this.draw();
  }
}

// setText writes text into node e only when it differs from what is there:
// a rewritten text node is laid out again even when its text is the same.
// An element holding one text node keeps it and changes its data, so that
// its layout object is updated rather than destroyed and built again.
export function setText(e, text) {
  if (e.textContent === text) {
    return;
  }
  const t = e.firstChild;
  if (t !== null && t === e.lastChild && t.nodeType === Node.TEXT_NODE && text !== "") {
    t.data = text;
  } else {
    e.textContent = text;
  }
}

// setAttr sets attribute name of e to value only when it differs: an
// attribute written with its own value still invalidates style and paint.
export function setAttr(e, name, value) {
  if (e.getAttribute(name) !== value) {
    e.setAttribute(name, value);
  }
}
