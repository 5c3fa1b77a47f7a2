import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';

/** `firefly simulate` as a user starts it from the project: node with tsx on the TypeScript entry point. */
export function simulateCommand(datasetDir: string, ...flags: string[]): { command: string; args: string[]; cwd: string } {
  return {
    command: process.execPath,
    args: ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'firefly.ts'), 'simulate', '--dataset', datasetDir, ...flags],
    cwd: PROJECT_ROOT,
  };
}

export interface HttpSimulator {
  url: string;
  process: ChildProcess;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `firefly simulate --http --port 0` and waits for the endpoint it prints on stdout. */
export async function startHttpSimulator(datasetDir: string): Promise<HttpSimulator> {
  const { command, args, cwd } = simulateCommand(datasetDir, '--http', '--port', '0');
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no endpoint printed within 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(http:\/\/\S+)$/m.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => reject(new Error(`firefly simulate exited (${code}) before printing its endpoint; stderr: ${stderr}`)));
  });
  return {
    url,
    process: child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
