#!/usr/bin/env -S node --max-semi-space-size=4
// The `efaktura` command. Node 24 runs the TypeScript sources directly (type stripping).
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
const { runCli } = await import('../src/cli/index.ts');
await runCli(process.argv.slice(2));
