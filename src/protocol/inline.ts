// Splitting of inline requests and configuration lines into arguments, with
// the quoting rules of Redis's sdssplitargs (also what redis-cli accepts):
// "double quotes" with \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes'
// with only \' as an escape, and a closing quote that must be followed by
// white space or the end of the line. Strings are latin1: one char per byte.
// The request parser never passes a NUL byte (Redis's strchr stops there).

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The arguments of a line, or null for unbalanced quotes. */
export function splitArgs(line: string): string[] | null {
  // The C code sees a NUL-terminated string: nothing after a NUL exists.
  const nul = line.indexOf('\0');
  if (nul >= 0) line = line.slice(0, nul);
  const out: string[] = [];
  const n = line.length;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line.charCodeAt(p))) p++;
    if (p >= n) return out;
    let inDouble = false;
    let inSingle = false;
    let done = false;
    let cur = '';
    while (!done) {
      const c = p < n ? line.charCodeAt(p) : 0;
      const atEnd = p >= n;
      if (inDouble) {
        if (atEnd) return null;
        if (c === 92 /* \ */ && p + 3 < n && line.charCodeAt(p + 1) === 120 /* x */ &&
            hexValue(line.charCodeAt(p + 2)) >= 0 && hexValue(line.charCodeAt(p + 3)) >= 0) {
          cur += String.fromCharCode(hexValue(line.charCodeAt(p + 2)) * 16 + hexValue(line.charCodeAt(p + 3)));
          p += 3;
        } else if (c === 92 && p + 1 < n) {
          p++;
          const e = line.charCodeAt(p);
          switch (e) {
            case 110: cur += '\n'; break;
            case 114: cur += '\r'; break;
            case 116: cur += '\t'; break;
            case 98: cur += '\b'; break;
            case 97: cur += '\x07'; break;
            default: cur += line[p]; break;
          }
        } else if (c === 34 /* " */) {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          cur += line[p];
        }
      } else if (inSingle) {
        if (atEnd) return null;
        if (c === 92 && p + 1 < n && line.charCodeAt(p + 1) === 39) {
          p++;
          cur += "'";
        } else if (c === 39 /* ' */) {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          cur += line[p];
        }
      } else if (atEnd) {
        done = true;
      } else {
        switch (c) {
          case 32: case 10: case 13: case 9: case 0:
            done = true;
            break;
          case 34:
            inDouble = true;
            break;
          case 39:
            inSingle = true;
            break;
          default:
            cur += line[p];
        }
      }
      if (p < n) p++;
    }
    out.push(cur);
  }
}
