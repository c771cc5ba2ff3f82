// Glob-style matching with Redis's rules (util.c stringmatchlen): `*`, `?`,
// `[abc]`, `[^abc]`, `[a-z]` (reversed ranges allowed), `\x` escapes, and an
// optional case-insensitive mode (used by CONFIG GET). Strings are latin1, so
// this works on raw bytes. Recursion on `*` is bounded like Redis 7.0.15 to
// keep hostile patterns from exhausting the stack.

const MAX_NESTING = 1000;

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

export function globMatch(pattern: string, str: string, nocase = false): boolean {
  const skipLongerMatches = { value: false };
  return matchImpl(pattern, 0, str, 0, nocase, skipLongerMatches, 0);
}

function matchImpl(
  pat: string, p: number, str: string, s: number, nocase: boolean,
  skipLonger: { value: boolean }, nesting: number,
): boolean {
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
          if (matchImpl(pat, p + 1, str, s, nocase, skipLonger, nesting + 1)) return true;
          // Once a longer tail failed with the rest of the pattern, no later
          // start can succeed: stop instead of trying every suffix.
          if (skipLonger.value) return false;
          s++;
        }
        skipLonger.value = true;
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
            p--; // an unterminated class: Redis treats the end as its end
            break;
          }
          const c = pat.charCodeAt(p);
          if (c === 92 /* \ */ && p + 1 < plen) {
            p++;
            // Redis compares an escaped char exactly, even in nocase mode.
            if (pat.charCodeAt(p) === sc) match = true;
          } else if (c === 93 /* ] */) {
            break;
          } else if (p + 2 < plen && pat.charCodeAt(p + 1) === 45 /* - */) {
            let start = c;
            let end = pat.charCodeAt(p + 2);
            if (start > end) [start, end] = [end, start];
            let x = sc;
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
        // A backslash makes the next pattern char literal.
        if (pc === 92 && p + 1 < plen) p++;
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
