import { Client, Connection, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { readFile } from 'node:fs/promises';
import { progressQuery, type GenerateServerDatasetInput, type GenerateServerDatasetWorkflow, type RunProgress } from './api.js';
import type { RuntimeConfig } from './config.js';
import { runStaticDetails, runStaticSummary } from './run-start-text.js';
import { connectionOptions } from './temporal-connection.js';

/** Starting and watching runs from code (the demo, the bench); users can do the same with the Temporal CLI. */
export async function connectClient(config: RuntimeConfig): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(config));
  return new Client({ connection, namespace: config.namespace });
}

export async function readRunInput(path: string): Promise<GenerateServerDatasetInput> {
  return JSON.parse(await readFile(path, 'utf8')) as GenerateServerDatasetInput;
}

export function startRun(
  client: Client,
  config: RuntimeConfig,
  workflowId: string,
  input: GenerateServerDatasetInput,
): Promise<WorkflowHandleWithFirstExecutionRunId<GenerateServerDatasetWorkflow>> {
  const serverName = (input.server as { name?: string } | undefined)?.name;
  return client.workflow.start<GenerateServerDatasetWorkflow>('generateServerDataset', {
    taskQueue: config.taskQueue,
    workflowId,
    args: [input],
    staticSummary: runStaticSummary(input),
    staticDetails: runStaticDetails(input),
    // One fairness key per server, inherited by the run's children and activities: when many runs share
    // a task queue, the server dispatches their tasks round-robin by key, so no server starves the others.
    ...(serverName ? { priority: { fairnessKey: fairnessKeyOf(serverName) } } : {}),
  });
}

/** Temporal takes at most 64 bytes of key. */
export function fairnessKeyOf(serverName: string): string {
  return Buffer.from(serverName).subarray(0, 64).toString('utf8').replace(/\uFFFD$/, '');
}

/** Calls `onProgress` with the run's progress every `everyMs` until it closes; returns its result. */
export async function watchRun<T>(
  handle: WorkflowHandle,
  onProgress: (progress: RunProgress) => void,
  everyMs = 1_000,
): Promise<T> {
  const result = handle.result() as Promise<T>;
  let closed = false;
  void result.finally(() => (closed = true)).catch(() => undefined);
  while (!closed) {
    try {
      onProgress(await handle.query(progressQuery));
    } catch {
      // The query fails between continue-as-new runs and before the first workflow task: ask again.
    }
    await Promise.race([result.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, everyMs))]);
  }
  return result;
}

export function webUiLink(config: RuntimeConfig, workflowId: string, uiPort = process.env.TEMPORAL_UI_PORT ?? '8233'): string {
  return `http://localhost:${uiPort}/namespaces/${config.namespace}/workflows/${encodeURIComponent(workflowId)}`;
}
