// frame.js finds the sections of a frame returned by the Go bridge. The
// layout is documented in web/wasm's package comment; these functions fill
// an offsets object the caller keeps, so decoding allocates nothing.

export const GRID = 1;
export const FIELD = 2;
export const HEADER = 20;

// Outcome codes of a trajectory, as in package env.
export const GOAL = 1;
export const PIT = 2;
export const CAPPED = 3;

// Slots of one learning-curve point: rollouts, success rate, mean return,
// mean episode length.
export const CURVE_SLOTS = 4;

// newGridOffsets returns the object gridOffsets fills.
export function newGridOffsets() {
  return { size: 0, rollouts: 0, start: 0, goal: 0, batch: 1, success: NaN, meanReturn: NaN, greedyEnd: 0,
    baselineKind: 0, meanLength: NaN, probs: 0, baselines: 0, pits: 0, nPits: 0, walls: 0, nWalls: 0, traj: 0, nTraj: 0,
    curve: 0, nCurve: 0, moves: 0, nMoves: 0, greedy: 0, nGreedy: 0 };
}

// gridOffsets reads the header of grid frame f into o.
export function gridOffsets(f, o) {
  if (f[0] !== GRID) {
    throw new Error(`pgrad: expected a grid frame, got kind ${f[0]}`);
  }
  const n = f[1];
  o.size = n;
  o.rollouts = f[2];
  o.start = f[3];
  o.goal = f[4];
  o.nPits = f[5];
  o.nWalls = f[6];
  o.nTraj = f[7];
  o.nCurve = f[9];
  o.nMoves = f[10];
  o.nGreedy = f[11];
  o.batch = f[12];
  o.success = f[13];
  o.meanReturn = f[14];
  o.greedyEnd = f[16];
  o.baselineKind = f[18];
  o.meanLength = f[19];
  o.probs = HEADER;
  o.baselines = o.probs + n * n * 4;
  o.pits = o.baselines + n * n;
  o.walls = o.pits + o.nPits;
  o.traj = o.walls + o.nWalls;
  o.curve = o.traj + 3 * o.nTraj + f[8];
  o.moves = o.curve + CURVE_SLOTS * o.nCurve;
  o.greedy = o.moves + o.nMoves;
  return o;
}

// newFieldOffsets returns the object fieldOffsets fills.
export function newFieldOffsets() {
  return { rollouts: 0, muX: 0, muY: 0, sigmaX: 1, sigmaY: 1, targetX: 0, targetY: 0,
    lo: -1, hi: 1, res: 0, batch: 1, meanReward: NaN, success: NaN, width: 0,
    samples: 0, nSamples: 0, curve: 0, nCurve: 0, moves: 0, nMoves: 0, landscape: 0, warning: 0 };
}

// fieldOffsets reads the header of field frame f into o.
export function fieldOffsets(f, o) {
  if (f[0] !== FIELD) {
    throw new Error(`pgrad: expected a field frame, got kind ${f[0]}`);
  }
  o.rollouts = f[1];
  o.muX = f[2];
  o.muY = f[3];
  o.sigmaX = f[4];
  o.sigmaY = f[5];
  o.targetX = f[6];
  o.targetY = f[7];
  o.nSamples = f[8];
  o.nCurve = f[9];
  o.res = f[10];
  o.lo = f[11];
  o.hi = f[12];
  o.batch = f[13];
  o.meanReward = f[14];
  o.success = f[16];
  o.nMoves = f[17];
  o.width = f[18];
  o.samples = HEADER;
  o.curve = o.samples + 3 * o.nSamples;
  o.moves = o.curve + CURVE_SLOTS * o.nCurve;
  o.landscape = o.moves + o.nMoves;
  o.warning = f[o.landscape + o.res * o.res];
  return o;
}
