#!/usr/bin/env node
// Entry point of the installed command; the server is compiled to dist/ by `npm run build`.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
