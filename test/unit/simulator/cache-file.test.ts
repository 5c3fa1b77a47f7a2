import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatorCache } from '../../../src/simulator/cache.js';
import { readSimulatorCache, writeSimulatorCache } from '../../../src/simulator/cache-file.js';
import { canonicalArguments } from '../../../src/simulator/canonical.js';
import { SimulatorCacheError } from '../../../src/simulator/errors.js';
import { Simulator } from '../../../src/simulator/simulator.js';
import { entity, handMadeInput } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'firefly-cache-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simulator cache file', () => {
  it('reads back what it wrote: tools, setup, every call with its state, the initial state', () => {
    const path = join(dir, 'round-trip.sqlite');
    const original = SimulatorCache.fromRecording(handMadeInput());
    writeSimulatorCache(path, handMadeInput());
    const read = readSimulatorCache(path);
    expect(read.server).toBe('memory');
    expect(read.tools).toEqual(original.tools);
    expect(read.setup).toEqual(original.setup);
    expect(read.initialState).toBe(original.initialState);
    expect(read.entries.map((e) => ({ ...e, args: e.args, result: e.result }))).toEqual(
      original.entries.map((e) => ({ ...e, args: e.args, result: e.result })),
    );
  });

  it('answers the same after a round trip', async () => {
    const path = join(dir, 'answers.sqlite');
    writeSimulatorCache(path, handMadeInput());
    const sequence: Array<[string, object]> = [
      ['read_graph', {}],
      ['create_entities', { entities: [entity('Bob')] }],
      ['read_graph', {}],
      ['open_nodes', { names: ['Ada', 'Bob'] }],
      ['search_nodes', { query: 'nothing like it' }],
    ];
    const replay = async (simulator: Simulator) => {
      const episode = simulator.startEpisode();
      const answers = [];
      for (const [tool, args] of sequence) answers.push(await episode.call(tool, args as never));
      return answers;
    };
    expect(await replay(new Simulator(readSimulatorCache(path)))).toEqual(await replay(new Simulator(SimulatorCache.fromRecording(handMadeInput()))));
  });

  it('writes byte-identical files for the same input', () => {
    const a = join(dir, 'a.sqlite');
    const b = join(dir, 'b.sqlite');
    writeSimulatorCache(a, handMadeInput());
    writeSimulatorCache(b, handMadeInput());
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    // Rewriting in place, and writing from a cache read back, give the same bytes too.
    writeSimulatorCache(a, handMadeInput());
    writeSimulatorCache(join(dir, 'c.sqlite'), readSimulatorCache(b));
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(join(dir, 'c.sqlite')).equals(readFileSync(b))).toBe(true);
  });

  it('is plain SQLite a reader without this project can query by the documented key', () => {
    const path = join(dir, 'plain.sqlite');
    writeSimulatorCache(path, handMadeInput());
    const db = new Database(path, { readonly: true });
    try {
      const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
      expect(meta).toMatchObject({ format: 'firefly-simulator-cache', format_version: '2', server: 'memory', call_count: '9', tool_count: '5' });
      const row = db
        .prepare('SELECT result_json, sub_dag_index, step FROM calls WHERE tool = ? AND arguments_canonical = ? AND state_key = ? ORDER BY id LIMIT 1')
        .get('read_graph', canonicalArguments({}), meta.initial_state) as { result_json: string; sub_dag_index: number; step: number };
      expect(row).toMatchObject({ sub_dag_index: -1, step: 1 });
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM calls WHERE tool = 'x' AND arguments_canonical = 'y' AND state_key = 'z'").all();
      expect(JSON.stringify(plan)).toMatch(/calls_exact/);
      expect(db.prepare('SELECT count(*) AS n FROM generated').get()).toEqual({ n: 0 });
      const tools = db.prepare('SELECT name, output_schema_json, annotations_json FROM tools ORDER BY ordinal').all() as Array<{ name: string; output_schema_json: string | null }>;
      expect(tools.map((t) => t.name)).toEqual(['create_entities', 'read_graph', 'open_nodes', 'search_nodes', 'delete_entities']);
      expect(tools[0]?.output_schema_json).toBeNull();
    } finally {
      db.close();
    }
  });

  it('refuses a missing file, a file that is not a cache, and another format version, saying what to do', () => {
    expect(() => readSimulatorCache(join(dir, 'missing.sqlite'))).toThrow(SimulatorCacheError);
    expect(() => readSimulatorCache(join(dir, 'missing.sqlite'))).toThrow(/does not exist: export/);
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'not sqlite at all, not at all, definitely not a database file');
    expect(() => readSimulatorCache(junk)).toThrow(SimulatorCacheError);
    const other = join(dir, 'other.sqlite');
    new Database(other).exec('CREATE TABLE t (x)').close();
    expect(() => readSimulatorCache(other)).toThrow(/not a simulator cache/);
    const future = join(dir, 'future.sqlite');
    writeSimulatorCache(future, handMadeInput());
    const db = new Database(future);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'format_version'").run();
    db.close();
    expect(() => readSimulatorCache(future)).toThrow(/format version 99, and this code reads version 2/);
  });
});
