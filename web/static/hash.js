// hash.js is the settings ⇄ URL-hash schema: one URLSearchParams in
// location.hash, such as
//
//   #seed=7&lr=0.5&baseline=state&flr=0.05&fbaseline=mean&speed=5&fspeed=7&view=traj&goal=0,2&pit=1,1&target=0.5,-0.3
//
// that reproduces a page: the same seed and the same clicks give the same
// run here and in `pgrad train`. Each widget adds entries for the keys it
// owns; the schema writes them all and restores them in the order they
// were added.

// An entry owns some keys of the hash:
//
//   keys                  the names it reads and writes (unique in the page)
//   save(params)          writes its current values into a URLSearchParams
//   restore(params, bad)  applies the values present in params; bad(key,
//                         message) records a value it could not apply
export class HashSchema {
  constructor() {
    this.entries = [];
    this.owner = new Map();
    this.restoring = false; // true while restore runs: views must not save or announce
    this.live = false; // save does nothing until the page has started
  }

  add(entry) {
    for (const k of entry.keys) {
      if (this.owner.has(k)) {
        throw new Error(`pgrad: the hash key ${k} is taken already`);
      }
      this.owner.set(k, entry);
    }
    this.entries.push(entry);
  }

  // save writes every entry's values into the hash without adding a
  // history entry.
  save() {
    if (!this.live || this.restoring) {
      return;
    }
    const p = new URLSearchParams();
    for (const e of this.entries) {
      e.save(p);
    }
    history.replaceState(null, "", `#${p.toString()}`);
  }

  // restore applies the link (location.hash by default) to the given
  // entries (all of them by default; app.js passes the ones of the
  // sections it builds after the lab, with the settings link the page was
  // opened with or last given) and returns the problems found, each as
  // "key: message".
  restore(entries = this.entries, link = location.hash) {
    const p = new URLSearchParams(link.slice(1));
    const problems = [];
    const bad = (key, msg) => problems.push(`${key}: ${msg}`);
    this.restoring = true;
    try {
      for (const e of entries) {
        e.restore(p, bad);
      }
    } finally {
      this.restoring = false;
    }
    return problems;
  }
}

// pair reads key as two comma-separated finite numbers, or null.
export function pair(p, key) {
  const v = (p.get(key) || "").split(",").map(Number);
  return v.length === 2 && v.every(Number.isFinite) ? v : null;
}

// num reads key as a number (NaN when absent).
export function num(p, key) {
  return p.has(key) ? Number(p.get(key)) : NaN;
}
