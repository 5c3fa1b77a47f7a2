import { describe, expect, it } from 'vitest';
import { isolatedConfig } from '../helpers/temporal.js';
import { startWorkerProcess } from '../helpers/worker-process.js';

describe('the worker process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('shuts down cleanly on %s', async (signal) => {
    const worker = await startWorkerProcess(isolatedConfig('shutdown'));
    let output = '';
    worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill(signal);
    expect(await exited).toBe(0);
    expect(output).toContain('firefly worker: stopped');
  });
});
