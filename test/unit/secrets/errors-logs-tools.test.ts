import { describe, expect, it } from 'vitest';
import type { LogLevel, LogMetadata } from '@temporalio/common';
import type { DiscoveredTool } from '../../../src/domain.js';
import { ServerLaunchError } from '../../../src/mcp/errors.js';
import { redactError } from '../../../src/secrets/redact-error.js';
import { redactTool } from '../../../src/secrets/redact-tool.js';
import { redactingLogger } from '../../../src/secrets/redacting-logger.js';
import { Redactor } from '../../../src/secrets/redactor.js';

const SECRET = 'worker-secret-123';
const redactor = new Redactor([SECRET]);

describe('redaction of errors, logs and tool definitions', () => {
  it('an error keeps its class and fields, with its message, stack, stderr tail and causes redacted', () => {
    const cause = new Error(`inner ${SECRET}`);
    const error = new ServerLaunchError('exited', `server exited: ${SECRET}`, false, `API_TOKEN=${SECRET}`, 3);
    Object.assign(error, { cause });
    expect(redactError(error, redactor)).toBe(error);
    expect(error).toBeInstanceOf(ServerLaunchError);
    expect(error).toMatchObject({ kind: 'exited', retryable: false, exitCode: 3, message: 'server exited: [REDACTED]', stderrTail: 'API_TOKEN=[REDACTED]' });
    expect(error.stack).not.toContain(SECRET);
    expect(cause.message).toBe('inner [REDACTED]');
    expect(redactError('not an error', redactor)).toBe('not an error');
  });

  it('a log line and its metadata are redacted before they are written; symbol keys survive', () => {
    const written: Array<{ level: LogLevel; message: string; meta?: LogMetadata }> = [];
    const inner = {
      log: (level: LogLevel, message: string, meta?: LogMetadata) => written.push({ level, message, ...(meta ? { meta } : {}) }),
      trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined,
    };
    const stamp = Symbol.for('log_timestamp');
    const logger = redactingLogger(inner, redactor);
    logger.warn(`failed with ${SECRET}`, { [stamp]: 1n, nested: { list: [`x ${SECRET}`], n: 1 }, error: new Error(SECRET) } as LogMetadata);
    expect(written).toHaveLength(1);
    expect(written[0]!.message).toBe('failed with [REDACTED]');
    expect(written[0]!.level).toBe('WARN');
    const meta = written[0]!.meta as Record<string | symbol, unknown>;
    expect(meta[stamp]).toBe(1n);
    expect(meta.nested).toEqual({ list: ['x [REDACTED]'], n: 1 });
    expect((meta.error as Error).message).toBe('[REDACTED]');
  });

  it('a tool definition keeps its name and loses the secrets in its description and schema', () => {
    const tool: DiscoveredTool = {
      name: 'fetch',
      description: `Fetches with key ${SECRET}`,
      inputSchema: { type: 'object', properties: { token: { type: 'string', default: SECRET } } },
      usable: true,
    };
    expect(redactTool(tool, redactor)).toEqual({
      name: 'fetch',
      description: 'Fetches with key [REDACTED]',
      inputSchema: { type: 'object', properties: { token: { type: 'string', default: '[REDACTED]' } } },
      usable: true,
    });
  });
});
