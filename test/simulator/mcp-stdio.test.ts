import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject, RecordedCall } from '../../src/domain.js';
import { recordMemoryRun, writeFollowedByRead, type RecordedRun } from './record-memory-run.js';
import { simulateCommand } from './simulate-process.js';

/** One `firefly simulate` process over stdio, with everything it wrote to stderr and every client-side error. */
async function connectStdio(datasetDir: string) {
  const transport = new StdioClientTransport({ ...simulateCommand(datasetDir), stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'simulator-test', version: '1' });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(transport);
  return { client, errors, stderr: () => stderr };
}

const withoutMeta = (result: JsonObject) => {
  const { _meta: _ignored, ...rest } = result;
  return rest;
};

describe('firefly simulate over stdio, with the SDK client', () => {
  let run: RecordedRun;
  let firstCall: RecordedCall;
  beforeAll(async () => {
    run = await recordMemoryRun();
    firstCall = run.input.calls.find((c) => c.subDagIndex === 0 && c.phase === 'explore')!;
  });
  afterAll(() => run?.cleanup());

  it('lists the recorded tools with their schemas and annotations', async () => {
    const { client, errors } = await connectStdio(run.datasetDir);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'memory', version: 'firefly-simulator' });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(run.input.tools.map((t) => t.name));
      for (const tool of run.input.tools) {
        const listed = tools.find((t) => t.name === tool.name)!;
        expect(listed.description).toBe(tool.description);
        expect(listed.inputSchema).toEqual(tool.inputSchema);
        expect(listed.outputSchema).toEqual(tool.outputSchema);
        expect(listed.annotations).toEqual(tool.annotations);
      }
      expect(errors).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('answers a recorded call with the recorded result, provenance exact in _meta, state kept within the session', async () => {
    const { client, errors, stderr } = await connectStdio(run.datasetDir);
    try {
      const result = (await client.callTool({ name: firstCall.tool, arguments: firstCall.arguments })) as JsonObject;
      expect(withoutMeta(result)).toEqual(firstCall.result);
      expect(result._meta).toEqual({
        'firefly/provenance': 'exact',
        'firefly/similarity': 1,
        'firefly/source': { runId: run.runId, subDagIndex: expect.any(Number), step: expect.any(Number) },
        'firefly/stateDistance': 0,
      });
      // The episode's next call was recorded in the state the first one left: still exact.
      const second = run.input.calls.find((c) => c.subDagIndex === 0 && c.step === firstCall.step + 1)!;
      const next = (await client.callTool({ name: second.tool, arguments: second.arguments })) as JsonObject;
      expect(withoutMeta(next)).toEqual(second.result);
      expect((next._meta as JsonObject)['firefly/provenance']).toBe('exact');
      expect(errors, 'stdout carries protocol only').toEqual([]);
      expect(stderr()).toMatch(/firefly simulate: loaded 9 tools of "memory"/);
    } finally {
      await client.close();
    }
  });

  it('gives a protocol error for an unknown tool and survives malformed arguments', async () => {
    const { client, errors } = await connectStdio(run.datasetDir);
    try {
      const unknown = await client.callTool({ name: 'drop_database', arguments: {} }).catch((error: unknown) => error);
      expect(unknown).toBeInstanceOf(McpError);
      expect((unknown as McpError).code).toBe(ErrorCode.InvalidParams);
      expect((unknown as McpError).message).toMatch(/Unknown tool "drop_database".*read_graph/);

      const notAnObject = await client
        .request({ method: 'tools/call', params: { name: 'read_graph', arguments: 'oops' as never } }, CallToolResultSchema)
        .catch((error: unknown) => error);
      expect(notAnObject).toBeInstanceOf(McpError);
      expect((notAnObject as McpError).code).toBe(ErrorCode.InvalidParams);
      expect((notAnObject as McpError).message).toMatch(/params.arguments is a string: give an object/);

      // Arguments the input schema refuses: invalid params, naming each argument at fault.
      const wrongShape = await client
        .request({ method: 'tools/call', params: { name: 'create_entities', arguments: { entities: 42, extra: { deep: [[[null]]] } } } }, CallToolResultSchema)
        .catch((error: unknown) => error);
      expect(wrongShape).toBeInstanceOf(McpError);
      expect((wrongShape as McpError).code).toBe(ErrorCode.InvalidParams);
      expect((wrongShape as McpError).message).toMatch(/arguments must NOT have additional properties; arguments\/entities must be array/);

      // Still serving, and the episode still answers recorded calls exactly.
      const result = (await client.callTool({ name: firstCall.tool, arguments: firstCall.arguments })) as JsonObject;
      expect((result._meta as JsonObject)['firefly/provenance']).toBe('exact');
      expect(errors).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('starts every process on a fresh episode', async () => {
    const write = writeFollowedByRead(run);
    const first = await connectStdio(run.datasetDir);
    const second = await connectStdio(run.datasetDir);
    try {
      const before = (await first.client.callTool({ name: 'read_graph', arguments: {} })) as JsonObject;
      await first.client.callTool({ name: write.tool, arguments: write.arguments });
      const after = (await first.client.callTool({ name: 'read_graph', arguments: {} })) as JsonObject;
      expect(withoutMeta(after)).not.toEqual(withoutMeta(before));
      const fresh = (await second.client.callTool({ name: 'read_graph', arguments: {} })) as JsonObject;
      expect(withoutMeta(fresh)).toEqual(withoutMeta(before));
    } finally {
      await Promise.all([first.client.close(), second.client.close()]);
    }
  });
});
