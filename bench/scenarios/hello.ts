/** (a) The baseline: a bare Fastify hello-world (GET / → small JSON) in a child process. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../lib/types.ts';
import { spawnNode } from '../lib/processes.ts';
import { httpLoad } from '../lib/load.ts';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'children', 'hello-server.ts');

export const helloWorld: Scenario = {
  id: 'a',
  title: 'Fastify hello-world',
  async run(ctx) {
    const handle = spawnNode(ctx.cleanup, 'hello-server', [SERVER], { env: {}, stdin: 'pipe' });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`hello-server did not start:\n${handle.output()}`)), 30_000);
        const check = () => {
          const m = /\{"port":(\d+)\}/.exec(handle.stdout());
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        };
        handle.child.stdout!.on('data', check);
        void handle.exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`hello-server exited:\n${handle.output()}`));
        });
      });
      return await httpLoad(ctx, { url: `http://127.0.0.1:${port}/`, serverPid: handle.pid });
    } finally {
      await handle.stop();
    }
  },
};
