import { defineConfig } from 'vitest/config';

// `vitest run --mode unit` (npm run test:unit) runs test/unit only, with no Temporal server.
// Every other run gets one shared dev server from the global setup; tests use unique task
// queues and workflow IDs instead of servers of their own.
export default defineConfig(({ mode }) => {
  const unitOnly = mode === 'unit';
  return {
    test: {
      include: unitOnly ? ['test/unit/**/*.test.ts'] : ['test/**/*.test.ts'],
      globalSetup: unitOnly ? [] : ['test/setup/temporal-server.ts'],
      setupFiles: unitOnly ? [] : ['test/setup/quiet-temporal-logs.ts'],
      // Temporal's native runtime (Runtime.install once per process) wants a process per
      // test file, not a worker thread.
      pool: 'forks',
      // Two cores here: each workflow test runs a worker and MCP server processes.
      maxWorkers: 2,
      // Worker start-up, workflow bundling (~2 s) and real MCP servers are slow under load.
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  };
});
