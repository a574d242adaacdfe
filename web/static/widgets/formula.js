// widgets/formula.js is the equation section (<section class="formula-section">):
// it links each symbol of the equation to its line in the legend:
// hovering or focusing either lights up both.

export function initFormula(formula, legend) {
  const items = [...formula.querySelectorAll("[data-sym]"), ...legend.querySelectorAll("[data-sym]")];
  const light = (sym) => {
    for (const e of items) {
      e.classList.toggle("lit", sym !== null && e.dataset.sym === sym);
    }
  };
  for (const root of [formula, legend]) {
    root.addEventListener("pointerover", (e) => {
      const t = e.target.closest("[data-sym]");
      light(t ? t.dataset.sym : null);
    });
    root.addEventListener("pointerleave", () => light(null));
    root.addEventListener("focusin", (e) => {
      const t = e.target.closest("[data-sym]");
      light(t ? t.dataset.sym : null);
    });
    root.addEventListener("focusout", () => light(null));
  }
}
