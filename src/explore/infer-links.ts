import type { CallLink, JsonObject, JsonValue, RecordedCall } from '../domain.js';
import { outputValue } from '../mcp/output.js';
import { containsMarker } from '../secrets/marker.js';
import { distinctive } from './data-flow.js';
import { leafName, primitiveLeaves } from './json-path.js';

/**
 * The links of a call whose arguments were chosen by someone who does not say where each came from
 * (a model): an argument leaf equal to a distinctive leaf of an earlier successful exploration output
 * came from there. The latest such call is the source (it is the one the caller had just read); within
 * its output, a field named like the argument wins over the first in document order.
 *
 * A redaction marker never links: it stands for a value the caller could not see, so passing it on
 * carried no data.
 */
export function inferLinks(args: JsonObject, earlier: readonly RecordedCall[]): CallLink[] {
  const sources = latestSources(earlier);
  return primitiveLeaves(args).flatMap((leaf): CallLink[] => {
    if (!linkable(leaf.value)) return [];
    const source = sources.get(JSON.stringify(leaf.value));
    if (!source) return [];
    const name = leafName(leaf.path);
    const outputPath = source.paths.find((p) => leafName(p) === name) ?? source.paths[0]!;
    return [{ argument: leaf.path, fromStep: source.step, outputPath, value: leaf.value }];
  });
}

interface Source {
  step: number;
  /** Every path of the step's output holding the value, in document order. */
  paths: string[];
}

/** For each linkable value, the latest successful exploration call whose output holds it. */
function latestSources(earlier: readonly RecordedCall[]): Map<string, Source> {
  const sources = new Map<string, Source>();
  const usable = earlier.filter((c) => c.phase === 'explore' && !c.isError).sort((a, b) => a.step - b.step);
  for (const call of usable) {
    const here = new Map<string, string[]>();
    for (const leaf of primitiveLeaves(outputValue(call.result))) {
      if (!linkable(leaf.value)) continue;
      const key = JSON.stringify(leaf.value);
      here.set(key, [...(here.get(key) ?? []), leaf.path]);
    }
    for (const [key, paths] of here) sources.set(key, { step: call.step, paths });
  }
  return sources;
}

function linkable(value: JsonValue): boolean {
  return distinctive(value) && !(typeof value === 'string' && containsMarker(value));
}
