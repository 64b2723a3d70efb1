/**
 * The layer check CI runs (`npm run check:layers`, dependency-cruiser with .dependency-cruiser.cjs):
 * it passes on our tree, and it fails on a small tree that breaks each rule of STYLE.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

async function cruise(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'err'], { cwd });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: `${e.stdout}${e.stderr}` };
  }
}

test('the source tree keeps the layer rules and has no import cycle', async () => {
  const res = await cruise(ROOT);
  assert.equal(res.code, 0, res.output);
});

test('each layer rule and a type-only cycle are reported as errors', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-layers-'));
  const files: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', allowImportingTsExtensions: true, noEmit: true } }),
    'src/domain/money.ts': "import { app } from '../api/app.ts';\nexport const money = app;\n",
    'src/api/app.ts': "import { run } from '../jobs/runner.ts';\nexport const app = run;\n",
    'src/api/connect/create.ts': "import { cancel } from './cancel.ts';\nexport const create = cancel;\n",
    'src/api/connect/cancel.ts': 'export const cancel = 1;\n',
    'src/cli/index.ts': "import { app } from '../api/app.ts';\nexport const cli = app;\n",
    'src/jobs/runner.ts': "import { cli } from '../cli/index.ts';\nexport const run = cli;\n",
    'src/app/use-case.ts': "import { run } from '../jobs/runner.ts';\nexport const useCase = run;\n",
    'src/simulator/network.ts': "import { useCase } from '../app/use-case.ts';\nexport const network = useCase;\n",
    'src/jobs/deliver.ts': "import { network } from '../simulator/network.ts';\nexport const deliver = network;\n",
    'src/store/a.ts': "import type { B } from './b.ts';\nexport type A = { b?: B };\n",
    'src/store/b.ts': "import type { A } from './a.ts';\nexport type B = { a?: A };\n",
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  try {
    const res = await cruise(dir);
    assert.notEqual(res.code, 0);
    for (const rule of ['no-cycles', 'domain-is-pure', 'api-not-cli-or-jobs', 'cli-not-api-or-jobs', 'jobs-not-api-or-cli', 'routes-independent', 'app-not-front-ends', 'simulator-stands-apart', 'simulator-only-from-composition']) {
      assert.match(res.output, new RegExp(`error ${rule}:`), `${rule} not reported:\n${res.output}`);
    }
    assert.match(res.output, /no-cycles: src\/store\/a\.ts →\s+src\/store\/b\.ts →\s+src\/store\/a\.ts/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
