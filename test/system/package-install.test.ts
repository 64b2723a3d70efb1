/**
 * The packed package works where it is installed: under node_modules, where Node refuses to strip
 * TypeScript, the main export, `efaktura/verify`, the SDK `efaktura/client` (with its types) and the
 * `efaktura` command all run from dist/.
 * The tarball is made by `npm pack` (its prepack build included) in a copy of the package, so the
 * checkout's dist/ is not rebuilt under other tests, and unpacked into a scratch project whose other
 * dependencies link to ours, so no registry is needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the packed tarball installed under node_modules imports as efaktura, efaktura/verify and efaktura/client (typed), and its command runs', { timeout: 180_000 }, async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-pkg-'));
  try {
    const source = path.join(scratch, 'source');
    for (const entry of ['package.json', 'README.md', 'tsconfig.json', 'tsconfig.dist.json', 'bin', 'src', 'scripts']) {
      fs.cpSync(path.join(ROOT, entry), path.join(source, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(source, 'node_modules'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: source });
    const { filename } = (JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>)[0]!;
    const modules = path.join(scratch, 'node_modules');
    fs.mkdirSync(modules);
    await run('tar', ['xzf', path.join(scratch, filename), '-C', scratch]);
    fs.renameSync(path.join(scratch, 'package'), path.join(modules, 'efaktura'));
    for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
      if (name !== 'efaktura' && !name.startsWith('.')) fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name));
    }
    fs.writeFileSync(path.join(scratch, 'package.json'), '{"name":"scratch","private":true,"type":"module"}\n');

    const probe = `
      const main = await import('efaktura');
      const { verifyCallback } = await import('efaktura/verify');
      const db = await main.openDatabase({ databaseUrl: null, dataDir: 'memory://' });
      const applied = await main.migrate(db);
      await db.close();
      console.log(JSON.stringify({ exports: Object.keys(main).sort(), verify: typeof verifyCallback, applied }));`;
    const imported = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: scratch });
    const result = JSON.parse(imported.stdout);
    assert.deepEqual(result.exports, ['loadConfig', 'migrate', 'openDatabase', 'startServer', 'verifyCallback']);
    assert.equal(result.verify, 'function');
    assert.ok(result.applied.includes('001_initial.sql'), 'the SQL migrations are packed beside the built code');

    // The SDK as a merchant's TypeScript project uses it: imported and type-checked against the packed .d.ts.
    fs.writeFileSync(
      path.join(scratch, 'shop.ts'),
      `import { EfakturaClient, EfakturaApiError, verifyCallback, type OrderStatus } from 'efaktura/client';
      const client = new EfakturaClient({ baseUrl: 'http://127.0.0.1:9', token: 't', retry: { maxAttempts: 1 } });
      const status: Promise<OrderStatus> = client.orders.status('ODR1234567890');
      const failed = await status.then(() => null, (e: unknown) => e);
      // @ts-expect-error: an unknown method is a type error
      client.orders.delete;
      console.log(JSON.stringify({ error: failed instanceof EfakturaApiError ? failed.code : String(failed), verify: typeof verifyCallback }));
      `,
    );
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--types', 'node', 'shop.ts'], { cwd: scratch });
    const client = await run(process.execPath, ['--disable-warning=ExperimentalWarning', 'shop.ts'], { cwd: scratch });
    assert.deepEqual(JSON.parse(client.stdout), { error: 'networkError', verify: 'function' });
    assert.ok(fs.existsSync(path.join(modules, 'efaktura', 'dist', 'client', 'browser.js')), 'the browser entry is packed');

    const bin = path.join(modules, 'efaktura', 'bin', 'efaktura.js');
    const migrated = await run(process.execPath, [bin, 'migrate'], { cwd: scratch, env: { ...process.env, DATABASE_URL: '', EFAKTURA_DATA_DIR: path.join(scratch, 'data') } });
    assert.match(migrated.stdout, /^Applied 001_initial/);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
