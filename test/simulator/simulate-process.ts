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

/** The environment without FIREFLY_SIMULATOR_TOKEN. */
export function withoutToken(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FIREFLY_SIMULATOR_TOKEN: _token, ...rest } = env;
  return rest;
}

export interface HttpSimulator {
  url: string;
  /** Everything written to stdout (the endpoint line, and nothing else). */
  stdout(): string;
  process: ChildProcess;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `firefly simulate --http --port 0` (plus `flags`, e.g. --host and --token) and waits for
 * the endpoint it prints on stdout. `env` replaces the environment (default: this one without
 * FIREFLY_SIMULATOR_TOKEN, so that a token in the developer's shell does not turn tests into 401s).
 */
export async function startHttpSimulator(datasetDir: string, options: { flags?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<HttpSimulator> {
  const { command, args, cwd } = simulateCommand(datasetDir, '--http', '--port', '0', ...(options.flags ?? []));
  const child = spawn(command, args, { cwd, env: options.env ?? withoutToken(process.env), stdio: ['ignore', 'pipe', 'pipe'] });
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
    stdout: () => stdout,
    process: child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
