// Glob-style matching with Redis 7.0's exact rules (util.c stringmatchlen):
// `*`, `?`, `[abc]`, `[^abc]`, `[a-z]` (reversed ranges allowed), `\x`
// escapes, and an optional case-insensitive mode (CONFIG GET, KEYS never).
// Strings are latin1, so this works on raw bytes.
//
// Quirks kept on purpose, because clients can observe them:
// - range bounds and the tested byte are compared as C `char`, which is
//   signed on the platforms Redis ships for: bytes 0x80-0xff sort BELOW 0x00,
//   so `[a-\xff]` is the range -1..97 and matches "\x00" but not "b";
// - an unterminated class (`[abc`) ends at the end of the pattern;
// - an escaped char inside a class is compared exactly even in nocase mode;
// - a pattern never matches an empty string except the empty pattern
//   (`*` against "" is false: KEYS/SCAN special-case a lone `*` themselves);
// - recursion on `*` is bounded (nesting > 1000 is no match), and once the
//   tail after a `*` failed at every later start, outer stars give up
//   (skipLongerMatches), both as in 7.0.15, so hostile patterns stay cheap.

const MAX_NESTING = 1000;

/** Set when the tail after some `*` failed from every later position. */
let skipLongerMatches = false;

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** A byte as a signed C char. */
function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

export function globMatch(pattern: string, str: string, nocase = false): boolean {
  skipLongerMatches = false;
  return matchImpl(pattern, 0, str, 0, nocase, 0);
}

function matchImpl(pat: string, p: number, str: string, s: number, nocase: boolean, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = pat.length;
  const slen = str.length;
  while (p < plen && s < slen) {
    const pc = pat.charCodeAt(p);
    switch (pc) {
      case 42: { // *
        while (p + 1 < plen && pat.charCodeAt(p + 1) === 42) p++;
        if (p + 1 === plen) return true; // a trailing * matches the rest
        while (s < slen) {
          if (matchImpl(pat, p + 1, str, s, nocase, nesting + 1)) return true;
          if (skipLongerMatches) return false;
          s++;
        }
        // No start for the rest of the pattern matched; a longer match for
        // an earlier * would only start the rest later, so give up outright.
        skipLongerMatches = true;
        return false;
      }
      case 63: // ?
        s++;
        break;
      case 91: { // [
        p++;
        const not = p < plen && pat.charCodeAt(p) === 94; // ^
        if (not) p++;
        let match = false;
        const sc = str.charCodeAt(s);
        for (;;) {
          if (p >= plen) {
            p--; // unterminated: the class ends with the pattern
            break;
          }
          const c = pat.charCodeAt(p);
          if (c === 92 /* \ */ && p + 1 < plen) {
            p++;
            if (pat.charCodeAt(p) === sc) match = true;
          } else if (c === 93 /* ] */) {
            break;
          } else if (p + 2 < plen && pat.charCodeAt(p + 1) === 45 /* - */) {
            let start = signed(c);
            let end = signed(pat.charCodeAt(p + 2));
            let x = signed(sc);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              x = lower(x);
            }
            p += 2;
            if (x >= start && x <= end) match = true;
          } else if (c === sc || (nocase && lower(c) === lower(sc))) {
            match = true;
          }
          p++;
        }
        if (not) match = !match;
        if (!match) return false;
        s++;
        break;
      }
      default: {
        if (pc === 92 /* \ */ && p + 1 < plen) p++;
        const c = pat.charCodeAt(p);
        const sc = str.charCodeAt(s);
        if (c !== sc && !(nocase && lower(c) === lower(sc))) return false;
        s++;
        break;
      }
    }
    p++;
    if (s === slen) {
      while (p < plen && pat.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p === plen && s === slen;
}
