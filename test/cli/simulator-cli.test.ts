/**
 * The eFaktura simulator as an operator starts it: inside `efaktura serve` (unless EFAKTURA_SIMULATOR=0),
 * and alone with `efaktura simulator`; both stop cleanly on SIGTERM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_LABEL, createTestDatabaseUrl, dropTestDatabase } from '../helpers/harness.ts';
import { BIN, startServe } from '../helpers/processes.ts';

async function databaseEnv(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const url = await createTestDatabaseUrl();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efk-sim-'));
  return {
    env: { DATABASE_URL: url ?? '', EFAKTURA_DATA_DIR: path.join(dir, 'data') },
    async cleanup() {
      await dropTestDatabase(url);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const simulatorUrl = (output: string): string | undefined =>
  /"url":"(http:\/\/[^"]+)"[^\n]*eFaktura simulator is listening/.exec(output)?.[1];

test(`efaktura serve starts the simulator, and the demo banner's curl registers the demo customer's consent (${DB_LABEL})`, async () => {
  const db = await databaseEnv();
  try {
    const server = await startServe({ ...db.env, EFAKTURA_SIMULATOR: '1', EFAKTURA_SIMULATOR_PORT: '0', EFAKTURA_DEMO_MERCHANT: '1' });
    try {
      const out = server.output();
      const url = simulatorUrl(out);
      assert.ok(url, out);
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Nettbanken/);
      const register = /^ +(curl -s -X PUT \S+\/simulator\/consumers\/(\d{11}) .*)$/m.exec(out);
      assert.ok(register, `no consent curl in the banner:\n${out}`);
      assert.ok(out.includes(`"personalNumber":"${register[2]}"`), 'the banner\'s order is for the customer it registers');
      await promisify(execFile)('sh', ['-c', register[1]!]);
      const lookup = await fetch(`${url}/network/v1/recipients/lookup`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ socialSecurityNumber: register[2], issuerOrgNumber: '923609016' }),
      });
      assert.equal((await lookup.json()).status, 'reachable');
    } finally {
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
    }
  } finally {
    await db.cleanup();
  }
});

test(`efaktura simulator runs the simulator alone (${DB_LABEL})`, async () => {
  const db = await databaseEnv();
  const child = spawn(process.execPath, [BIN, 'simulator'], {
    env: { ...process.env, ...db.env, HOST: '127.0.0.1', EFAKTURA_SIMULATOR_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`efaktura simulator did not start:\n${out}`)), 30_000);
      const onData = (d: Buffer) => {
        out += d;
        const found = simulatorUrl(out);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then((code) => reject(new Error(`efaktura simulator exited with ${code}:\n${out}`)));
    });
    const res = await fetch(`${url}/network/v1/recipients/lookup`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ socialSecurityNumber: '31129956715', issuerOrgNumber: '923609016' }),
    });
    assert.deepEqual(await res.json(), { status: 'no_consent', efakturaIdentifier: null });
    assert.ok(!out.includes('31129956715'), 'a personal number reached the log');
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    await db.cleanup();
  }
});
