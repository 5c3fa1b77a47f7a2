import { afterEach, describe, expect, it } from 'vitest';
import { costOf } from '../../../src/llm/cost.js';
import { EDGE_TOOL_NAME } from '../../../src/llm/stages/edge-judge-prompt.js';
import { LlmEdgeJudge, type EdgeRejection } from '../../../src/llm/stages/llm-edge-judge.js';
import { UsageLedger } from '../../../src/llm/usage-ledger.js';
import type { FakeLlmServer } from '../../helpers/fake-llm/fake-server.js';
import { PAIRS } from '../../unit/llm/stages/judge-fixtures.js';
import { PROVIDERS, sumUsage, type Tokens } from './judge-providers.js';

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// PAIRS, in order: read_graph → search_nodes, read_graph → open_nodes, search_nodes → open_nodes, open_nodes → search_nodes.
const judgement = (pair: string, edge: boolean, mappings: Array<[string, string]> = [], confidence = 'high', reason = 'checked') => ({
  pair,
  edge,
  confidence,
  mappings: mappings.map(([input, output]) => ({ input, output })),
  reason,
});

describe.each(PROVIDERS)('LlmEdgeJudge against the fake $name server', (provider) => {
  it('sends the pre-filtered pairs in batches with the forced tool, and keeps only valid judgements as edges', async () => {
    const tokens: Tokens[] = [
      { input: 700, output: 310, cached: 1200 },
      { input: 250, output: 90, cached: 1200 },
    ];
    server = await provider.start();
    server.enqueue(
      provider.toolCall(
        EDGE_TOOL_NAME,
        {
          judgements: [
            judgement('P1', false, [], 'low', 'a name is not a search query'),
            judgement('P2', true, [['names[]', 'entities[].name']], 'high', 'graph names open nodes'),
            judgement('P3', true, [['names[]', 'entities[].name']], 'medium', 'found names open nodes'),
            judgement('P7', true, [['names[]', 'entities[].name']]),
          ],
        },
        tokens[0]!,
      ),
      provider.toolCall(EDGE_TOOL_NAME, { judgements: [judgement('P1', true, [['query', 'entities[].name']])] }, tokens[1]!),
    );
    const ledger = new UsageLedger();
    const seen: EdgeRejection[] = [];
    const judge = new LlmEdgeJudge({ client: provider.client(server), ledger, batchSize: 3, onRejection: (r) => seen.push(r) });

    const edges = await judge.judge(PAIRS);

    expect(judge.name).toBe(provider.model);
    expect(edges).toEqual([
      { from: 'read_graph', to: 'open_nodes', confidence: 'high', mappings: [{ input: 'names[]', output: 'entities[].name', score: 0.8 }], judge: provider.model, reason: 'graph names open nodes' },
      { from: 'search_nodes', to: 'open_nodes', confidence: 'medium', mappings: [{ input: 'names[]', output: 'entities[].name', score: 0.6 }], judge: provider.model, reason: 'found names open nodes' },
    ]);
    expect(judge.rejections.map((r) => [r.batch, r.pair, r.kind, r.reason])).toEqual([
      [0, 'P7', 'invalid', 'unknown pair id "P7": this request had P1…P3'],
      [1, 'P1', 'invalid', "mapping query ← entities[].name is not among this pair's candidates"],
    ]);
    expect(judge.rejections[1]).toMatchObject({ from: 'open_nodes', to: 'search_nodes' });
    expect(seen).toEqual(judge.rejections);

    // Two requests: 3 pairs, then 1, each forcing the one tool and carrying only its own pairs.
    expect(server.scripted).toHaveLength(2);
    const [first, second] = server.scripted.map((r) => r.body);
    for (const body of [first, second]) expect(provider.forcedTool(body)).toBe(EDGE_TOOL_NAME);
    const one = provider.userText(first);
    expect(one).toContain('P1: read_graph → search_nodes');
    expect(one).toContain('P3: search_nodes → open_nodes\n    names[] ← entities[].name');
    expect(one).toContain('entities[].name (string): entity name (e.g. "Ada Lovelace")');
    expect(one).not.toContain('P4');
    const two = provider.userText(second);
    expect(two).toContain('P1: open_nodes → search_nodes\n    query ← entities[].observations[]');
    expect(two).not.toContain('P2');
    if (provider.name === 'anthropic') expect(JSON.stringify((first as { system: unknown }).system)).toContain('"cache_control"');

    // Usage: what the fake reported, summed, priced.
    const usage = sumUsage(tokens.map(provider.usage));
    const snapshot = ledger.snapshot();
    expect(snapshot.entries).toEqual([{ stage: 'judge', model: provider.model, calls: 2, ...usage, costUsd: expect.any(Number) }]);
    expect(snapshot.total.costUsd).toBeCloseTo(costOf(provider.model, usage), 6);
    if (provider.name === 'anthropic') {
      // claude-haiku-4-5: $1 in, $5 out, $0.10 cache read per million tokens.
      expect(snapshot.total.costUsd).toBeCloseTo((950 * 1 + 400 * 5 + 2400 * 0.1) / 1e6, 9);
    } else {
      expect(snapshot.unpricedModels).toEqual(['qwen3:8b']);
    }
  });

  it('retries a malformed batch once, then records it as rejected and goes on to the next batch', async () => {
    const bad: Tokens = { input: 400, output: 33 };
    const good: Tokens = { input: 380, output: 120 };
    server = await provider.start();
    server.enqueue(
      provider.malformed(EDGE_TOOL_NAME, bad),
      provider.toolCall(EDGE_TOOL_NAME, { judgements: [judgement('P1', false), judgement('P2', true, [['names[]', 'entities[].name']])] }, good),
      provider.malformed(EDGE_TOOL_NAME, bad),
      provider.malformed(EDGE_TOOL_NAME, bad),
    );
    const ledger = new UsageLedger();
    const judge = new LlmEdgeJudge({ client: provider.client(server), ledger, batchSize: 2 });

    const edges = await judge.judge(PAIRS);

    expect(edges.map((e) => `${e.from}→${e.to}`)).toEqual(['read_graph→open_nodes']);
    expect(judge.rejections).toHaveLength(1);
    expect(judge.rejections[0]).toMatchObject({ batch: 1, kind: 'batch-failed' });
    expect(judge.rejections[0]!.reason).toMatch(/^2 pairs unjudged after 2 attempts: malformed output \((missing-field|invalid-json)\)/);
    expect(judge.rejections[0]!.raw).toBeTruthy();
    // The retry repeats the very same request.
    expect(server.scripted).toHaveLength(4);
    expect(server.scripted[1]!.rawBody).toBe(server.scripted[0]!.rawBody);
    expect(server.unscripted).toBe(0);
    // Malformed answers were billed, so they are in the ledger too.
    const usage = sumUsage([bad, good, bad, bad].map(provider.usage));
    expect(ledger.snapshot().entries).toEqual([{ stage: 'judge', model: provider.model, calls: 4, ...usage, costUsd: expect.any(Number) }]);
  });
});
