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


// ---------------------------------------------------------------------------
// Floats as C parses and prints them.
//
// Redis parses float arguments with strtod/strtold and prints with printf.
// JS's Number() and toExponential round correctly too, except that an exact
// tie is broken away from zero instead of to even, and JS has no 80-bit long
// double at all. INCRBYFLOAT/HINCRBYFLOAT compute in x87 long double (64-bit
// significand), and their results differ visibly from double arithmetic
// (0.1 + 0.2 is "0.3" in Redis), so that type is emulated exactly below with
// BigInt: parse to the nearest long double, add with one rounding, print the
// exact binary value rounded to 17 decimals, all with round-half-even.

/** The syntax strtod accepts, split into parts (no value computed yet). */
interface FloatSyntax {
  neg: boolean;
  inf: boolean;
  hex: boolean;
  /** Mantissa digits without the point (hex digits when hex). */
  digits: string;
  /** Digits after the point. */
  fracDigits: number;
  /** The exponent: decimal (e) or binary (p for hex), saturated. */
  exp: number;
}

const EXP_CAP = 10_000_000;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * Scan a whole string with strtod's grammar: [sign] (inf | infinity |
 * 0x hex [. hex] [p exp] | dec [. dec] [e exp]). Null when any of it is left
 * over, when it starts with white space, or for NaN (which Redis refuses).
 */
function scanCFloat(s: string): FloatSyntax | null {
  const n = s.length;
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    i = 1;
  }
  if (i >= n) return null;
  const c = s.charCodeAt(i);
  if (c === 105 || c === 73) {
    const rest = s.slice(i).toLowerCase();
    if (rest === 'inf' || rest === 'infinity') return { neg, inf: true, hex: false, digits: '', fracDigits: 0, exp: 0 };
    return null;
  }
  const hex = c === 48 && i + 1 < n && (s.charCodeAt(i + 1) | 32) === 120;
  if (hex) i += 2;
  const digitOk = hex ? isHexDigit : isDigit;
  let digits = '';
  let fracDigits = 0;
  let start = i;
  while (i < n && digitOk(s.charCodeAt(i))) i++;
  digits = s.slice(start, i);
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    start = i;
    while (i < n && digitOk(s.charCodeAt(i))) i++;
    fracDigits = i - start;
    digits += s.slice(start, i);
  }
  if (digits.length === 0) return null;
  let exp = 0;
  if (i < n) {
    const e = s.charCodeAt(i) | 32;
    if (e !== (hex ? 112 : 101)) return null;
    i++;
    let eneg = false;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) {
      eneg = s.charCodeAt(i) === 45;
      i++;
    }
    if (i >= n) return null;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return null;
      if (exp < EXP_CAP) exp = exp * 10 + d;
    }
    if (eneg) exp = -exp;
  }
  return { neg, inf: false, hex, digits, fracDigits, exp };
}

/** An exact rational value num/den * 2^e2, or the sign of being far out of any float range. */
type Exact = { num: bigint; den: bigint; e2: number } | 'zero' | 'huge' | 'tiny';

function exactValue(f: FloatSyntax): Exact {
  let d = f.digits;
  let z = 0;
  while (z < d.length && d.charCodeAt(z) === 48) z++;
  if (z === d.length) return 'zero';
  if (f.hex) {
    const m = BigInt('0x' + d.slice(z));
    const e2 = f.exp - 4 * f.fracDigits;
    const top = bitLength(m) + e2;
    if (top > 17000) return 'huge';
    if (top < -17000) return 'tiny';
    return { num: m, den: 1n, e2 };
  }
  d = d.slice(z);
  const decExp = f.exp - f.fracDigits;
  // Decimal exponent of the leading digit, far beyond long double's ±4951.
  const lead = d.length - 1 + decExp;
  if (lead > 5000) return 'huge';
  if (lead < -5000) return 'tiny';
  const m = BigInt(d);
  if (decExp >= 0) return { num: m * 10n ** BigInt(decExp), den: 1n, e2: 0 };
  return { num: m, den: 10n ** BigInt(-decExp), e2: 0 };
}

function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const h = x.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0]!, 16)));
}

/** A binary float: m * 2^e (m < 2^precision), or an infinity. */
export interface LongDouble {
  neg: boolean;
  m: bigint;
  e: number;
  inf: boolean;
}

// x87 extended: 64-bit significand, smallest step 2^-16445, largest
// (2^64-1) * 2^16320. IEEE double: 53 bits, 2^-1074, (2^53-1) * 2^971.
const LD_PREC = 64;
const LD_EMIN = -16445;
const LD_EMAX = 16320;
const DBL_PREC = 53;
const DBL_EMIN = -1074;
const DBL_EMAX = 971;

/** Round num/den * 2^e2 (num > 0) to `prec` bits, half to even, subnormals included. */
function roundBinary(neg: boolean, num: bigint, den: bigint, e2: number, prec: number, emin: number, emax: number): LongDouble {
  let e = e2 + bitLength(num) - bitLength(den) - prec;
  if (e < emin) e = emin;
  for (;;) {
    const sh = e2 - e;
    let n = num;
    let d = den;
    if (sh >= 0) n <<= BigInt(sh);
    else d <<= BigInt(-sh);
    let q = n / d;
    if (bitLength(q) > prec) {
      e++;
      continue;
    }
    const twice = (n - q * d) * 2n;
    if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
    if (bitLength(q) > prec) {
      q >>= 1n;
      e++;
    }
    if (e > emax) return { neg, m: 0n, e: 0, inf: true };
    return { neg, m: q, e, inf: false };
  }
}

/** Max length string2ld accepts (MAX_LONG_DOUBLE_CHARS). */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

/**
 * Redis's string2ld: strtold over the whole string; no leading white space,
 * no NaN, and refused when it overflows or a non-zero value underflows to 0
 * (strtold's ERANGE). Infinities are accepted.
 */
export function parseLongDouble(s: string): LongDouble | null {
  const n = s.length;
  if (n === 0 || n >= MAX_LONG_DOUBLE_CHARS) return null;
  const f = scanCFloat(s);
  if (f === null) return null;
  if (f.inf) return { neg: f.neg, m: 0n, e: 0, inf: true };
  const x = exactValue(f);
  if (x === 'zero') return { neg: f.neg, m: 0n, e: 0, inf: false };
  if (x === 'huge' || x === 'tiny') return null;
  const r = roundBinary(f.neg, x.num, x.den, x.e2, LD_PREC, LD_EMIN, LD_EMAX);
  if (r.inf || r.m === 0n) return null;
  return r;
}

/** a + b in long double; null when the result is NaN or infinite. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) return null;
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const A = a.m << BigInt(a.e - e);
  const B = b.m << BigInt(b.e - e);
  let sum = (a.neg ? -A : A) + (b.neg ? -B : B);
  if (sum === 0n) return { neg: false, m: 0n, e: 0, inf: false };
  const neg = sum < 0n;
  if (neg) sum = -sum;
  const r = roundBinary(neg, sum, 1n, e, LD_PREC, LD_EMIN, LD_EMAX);
  return r.inf ? null : r;
}

const TEN17 = 10n ** 17n;

/**
 * ld2string(LD_STR_HUMAN): printf("%.17Lf") of the exact value, trailing
 * zeros and point removed, "-0" shown as "0".
 */
export function formatLongDouble(v: LongDouble): string {
  if (v.inf) return v.neg ? '-inf' : 'inf';
  if (v.m === 0n) return '0';
  let r: bigint;
  if (v.e >= 0) {
    r = (v.m << BigInt(v.e)) * TEN17;
  } else {
    const n = v.m * TEN17;
    const sh = BigInt(-v.e);
    r = n >> sh;
    const rem = n - (r << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (r & 1n) === 1n)) r++;
  }
  if (r === 0n) return '0';
  const str = r.toString().padStart(18, '0');
  const int = str.slice(0, str.length - 17);
  let end = 17;
  const frac = str.slice(str.length - 17);
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  return (v.neg ? '-' : '') + int + (end > 0 ? '.' + frac.slice(0, end) : '');
}

/**
 * The INCRBYFLOAT formatting of a JS number: the long double nearest to the
 * number's shortest decimal form, printed as Redis prints long doubles. For
 * exact long double arithmetic use parseLongDouble/addLongDouble instead.
 */
export function formatLongDoubleHuman(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  return formatLongDouble(parseLongDouble(String(d))!);
}

/**
 * Redis's string2d (strtod) rules for float arguments: the whole string must
 * be a number, no leading white space, NaN refused, and a finite literal
 * that overflows to infinity or underflows to zero refused (strtod's ERANGE).
 * "inf", "+inf", "-inf", "infinity" are accepted.
 */
export function parseFloatStrict(s: string): number | null {
  if (s.length === 0) return null;
  const f = scanCFloat(s);
  if (f === null) return null;
  if (f.inf) return f.neg ? -Infinity : Infinity;
  let v: number;
  if (!f.hex) {
    // Number() rounds decimal literals correctly and takes strtod's syntax.
    v = Number(s);
    if (v === Infinity || v === -Infinity) return null;
    if (v === 0 && exactValue(f) !== 'zero') return null;
    return v;
  }
  const x = exactValue(f);
  if (x === 'zero') return f.neg ? -0 : 0;
  if (x === 'huge' || x === 'tiny') return null;
  const r = roundBinary(f.neg, x.num, x.den, x.e2, DBL_PREC, DBL_EMIN, DBL_EMAX);
  if (r.inf || r.m === 0n) return null;
  // m < 2^53 and the scaling is by a power of two: both steps are exact.
  v = Number(r.m) * 2 ** Math.max(r.e, -1022) * 2 ** Math.min(r.e + 1022, 0);
  return f.neg ? -v : v;
}

/** C's printf("%.17g") as used by Redis 7.0 for double replies. */
export function formatDouble17g(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  let digits: string; // 17 significant digits
  let X: number; // decimal exponent of the first
  const e = d.toExponential(16);
  const eIdx = e.indexOf('e');
  const neg = d < 0;
  const a = neg ? Math.abs(d) : d;
  // toExponential breaks an exact tie away from zero where printf rounds to
  // even. A tie needs an exact expansion of 18 significant digits, so only
  // integers >= 1e17 and fractions with few binary digits can have one.
  if ((a >= 1e17 || !Number.isInteger(a)) && Number.isInteger(a * 33554432) && isTie17(a)) {
    [digits, X] = exact17(a);
  } else {
    digits = e.slice(neg ? 1 : 0, neg ? 2 : 1) + e.slice(neg ? 3 : 2, eIdx);
    X = parseInt(e.slice(eIdx + 1), 10);
  }
  let end = 17;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  const sign = neg ? '-' : '';
  if (X < -4 || X >= 17) {
    const ex = X < 0 ? -X : X;
    const mant = end > 1 ? digits[0] + '.' + digits.slice(1, end) : digits[0]!;
    return `${sign}${mant}e${X < 0 ? '-' : '+'}${ex < 10 ? '0' : ''}${ex}`;
  }
  if (X < 0) return `${sign}0.${'0'.repeat(-X - 1)}${digits.slice(0, end)}`;
  if (end <= X + 1) return sign + digits.slice(0, X + 1);
  return `${sign}${digits.slice(0, X + 1)}.${digits.slice(X + 1, end)}`;
}

/** The exact decimal digits of a positive double and the exponent of the first. */
function exactDigits(a: number): [string, number] {
  // a = m * 2^e with m an integer: scale into an integer numerator.
  let e = 0;
  let m = a;
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  }
  // a = m / 2^-e = m * 5^-e / 10^-e
  const n = BigInt(m) * 5n ** BigInt(-e);
  const s = n.toString();
  return [s, s.length - 1 + e];
}

function isTie17(a: number): boolean {
  const [s] = exactDigits(a);
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 48) end--;
  return end === 18 && s.charCodeAt(17) === 53;
}

function exact17(a: number): [string, number] {
  const [s, X] = exactDigits(a);
  // An exact tie: round the 17 digits half to even.
  let q = BigInt(s.slice(0, 17));
  if ((q & 1n) === 1n) q++;
  const r = q.toString();
  // 99...9 rounding up gains a digit.
  return r.length > 17 ? [r.slice(0, 17), X + 1] : [r, X];
}
