import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../../src/domain.js';
import type { EnvTask } from '../../../src/env/env-dataset.js';
import { EnvEpisode } from '../../../src/env/env-episode.js';
import { fromAgentPaths, toAgentPaths } from '../../../src/explore/sandbox-paths.js';
import { SimulatorCache } from '../../../src/simulator/cache.js';
import { Simulator } from '../../../src/simulator/simulator.js';
import { recorded, text } from '../simulator/fixtures.js';

const tools: ToolDefinition[] = [
  { name: 'write_file', description: 'Write a file under ${sandbox}', inputSchema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } } } },
  { name: 'read_file', description: 'Read a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } }, annotations: { readOnlyHint: true } },
];
const write = { path: '${sandbox}/notes.txt', content: 'hello' };
const read = { path: '${sandbox}/notes.txt' };
const cache = SimulatorCache.fromRecording({
  server: 'filesystem',
  tools,
  setup: [],
  calls: [recorded(0, 1, 'write_file', write, text({ wrote: '${sandbox}/notes.txt' })), recorded(0, 2, 'read_file', read, text({ path: '${sandbox}/notes.txt', content: 'hello' }))],
});
const task: EnvTask = {
  id: 'write-read',
  split: 'train',
  instruction: 'Write hello to /workspace/notes.txt, read it back and report where it is.',
  answerSchema: { type: 'object', properties: { where: { type: 'string' } } },
  groundTruth: [{ field: 'where', value: '/workspace/notes.txt', step: 1, path: 'path' }],
  tools: tools.map((definition) => ({ name: definition.name, definition })),
  trajectory: [
    { tool: 'write_file', arguments: write },
    { tool: 'read_file', arguments: read },
  ],
  startState: cache.initialState,
  servers: ['filesystem'],
};

describe('the sandbox as the agent writes it: /workspace', () => {
  it('answers calls under /workspace from recordings made under ${sandbox}, and shows the agent no placeholder', async () => {
    const episode = new EnvEpisode(task, new Simulator(cache));
    const wrote = await episode.call('write_file', { path: '/workspace/notes.txt', content: 'hello' });
    const readBack = await episode.call('read_file', { path: '/workspace/notes.txt' });
    expect([wrote.provenance, readBack.provenance]).toEqual(['exact', 'exact']);
    expect(JSON.stringify([wrote.result, readBack.result, episode.tools()])).not.toContain('${');
    expect(JSON.stringify(readBack.result)).toContain('/workspace/notes.txt');
    expect(episode.submit({ where: '/workspace/notes.txt' })).toMatchObject({ reward: 1, endState: true });
  });

  it('maps back only a path that begins with the root', () => {
    expect(fromAgentPaths({ a: '/workspace', b: '/workspace/x y', c: 'cat /workspace/a.txt', d: ['x=/workspace/d'] })).toEqual({
      a: '${sandbox}',
      b: '${sandbox}/x y',
      c: 'cat ${sandbox}/a.txt',
      d: ['x=${sandbox}/d'],
    });
    const unrelated = { a: '/workspaces/x', b: '/srv/workspace/y', c: 'my/workspace', d: '/workspace-old' };
    expect(fromAgentPaths(unrelated)).toEqual(unrelated);
    expect(fromAgentPaths(toAgentPaths({ p: '${sandbox}/a/b.txt', q: 'in ${sandbox}.' }))).toEqual({ p: '${sandbox}/a/b.txt', q: 'in ${sandbox}.' });
  });
});
