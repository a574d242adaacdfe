// format.js writes numbers for people. thousands(n) writes an integer as
// n.toLocaleString("en-US") does (12,345, -3,000), without going through
// Intl: its first use in a tab sets up ICU's number formatting, which took
// 50–80 ms in headless Chromium here, on the way to the first interactive
// frame. Other numbers keep at most three decimals (rounded by toFixed).

export function thousands(n) {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) {
    return n.toLocaleString("en-US"); // NaN, ∞ and huge values: rare, so Intl's cost is fine
  }
  let s = Math.abs(n).toFixed(3).replace(/\.?0+$/, "");
  let frac = "";
  const dot = s.indexOf(".");
  if (dot >= 0) {
    frac = s.slice(dot);
    s = s.slice(0, dot);
  }
  let out = "";
  while (s.length > 3) {
    out = "," + s.slice(-3) + out;
    s = s.slice(0, -3);
  }
  return (n < 0 || Object.is(n, -0) ? "-" : "") + s + out + frac;
}
