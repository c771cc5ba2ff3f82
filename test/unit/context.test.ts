// The execution context's propagation units and the stream a listener (AOF,
// replica link) writes from them.
import { describe, expect, it } from 'vitest';
import { encodeCommand, ExecContext, PropagationStream } from '../../src/engine/context.js';

describe('ExecContext propagation', () => {
  it('a single operation is a unit of its own, several are wrapped in MULTI/EXEC', () => {
    const ctx = new ExecContext();
    ctx.alsoPropagate(0, ['SET', 'a', '1']);
    expect(ctx.takeOps()).toEqual([{ db: 0, argv: ['SET', 'a', '1'] }]);
    ctx.alsoPropagate(2, ['DEL', 'k']);
    ctx.alsoPropagate(3, ['SET', 'k', 'v']);
    expect(ctx.takeOps()).toEqual([
      { db: 2, argv: ['MULTI'] },
      { db: 2, argv: ['DEL', 'k'] },
      { db: 3, argv: ['SET', 'k', 'v'] },
      { db: 3, argv: ['EXEC'] },
    ]);
    expect(ctx.ops).toEqual([]);
  });

  it('ready keys are kept once each, in order', () => {
    const ctx = new ExecContext();
    const db = { id: 0 } as Parameters<ExecContext['keyReady']>[0];
    ctx.keyReady(db, 'a');
    ctx.keyReady(db, 'b');
    ctx.keyReady(db, 'a');
    expect(ctx.takeReady().map((r) => r.key)).toEqual(['a', 'b']);
    ctx.keyReady(db, 'a');
    expect(ctx.takeReady().map((r) => r.key)).toEqual(['a']);
  });
});

describe('PropagationStream', () => {
  it('selects the database before the first operation and whenever it changes, not for EXEC', () => {
    const ctx = new ExecContext();
    const stream = new PropagationStream();
    ctx.alsoPropagate(0, ['SET', 'a', '1']);
    let out = stream.encode(ctx.takeOps());
    ctx.alsoPropagate(0, ['INCR', 'n']);
    out += stream.encode(ctx.takeOps());
    ctx.alsoPropagate(1, ['DEL', 'x']);
    ctx.alsoPropagate(0, ['DEL', 'y']);
    out += stream.encode(ctx.takeOps());
    expect(out).toBe(
      encodeCommand(['SELECT', '0']) + encodeCommand(['SET', 'a', '1']) + encodeCommand(['INCR', 'n']) +
      encodeCommand(['SELECT', '1']) + encodeCommand(['MULTI']) + encodeCommand(['DEL', 'x']) +
      encodeCommand(['SELECT', '0']) + encodeCommand(['DEL', 'y']) + encodeCommand(['EXEC']),
    );
  });

  it('encodes binary arguments byte for byte', () => {
    expect(encodeCommand(['SET', 'k\r\n', '\x00\xff'])).toBe('*3\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$2\r\n\x00\xff\r\n');
  });
});
