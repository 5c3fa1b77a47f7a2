import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { PROJECT_ROOT, type RuntimeConfig } from '../../src/config.js';
import { withoutDefaultModelKey } from '../../src/llm/config.js';

/** A worker in its own process (`worker.ts`, as users run it), so that a test can SIGKILL it. */
export async function startWorkerProcess(config: RuntimeConfig): Promise<ChildProcess> {
  const { FIREFLY_STORE_URL: _inherited, ...env } = withoutDefaultModelKey(process.env);
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(PROJECT_ROOT, 'worker.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      ...env,
      TEMPORAL_ADDRESS: config.temporalAddress,
      TEMPORAL_NAMESPACE: config.namespace,
      FIREFLY_TASK_QUEUE: config.taskQueue,
      FIREFLY_DATA_DIR: config.dataDir,
      FIREFLY_DATASETS_DIR: config.datasetRoot,
      ...(config.storeUrl ? { FIREFLY_STORE_URL: config.storeUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('firefly worker: task queue')) ready();
    });
    child.once('exit', (code) => fail(new Error(`worker exited with ${code} before it was ready:\n${output}`)));
  });
  return child;
}

export function killed(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
  });
}
