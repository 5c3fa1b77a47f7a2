import { expect } from 'vitest';
import { parseServerSpec } from '../../src/mcp/spec.js';
import type { Store } from '../../src/store/store.js';

/** Polls until `check` holds, failing after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Every sub-DAG's episode has exactly the steps its plan has (setup calls, then one per tool):
 * none missing, none twice, in order, and no step from an attempt that should not exist.
 */
export async function expectEveryStepOnce(store: Store, runId: string): Promise<void> {
  const run = await store.getRun(runId);
  const setup = parseServerSpec(run!.spec).setup?.length ?? 0;
  const calls = await store.listCalls(runId);
  for (const subDag of await store.listSubDags(runId)) {
    const steps = calls.filter((c) => c.subDagIndex === subDag.index).map((c) => c.step);
    const expected = Array.from({ length: setup + subDag.tools.length }, (_, i) => i);
    expect(steps, `steps of sub-DAG ${subDag.index}`).toEqual(expected);
  }
}
