import { afterEach, describe, expect, it } from 'vitest';
import { costOf } from '../../../src/llm/cost.js';
import { LlmTaskJudge } from '../../../src/llm/stages/llm-task-judge.js';
import { TASK_TOOL_NAME } from '../../../src/llm/stages/task-judge-prompt.js';
import type { TaskVerdict } from '../../../src/llm/stages/task-verdict.js';
import { UsageLedger } from '../../../src/llm/usage-ledger.js';
import type { FakeLlmServer } from '../../helpers/fake-llm/fake-server.js';
import { criteria, TASK } from '../../unit/llm/stages/judge-fixtures.js';
import { PROVIDERS, sumUsage, type Tokens } from './judge-providers.js';

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(PROVIDERS)('LlmTaskJudge against the fake $name server', (provider) => {
  async function judgeWith(...replies: Array<(p: typeof provider) => ReturnType<typeof provider.toolCall>>) {
    server = await provider.start();
    server.enqueue(...replies.map((reply) => reply(provider)));
    const ledger = new UsageLedger();
    const verdicts: TaskVerdict[] = [];
    const judge = new LlmTaskJudge({ client: provider.client(server), ledger, onVerdict: (_task, verdict) => verdicts.push(verdict) });
    return { judge, ledger, verdicts, server };
  }

  it('sends the task with the forced verdict tool; five passing criteria pass, usage lands under verify', async () => {
    const tokens: Tokens = { input: 900, output: 150, cached: 600 };
    const { judge, ledger, verdicts, server } = await judgeWith((p) => p.toolCall(TASK_TOOL_NAME, { criteria: criteria(), verdict: 'pass' }, tokens));

    expect(await judge.judge(TASK)).toEqual({ passed: true, reason: 'all five criteria pass' });
    expect(judge.name).toBe(provider.model);
    expect(verdicts[0]!.criteria.unique).toEqual({ pass: true, reason: 'one entity matches' });

    const [request] = server.scripted;
    expect(provider.forcedTool(request!.body)).toBe(TASK_TOOL_NAME);
    const text = provider.userText(request!.body);
    expect(text).toContain(TASK.instruction);
    expect(text).toContain('- observation = "wrote the first program" (from step 1, entities[0].observations[0])');
    expect(text).toContain('0. search_nodes({"query":"Ada"})');
    expect(text).toContain('more chars]');
    expect(text).not.toContain('x'.repeat(1000));

    const usage = provider.usage(tokens);
    expect(ledger.snapshot().entries).toEqual([{ stage: 'verify', model: provider.model, calls: 1, ...usage, costUsd: expect.any(Number) }]);
    expect(ledger.total().costUsd).toBeCloseTo(costOf(provider.model, usage), 6);
  });

  it('a failed criterion fails the task, and the reason names it with the model\'s words', async () => {
    const { judge } = await judgeWith((p) =>
      p.toolCall(TASK_TOOL_NAME, { criteria: criteria({ noLeakage: { pass: false, reason: 'the instruction spells out "Ada"' } }), verdict: 'fail' }, { input: 10, output: 5 }),
    );
    expect(await judge.judge(TASK)).toEqual({ passed: false, reason: 'fails noLeakage: the instruction spells out "Ada"' });
  });

  it('retries malformed output once and uses the second answer', async () => {
    const { judge, ledger, server } = await judgeWith(
      (p) => p.malformed(TASK_TOOL_NAME, { input: 300, output: 7 }),
      (p) => p.toolCall(TASK_TOOL_NAME, { criteria: criteria(), verdict: 'pass' }, { input: 310, output: 120 }),
    );
    expect(await judge.judge(TASK)).toMatchObject({ passed: true });
    expect(server.scripted).toHaveLength(2);
    expect(ledger.snapshot().entries[0]).toMatchObject({ calls: 2, ...sumUsage([{ input: 300, output: 7 }, { input: 310, output: 120 }].map(provider.usage)) });
  });

  it('after a malformed answer and one missing a criterion, fails the task with the reason', async () => {
    const { nonTrivial: _, ...four } = criteria();
    const { judge, ledger } = await judgeWith(
      (p) => p.malformed(TASK_TOOL_NAME, { input: 300, output: 7 }),
      (p) => p.toolCall(TASK_TOOL_NAME, { criteria: four, verdict: 'pass' }, { input: 300, output: 100 }),
    );
    expect(await judge.judge(TASK)).toEqual({
      passed: false,
      reason: 'no usable verdict after 2 attempts: missing field: criteria.nonTrivial must be {pass: boolean, reason: string}',
    });
    expect(ledger.total().calls).toBe(2);
  });
});
