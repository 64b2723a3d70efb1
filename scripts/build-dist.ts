/**
 * Builds `dist/`: the JavaScript of `src/` that the package runs from `node_modules`, where Node refuses
 * to strip TypeScript types. Run by `prepack` (npm pack, npm publish) and `pretest` (so tests of the
 * package exports never run a stale build); a checkout runs `src/` directly and needs no build.
 * Not a `prepare` script: npm counts that as an install script of a tarball or git dependency, to be
 * approved by everyone who installs efaktura that way.
 *
 * It needs only the Node 24 runtime that is a dependency, no TypeScript:
 * `stripTypeScriptTypes` blanks the types out in place, keeping every line and column, so stack traces
 * point at the same lines as in `src/`; relative `.ts` import specifiers become `.js`. SQL migrations are
 * copied beside the code that reads them. With `--declarations` (and TypeScript installed, as it is
 * when packing) it also writes the `.d.ts` files the package's `types` conditions name.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

/** `from './x.ts'`, `import './x.ts'`, `import('./x.ts')`, `export … from '../x.ts'` */
const RELATIVE_TS_SPECIFIER = /((?:\bfrom|\bimport)\s*\(?\s*)(['"])(\.{1,2}\/[^'"\n]+)\.ts\2/g;

export function toJavaScript(typescript: string): string {
  return stripTypeScriptTypes(typescript, { mode: 'strip' }).replace(RELATIVE_TS_SPECIFIER, '$1$2$3.js$2');
}

function build(dir: string): number {
  let files = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    const to = path.join(dist, path.relative(src, from));
    if (entry.isDirectory()) {
      files += build(from);
    } else if (entry.name.endsWith('.ts')) {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.writeFileSync(to.replace(/\.ts$/, '.js'), toJavaScript(fs.readFileSync(from, 'utf8')));
      files++;
    } else if (entry.name.endsWith('.sql')) {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
      files++;
    }
  }
  return files;
}

/** tsc keeps `./x.ts` in declarations; beside `x.js` the declaration is `x.d.ts`, named `./x.js`. */
function rewriteDeclarationSpecifiers(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) rewriteDeclarationSpecifiers(file);
    else if (entry.name.endsWith('.d.ts')) fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(RELATIVE_TS_SPECIFIER, '$1$2$3.js$2'));
  }
}

if (import.meta.main) {
  fs.rmSync(dist, { recursive: true, force: true });
  const files = build(src);
  if (process.argv.includes('--declarations')) {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    if (fs.existsSync(tsc)) {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.dist.json'], { cwd: root, stdio: 'inherit' });
      rewriteDeclarationSpecifiers(dist);
    }
  }
  process.stdout.write(`dist/: ${files} files from src/\n`);
}
