import { defineConfig } from 'vitest/config';

// `vitest run --mode unit` (npm run test:unit) runs test/unit only, with no Temporal server.
// `vitest run --mode faults` (npm run test:faults) runs only the fault suite, test/faults, which
// the default run leaves out. Every run but the unit one gets one shared dev server from the global
// setup; tests use unique task queues and workflow IDs instead of servers of their own.
export default defineConfig(({ mode }) => {
  const unitOnly = mode === 'unit';
  const faults = mode === 'faults';
  return {
    test: {
      include: unitOnly ? ['test/unit/**/*.test.ts'] : faults ? ['test/faults/**/*.test.ts'] : ['test/**/*.test.ts'],
      exclude: faults ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/faults/**'],
      globalSetup: unitOnly ? [] : ['test/setup/temporal-server.ts'],
      setupFiles: unitOnly ? [] : ['test/setup/quiet-temporal-logs.ts'],
      // Temporal's native runtime (Runtime.install once per process) wants a process per
      // test file, not a worker thread.
      pool: 'forks',
      // Two cores here: each workflow test runs a worker and MCP server processes.
      maxWorkers: 2,
      // The fault suite runs every fault at once (describe.concurrent): most of its time is waiting.
      maxConcurrency: faults ? 10 : 5,
      // Worker start-up, workflow bundling (~2 s) and real MCP servers are slow under load; a
      // faulty run waits out heartbeat and call timeouts on top.
      testTimeout: faults ? 360_000 : 120_000,
      hookTimeout: 120_000,
    },
  };
});
