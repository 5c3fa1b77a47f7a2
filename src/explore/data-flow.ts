import type { JsonValue, RecordedCall } from '../domain.js';
import { outputValue } from '../mcp/output.js';
import { primitiveLeaves } from './json-path.js';

/**
 * Whether a value is specific enough that finding it in a later argument shows data flowed there,
 * rather than a coincidence (`true`, `1`, `"ok"` turn up everywhere).
 */
export function distinctive(value: JsonValue): boolean {
  if (typeof value === 'string') return value.trim().length >= 3;
  if (typeof value === 'number') return Math.abs(value) >= 10 || !Number.isInteger(value);
  return false;
}

/**
 * Did a later exploration call in this episode take, as an argument, a value that an earlier call
 * returned? Judged from the recorded arguments and results alone, not from the planner's links.
 */
export function carriesOutputForward(calls: RecordedCall[]): boolean {
  const explored = calls.filter((c) => c.phase === 'explore').sort((a, b) => a.step - b.step);
  const seen = new Set<string>();
  for (const call of explored) {
    const argumentValues = primitiveLeaves(call.arguments).map((leaf) => JSON.stringify(leaf.value));
    if (argumentValues.some((v) => seen.has(v))) return true;
    if (call.isError) continue;
    for (const leaf of primitiveLeaves(outputValue(call.result))) {
      if (distinctive(leaf.value)) seen.add(JSON.stringify(leaf.value));
    }
  }
  return false;
}
