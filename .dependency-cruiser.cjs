/**
 * The layer rules of STYLE.md, checked in CI (`npm run check:layers`, run by .ci/run after the typecheck).
 * Type-only imports count too: a cycle or a layer leak through a type is still one to a reader.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Import cycles make load order and ownership unclear; move the shared piece to its own module.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'src/domain holds pure rules: no other layer, no npm package (Node built-ins such as node:crypto are allowed).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'api-not-cli-or-jobs',
      comment: 'api, cli and jobs are front ends of the use cases (src/app) and never import each other.',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/(cli|jobs)/' },
    },
    {
      name: 'cli-not-api-or-jobs',
      comment: 'The CLI calls use cases and the composition root (src/server.ts), never the HTTP layer or the job runner.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/(api|jobs)/' },
    },
    {
      name: 'jobs-not-api-or-cli',
      comment: 'Jobs call use cases, never the HTTP layer or the CLI.',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/(api|cli)/' },
    },
    {
      name: 'routes-independent',
      comment: 'A route file never imports another route file: what two routes share belongs in src/app or src/api/*.ts.',
      severity: 'error',
      from: { path: '^src/api/(connect|admin)/' },
      to: { path: '^src/api/(connect|admin)/' },
    },
    {
      name: 'web-not-api-cli-or-jobs',
      comment: 'The dashboard (src/web) is a front end like the API: it calls use cases and store reads, never the HTTP API, the CLI or the jobs.',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/(api|cli|jobs)/' },
    },
    {
      name: 'front-ends-not-web',
      comment: 'Only the composition root (src/server.ts) mounts the dashboard; the API, CLI, jobs and use cases never import it.',
      severity: 'error',
      from: { path: '^src/(api|cli|jobs|app|domain|store|adapters)/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'app-not-front-ends',
      comment: 'Use cases are called by api, cli and jobs alike, so they import none of them.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/(api|cli|jobs|web)/' },
    },
    {
      name: 'simulator-stands-apart',
      comment: 'The eFaktura simulator stands in for systems outside efaktura: it may use domain, store/db, config, log and clock, never the use cases, the HTTP layer, the jobs, the adapters or the CLI.',
      severity: 'error',
      from: { path: '^src/simulator/' },
      to: { path: '^src/(api|app|cli|jobs|adapters|web)/|^src/store/(?!db/)' },
    },
    {
      name: 'simulator-only-from-composition',
      comment: 'Only the composition root (src/server.ts) and the CLI start the simulator; efaktura reaches it over HTTP, through its eFaktura adapter.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(simulator/|cli/|server\\.ts$)' },
      to: { path: '^src/simulator/' },
    },
    {
      name: 'client-stands-alone',
      comment: 'The merchant SDK (src/client, shipped as efaktura/client) runs in merchants\' code, browsers included: it imports only itself and src/verify.ts, never the server.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { pathNot: ['^src/client/', '^src/verify\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
