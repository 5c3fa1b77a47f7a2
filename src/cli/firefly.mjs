#!/usr/bin/env node
// The `firefly` bin: plain JavaScript, so that it runs from any directory. It loads tsx from this
// project's own node_modules (a `--import tsx` shebang would look for tsx in the caller's directory)
// and then the TypeScript entry point.
import { register } from 'tsx/esm/api';

register();
await import('./firefly.ts');
