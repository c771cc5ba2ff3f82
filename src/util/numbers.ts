// Number parsing and formatting with Redis's exact rules.
//
// Redis integers are signed 64-bit. JavaScript numbers are exact only up to
// 2^53, so values are parsed to a `number` when they fit that range and to a
// `bigint` otherwise; callers that do arithmetic use `addInt64` which stays in
// `number` on the fast path and falls back to BigInt only near the edges.

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

export type Int = number | bigint;

/**
 * Redis's string2ll: optional '-', no leading '+', no spaces, no leading
 * zeros (except "0" itself), at most 20 characters, within int64.
 * Returns null when the string is not such an integer.
 */
export function parseInt64(s: string): Int | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45 /* - */) {
    if (n === 1) return null;
    neg = true;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return n === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  // Up to 15 digits cannot exceed 2^53: accumulate as a number.
  if (n - i <= 15) {
    let v = 0;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }
  for (let j = i; j < n; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return null;
  }
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return normalizeInt(big);
}

/** A bigint that fits in a safe JS number becomes a number. */
export function normalizeInt(v: bigint): Int {
  if (v >= -9007199254740991n && v <= 9007199254740991n) return Number(v);
  return v;
}

/** a + b within int64, or null on overflow (Redis: "increment or decrement would overflow"). */
export function addInt64(a: Int, b: Int): Int | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r > INT64_MAX || r < INT64_MIN) return null;
  return normalizeInt(r);
}

/** Parse a non-negative or negative int64 that the caller will use as a JS number (clamped by callers). */
export function toNumber(v: Int): number {
  return typeof v === 'number' ? v : Number(v);
}

/**
 * Redis's string2ld / strtold-based float parsing as used by INCRBYFLOAT and
 * other float arguments: the whole string must be a number, no spaces, and
 * NaN is refused. "inf", "+inf", "-inf", "infinity" are accepted.
 */
export function parseFloatStrict(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 5 * 1024) return null;
  const c0 = s.charCodeAt(0);
  // strtold skips leading white space; Redis rejects it explicitly.
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  const lower = s.toLowerCase();
  const body = lower.charCodeAt(0) === 43 || lower.charCodeAt(0) === 45 ? lower.slice(1) : lower;
  if (body === 'inf' || body === 'infinity') return lower.charCodeAt(0) === 45 ? -Infinity : Infinity;
  if (!FLOAT_RE.test(s) && !HEX_FLOAT_RE.test(s)) return null;
  const v = HEX_FLOAT_RE.test(s) ? parseHexFloat(s) : Number(s);
  if (Number.isNaN(v)) return null;
  return v;
}

const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX_FLOAT_RE = /^[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?$/;

function parseHexFloat(s: string): number {
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/.exec(s);
  if (!m) return NaN;
  const sign = m[1] === '-' ? -1 : 1;
  const int = m[2] ?? '';
  const frac = m[3] ?? '';
  let v = int.length ? parseInt(int, 16) : 0;
  for (let i = 0; i < frac.length; i++) v += parseInt(frac[i]!, 16) / Math.pow(16, i + 1);
  const exp = m[4] ? parseInt(m[4], 10) : 0;
  return sign * v * Math.pow(2, exp);
}

/** C's printf("%.17g") as used by Redis 7.0 for double replies. */
export function formatDouble17g(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // toExponential rounds to 17 significant digits exactly as printf does and
  // gives the exponent %g uses to choose between the two notations.
  const e = d.toExponential(16);
  const eIdx = e.indexOf('e');
  const X = parseInt(e.slice(eIdx + 1), 10);
  if (X < -4 || X >= 17) {
    let mant = e.slice(0, eIdx);
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const ex = Math.abs(X);
    return `${mant}e${X < 0 ? '-' : '+'}${ex < 10 ? '0' : ''}${ex}`;
  }
  let f = d.toFixed(16 - X);
  if (f.includes('.')) f = f.replace(/0+$/, '').replace(/\.$/, '');
  return f;
}

/**
 * Redis's long double formatting for INCRBYFLOAT and HINCRBYFLOAT
 * (ld2string with LD_STR_HUMAN): fixed notation, 17 decimals, trailing zeros
 * removed. Redis computes in 80-bit long double, so the visible digits are
 * those of the shortest representation of the double result, which is what
 * a user sees from Redis for every value a double can hold exactly enough.
 */
export function formatLongDoubleHuman(d: number): string {
  if (d === 0) return '0';
  const short = String(d);
  let digits: string;
  let pointPos: number; // position of the decimal point relative to digits
  let neg = false;
  let s = short;
  if (s.startsWith('-')) {
    neg = true;
    s = s.slice(1);
  }
  const eIdx = s.indexOf('e');
  let mant = eIdx >= 0 ? s.slice(0, eIdx) : s;
  const exp = eIdx >= 0 ? parseInt(s.slice(eIdx + 1), 10) : 0;
  const dot = mant.indexOf('.');
  if (dot >= 0) {
    digits = mant.slice(0, dot) + mant.slice(dot + 1);
    pointPos = dot + exp;
  } else {
    digits = mant;
    pointPos = mant.length + exp;
  }
  mant = '';
  let intPart: string;
  let fracPart: string;
  if (pointPos <= 0) {
    intPart = '0';
    fracPart = '0'.repeat(-pointPos) + digits;
  } else if (pointPos >= digits.length) {
    intPart = digits + '0'.repeat(pointPos - digits.length);
    fracPart = '';
  } else {
    intPart = digits.slice(0, pointPos);
    fracPart = digits.slice(pointPos);
  }
  if (fracPart.length > 17) {
    // Round half up at 17 decimals, as printf would for these digits.
    const keep = fracPart.slice(0, 17);
    const roundUp = fracPart.charCodeAt(17) >= 53;
    fracPart = keep;
    if (roundUp) {
      const all = (BigInt(intPart + fracPart) + 1n).toString().padStart(intPart.length + 17, '0');
      intPart = all.slice(0, all.length - 17) || '0';
      fracPart = all.slice(all.length - 17);
    }
  }
  fracPart = fracPart.replace(/0+$/, '');
  intPart = intPart.replace(/^0+(?=\d)/, '');
  if (intPart === '0' && fracPart === '') return '0';
  return (neg ? '-' : '') + intPart + (fracPart ? '.' + fracPart : '');
}
