// Workers in tests print at WARN: bundling and state changes at INFO drown the test output.
// Every entry, at any level, also reaches captureLogs() (test/helpers/log-capture.ts), so that a
// test can search what the worker logged. Runtime.install may run once per process; vitest's forks
// pool gives each test file its own.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { teeLogger } from '../helpers/log-capture.js';

Runtime.install({ logger: teeLogger(new DefaultLogger('WARN')) });
