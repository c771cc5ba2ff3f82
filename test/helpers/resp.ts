// A small RESP2/RESP3 reply reader for tests: finds where one complete reply
// ends in a buffer so raw-socket tests can compare exact bytes.

export type Reply =
  | string
  | number
  | bigint
  | null
  | boolean
  | Error
  | Reply[]
  | { map: [Reply, Reply][] }
  | { set: Reply[] }
  | { push: Reply[] }
  | { double: string }
  | { verbatim: string };

/** The end offset of the reply starting at `pos`, or -1 if incomplete. */
export function replyEnd(buf: Buffer, pos = 0): number {
  const r = parseReply(buf, pos);
  return r === null ? -1 : r[1];
}

export function parseReply(buf: Buffer, pos = 0): [Reply, number] | null {
  if (pos >= buf.length) return null;
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return null;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.latin1Slice(pos + 1, nl);
  const next = nl + 2;
  switch (type) {
    case '+': return [line, next];
    case '-': return [new Error(line), next];
    case ':': {
      const n = BigInt(line);
      return [n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, next];
    }
    case '(': return [BigInt(line), next];
    case ',': return [{ double: line }, next];
    case '#': return [line === 't', next];
    case '_': return [null, next];
    case '$': case '=': {
      const len = parseInt(line, 10);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return null;
      const s = buf.latin1Slice(next, next + len);
      return [type === '=' ? { verbatim: s } : s, next + len + 2];
    }
    case '*': case '~': case '>': case '%': {
      const n = parseInt(line, 10);
      if (n < 0) return [null, next];
      const count = type === '%' ? n * 2 : n;
      const items: Reply[] = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        const r = parseReply(buf, p);
        if (r === null) return null;
        items.push(r[0]);
        p = r[1];
      }
      if (type === '%') {
        const pairs: [Reply, Reply][] = [];
        for (let i = 0; i < items.length; i += 2) pairs.push([items[i]!, items[i + 1]!]);
        return [{ map: pairs }, p];
      }
      if (type === '~') return [{ set: items }, p];
      if (type === '>') return [{ push: items }, p];
      return [items, p];
    }
    default:
      throw new Error(`bad reply type byte ${JSON.stringify(type)} at ${pos}: ${buf.latin1Slice(pos, pos + 40)}`);
  }
}

/** Encode a request as a RESP multibulk (args are latin1 strings or Buffers). */
export function encodeCommand(args: readonly (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
