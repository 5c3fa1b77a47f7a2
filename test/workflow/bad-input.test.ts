import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../src/run-client.js';
import { uniqueId, useTestWorker } from '../helpers/temporal.js';

/** Bad server specs fail the run fast, with a message naming the problem, after a bounded number of attempts. */
const CASES = [
  { label: 'missing command', server: { name: 'broken', transport: 'stdio' }, expected: /server\.command/ },
  { label: 'unknown transport', server: { name: 'broken', transport: 'carrier-pigeon', command: 'node' }, expected: /server\.transport.*stdio/s },
  { label: 'command that does not exist', server: { name: 'broken', command: 'firefly-no-such-command' }, expected: /firefly-no-such-command/ },
  { label: 'server that exits at once', server: { name: 'broken', command: 'node', args: ['-e', 'process.exit(3)'] }, expected: /exit.*3|code 3/i },
];

describe('bad input fails the run with a clear message', () => {
  const { config, client } = useTestWorker('bad-input');

  it.each(CASES)('$label', async ({ server, expected }) => {
    const handle = await startRun(client(), config, uniqueId('bad-input'), { server, subDagCount: 2 });
    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const message = (failure as WorkflowFailedError).cause?.message ?? '';
    expect(message).toMatch(expected);

    // Bounded: no activity was attempted more than its retry policy allows, and none ran after the failure.
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? [])
      .map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0)
      .reduce((a, b) => Math.max(a, b), 0);
    expect(attempts).toBeLessThanOrEqual(4);
  });

  it('refuses workflow options out of range, naming the field', async () => {
    const handle = await startRun(client(), config, uniqueId('bad-input'), { server: { name: 'x', command: 'node' }, subDagCount: 0 });
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    const failure = await handle.result().catch((error: WorkflowFailedError) => error);
    expect((failure as WorkflowFailedError).cause?.message).toMatch(/input\.subDagCount/);
  });
});
