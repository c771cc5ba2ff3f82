#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=8
// Entry point of the installed command; the server is compiled to dist/ by `npm run build`.
//
// --max-semi-space-size=8 keeps resident memory near Redis's with a large
// keyspace: it caps the young generation (the default 16 MB per semi-space
// mostly holds garbage between collections), at no measurable cost in
// throughput. (--optimize-for-size, used before, saved only ~6% more with
// 1,000,000 keys but made V8 run memory-reducing full collections every few
// hundred ms while the heap grows, pausing the loop 50-130 ms: a background
// save could not stay under 50 ms with it.) The flag is on the shebang line
// and in `npm start`; for `node bin/...` without it, it is set here, before
// the server allocates anything.
//
// MALLOC_MMAP_THRESHOLD_=131072 (shebang and `npm start`; glibc reads it at
// process start, so `node bin/...` must set it in the environment) keeps
// glibc from moving its mmap threshold up: blocks of 128 KiB and more (large
// values, big request buffers) are then mmapped and go back to the system as
// soon as they are freed, instead of staying resident in the brk heap. With
// it, 600 x 1 MiB values then FLUSHALL leave ~53 MB resident a second later
// (the size at start-up) instead of ~300-700 MB.
import v8 from 'node:v8';

for (const flag of ['--max-semi-space-size=8']) {
  const name = flag.split('=')[0];
  if (!process.execArgv.some((a) => a.split('=')[0] === name)) v8.setFlagsFromString(flag);
}

const { main } = await import('../dist/cli.js');
main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
