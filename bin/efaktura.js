#!/usr/bin/env -S node --max-semi-space-size=4
// The `efaktura` command. It runs on the Node 24 that is one of the package's dependencies: npm puts
// node_modules/.bin first on PATH for `npm start` and `npx efaktura`, so the shebang finds it there.
// --max-semi-space-size=4: a 4 MB young generation keeps the server under 200 MB RSS at full load
// with no measurable throughput cost (docs/benchmarks.md).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `efaktura needs Node.js 24 or newer (this is ${process.version}). ` +
      'Run it through npm (npm start, npx efaktura …), which uses the Node 24 installed by npm ci.\n',
  );
  process.exit(1);
}
// In a checkout Node runs the TypeScript sources directly (type stripping). Installed as a package it
// lives under node_modules, where Node refuses to strip types, so it runs the JavaScript in dist/
// (built by `prepack` when the package is packed).
const installed = import.meta.url.includes('/node_modules/');
const { runCli } = await import(installed ? '../dist/cli/index.js' : '../src/cli/index.ts');
await runCli(process.argv.slice(2));
