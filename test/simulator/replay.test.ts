import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../src/domain.js';
import { seededRandom } from '../../src/random.js';
import { SimulatorCache } from '../../src/simulator/cache.js';
import type { CacheEntry } from '../../src/simulator/cache-entry.js';
import { readSimulatorCache } from '../../src/simulator/cache-file.js';
import { SIMULATOR_CACHE_FILE } from '../../src/simulator/cache-tables.js';
import { canonicalArguments } from '../../src/simulator/canonical.js';
import { Simulator } from '../../src/simulator/simulator.js';
import { INITIAL_STATE } from '../../src/simulator/state.js';
import { recordMemoryRun, writeFollowedByRead, type RecordedRun } from './record-memory-run.js';

const HELD_OUT_SHARE = 0.2;
const HELD_OUT_SEED = 20_260_517;

function episodes(calls: RecordedCall[]): RecordedCall[][] {
  const byIndex = new Map<number, RecordedCall[]>();
  for (const call of calls) byIndex.set(call.subDagIndex, [...(byIndex.get(call.subDagIndex) ?? []), call]);
  return [...byIndex.values()].map((list) => list.sort((a, b) => a.step - b.step));
}

const sameJson = (a: unknown, b: unknown) => canonicalArguments(a as never) === canonicalArguments(b as never);

/** A seeded Fisher-Yates pick of `share` of the entries. */
function pickHeldOut(entries: readonly CacheEntry[], share: number, seed: number): Set<CacheEntry> {
  const random = seededRandom(seed);
  const order = [...entries];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return new Set(order.slice(0, Math.round(entries.length * share)));
}

describe('the simulator on a real recorded run of the memory server', () => {
  let run: RecordedRun;
  let cache: SimulatorCache;
  beforeAll(async () => {
    run = await recordMemoryRun();
    cache = SimulatorCache.fromRecording(run.input);
  });
  afterAll(() => run?.cleanup());

  it('recorded the probe episode and every sub-DAG, setup calls first', () => {
    const recorded = episodes(run.input.calls);
    expect(recorded.length).toBe(22);
    expect(recorded.map((e) => e[0]?.subDagIndex)).toContain(-1);
    for (const episode of recorded) expect(episode.slice(0, 2).map((c) => c.phase)).toEqual(['setup', 'setup']);
    expect(run.input.tools.map((t) => t.name).sort()).toEqual([
      'add_observations', 'create_entities', 'create_relations', 'delete_entities', 'delete_observations',
      'delete_relations', 'open_nodes', 'read_graph', 'search_nodes',
    ]);
  });

  for (const source of ['memory', 'file'] as const) {
    it(`replays every recorded episode exactly, call for call (cache from ${source})`, async () => {
      const replayCache = source === 'memory' ? cache : readSimulatorCache(join(run.datasetDir, SIMULATOR_CACHE_FILE));
      const simulator = new Simulator(replayCache);
      let calls = 0;
      for (const episode of episodes(run.input.calls)) {
        // From a fresh episode (after setup), the explored calls; from the empty state, the setup calls too.
        const fresh = simulator.startEpisode();
        const fromScratch = simulator.startEpisode({ state: INITIAL_STATE });
        for (const call of episode) {
          if (call.phase === 'explore') {
            const answer = await fresh.call(call.tool, call.arguments);
            expect(answer.provenance, `${call.subDagIndex}/${call.step} ${call.tool}`).toBe('exact');
            expect(answer.result).toEqual(call.result);
            expect(answer.isError).toBe(call.isError);
          }
          const again = await fromScratch.call(call.tool, call.arguments);
          expect(again.provenance).toBe('exact');
          expect(again.result).toEqual(call.result);
          if (call.phase === 'setup' && call.step === 1) expect(fromScratch.state).toBe(replayCache.initialState);
          calls++;
        }
      }
      expect(calls).toBe(run.input.calls.length);
    });
  }

  it('answers a read by the state it is made in: read_graph before and after a real create_entities', async () => {
    const write = writeFollowedByRead(run);
    const episode = new Simulator(cache).startEpisode();
    const before = await episode.call('read_graph');
    expect((await episode.call(write.tool, write.arguments)).provenance).toBe('exact');
    const after = await episode.call('read_graph');
    const created = (write.arguments.entities as Array<{ name: string }>)[0]!.name;
    expect(before.provenance).toBe('exact');
    expect(JSON.stringify(before.result)).not.toContain(created);
    expect(after.provenance).toBe('exact');
    expect(JSON.stringify(after.result)).toContain(created);
  });

  it('answers a hidden call exactly only from an identical recording elsewhere (same tool, arguments and state)', async () => {
    // A setup call recorded in every episode: hiding one copy leaves the others.
    const setupCopy = cache.entries.find((e) => e.phase === 'setup' && e.source.subDagIndex === 0)!;
    const withoutOne = new Simulator(cache.filter((e) => e !== setupCopy));
    const answer = await withoutOne.startEpisode({ state: setupCopy.state }).call(setupCopy.tool, setupCopy.args);
    expect(answer.provenance).toBe('exact');
    expect(answer.source).not.toEqual(setupCopy.source);
    expect(answer.result).toEqual(setupCopy.result);
    // Hiding every copy of that key leaves no exact answer.
    const same = (e: CacheEntry) => e.tool === setupCopy.tool && e.canonical === setupCopy.canonical && e.state === setupCopy.state;
    const withoutAll = new Simulator(cache.filter((e) => !same(e)));
    expect((await withoutAll.startEpisode({ state: setupCopy.state }).call(setupCopy.tool, setupCopy.args)).provenance).not.toBe('exact');
  });

  it('held-out fidelity: 20% of the recorded calls hidden (seeded), asked for in the state they were made in', async () => {
    const hidden = pickHeldOut(cache.entries, HELD_OUT_SHARE, HELD_OUT_SEED);
    const heldOut = cache.filter((e) => !hidden.has(e));
    // Lenient, to measure retrieval: strict would answer every call without a twin none.
    const simulator = new Simulator(heldOut, { policy: 'lenient' });
    const counts = { exact: 0, retrieved: 0, generated: 0, none: 0 };
    let exactSameResult = 0;
    let retrievedSameResult = 0;
    let withDuplicate = 0;
    const retrievedSimilarities: number[] = [];
    for (const call of hidden) {
      const answer = await simulator.startEpisode({ state: call.state }).call(call.tool, call.args);
      counts[answer.provenance]++;
      const duplicate = heldOut.exact(call.tool, call.canonical, call.state);
      if (duplicate) withDuplicate++;
      // Exact only where an identical recording (tool, canonical arguments, state) was kept.
      expect(answer.provenance === 'exact', `${call.source.subDagIndex}/${call.source.step} ${call.tool}`).toBe(duplicate !== undefined);
      if (answer.provenance !== 'none') {
        const from = heldOut.entries.find((e) => e.source.subDagIndex === answer.source?.subDagIndex && e.source.step === answer.source?.step);
        expect(from, 'an answer comes from a kept recording, never the hidden one').toBeDefined();
        expect(from?.tool).toBe(call.tool);
        expect([...hidden].some((h) => h.source.subDagIndex === answer.source?.subDagIndex && h.source.step === answer.source?.step)).toBe(false);
      }
      if (answer.provenance === 'exact' && sameJson(answer.result, call.result)) exactSameResult++;
      if (answer.provenance === 'retrieved') {
        expect(answer.similarity).toBeGreaterThanOrEqual(simulator.retrievalThreshold);
        retrievedSimilarities.push(answer.similarity);
        if (sameJson(answer.result, call.result)) retrievedSameResult++;
      }
      if (answer.provenance === 'none') expect(answer.similarity).toBeLessThan(simulator.retrievalThreshold);
    }
    const total = hidden.size;
    const share = (n: number) => Math.round((n / total) * 1000) / 10;
    const figures = {
      recordedCalls: cache.entries.length,
      hiddenCalls: total,
      hiddenWithIdenticalRecordingElsewhere: withDuplicate,
      sharePercent: { exact: share(counts.exact), retrieved: share(counts.retrieved), none: share(counts.none) },
      exactEqualToHiddenResult: `${exactSameResult}/${counts.exact}`,
      retrievedEqualToHiddenResult: `${retrievedSameResult}/${counts.retrieved}`,
      retrievedSimilarityMean: retrievedSimilarities.length
        ? Math.round((retrievedSimilarities.reduce((a, b) => a + b, 0) / retrievedSimilarities.length) * 1000) / 1000
        : null,
    };
    console.log(`held-out fidelity ${JSON.stringify(figures)}`);
    expect(total).toBe(Math.round(cache.entries.length * HELD_OUT_SHARE));
    expect(counts.generated).toBe(0);
    // The held-out set must exercise both paths: calls with a twin elsewhere, and calls without.
    expect(withDuplicate).toBeGreaterThan(0);
    expect(total - withDuplicate).toBeGreaterThan(0);
    // The memory server is deterministic: an identical call in the same state gave the same result.
    expect(exactSameResult).toBe(counts.exact);
    expect(counts.retrieved + counts.none).toBe(total - withDuplicate);
  });
});
