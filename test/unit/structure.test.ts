// The module graph stays navigable as it grows: no runtime import cycle
// anywhere in src/ (type-only imports do not count: they vanish at build),
// and command modules never import the server itself.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Runtime imports of a module, as resolved file paths. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^import\s+(type\s+)?([^'"]*?)\s*from\s+'(\.[^']+)'/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[1] !== undefined) continue;
    // `import { type A, type B } from` is type-only too.
    const names = m[2]!.replace(/[{}]/g, '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    out.push(resolve(dirname(file), m[3]!.replace(/\.js$/, '.ts')));
  }
  return out;
}

describe('module structure', () => {
  const files = sources(SRC);
  const graph = new Map(files.map((f) => [f, runtimeImports(f).filter((d) => d.endsWith('.ts'))]));

  it('sees the imports it checks', () => {
    expect(graph.get(join(SRC, 'server.ts'))).toContain(join(SRC, 'commands/index.ts'));
  });

  it('has no runtime import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'visiting');
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'visiting') {
          cycles.push(stack.slice(stack.indexOf(d)).concat(d).map((p) => relative(SRC, p)).join(' -> '));
        } else if (!state.has(d)) {
          visit(d);
        }
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('command modules do not import the server', () => {
    const offenders = files
      .filter((f) => relative(SRC, f).startsWith('commands/'))
      .filter((f) => (graph.get(f) ?? []).some((d) => relative(SRC, d) === 'server.ts'))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});
