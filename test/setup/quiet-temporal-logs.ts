// Workers in tests log at WARN: bundling and state changes at INFO drown the test output.
// Runtime.install may run once per process; vitest's forks pool gives each test file its own.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
