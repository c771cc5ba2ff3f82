// Node's Buffer has had fast latin1 helpers since its first versions; they are
// the cheapest way between bytes and one-byte strings, but @types/node does
// not declare them.
interface Buffer<TArrayBuffer extends ArrayBufferLike = ArrayBufferLike> {
  latin1Write(s: string, offset?: number, length?: number): number;
  latin1Slice(start?: number, end?: number): string;
}
