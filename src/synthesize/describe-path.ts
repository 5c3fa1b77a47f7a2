import { ordinal, singular, words } from './words.js';

/**
 * "the entity type of the first entity returned in step 2" for `entities[0].entityType`; an element
 * of a list of values is named by its position too: "the second observation of the first entity"
 * for `entities[0].observations[1]`, never "the value of the observation", which could be any of them.
 */
export function describeOutputPath(path: string, trajectoryStep: number): string {
  const parts = [...path.matchAll(/([A-Za-z_$][\w$-]*)|\[(\d+)\]/g)];
  const lastIndex = parts.at(-1)?.[2];
  const listKey = lastIndex !== undefined ? parts.at(-2)?.[1] : undefined;
  const leafKey = parts.at(-1)?.[1];
  const leaf = listKey ? `${ordinal(Number(lastIndex))} ${singular(words(listKey))}` : leafKey ? words(leafKey) : 'value';
  let owner = '';
  for (let i = parts.length - (listKey ? 3 : 2); i >= 0; i--) {
    const index = parts[i]?.[2];
    const key = parts[i - 1]?.[1];
    if (index !== undefined && key) {
      owner = ` of the ${ordinal(Number(index))} ${singular(words(key))}`;
      break;
    }
    if (parts[i]?.[1]) {
      owner = ` of the ${singular(words(parts[i]![1]!))}`;
      break;
    }
  }
  return `the ${leaf}${owner} returned in step ${trajectoryStep + 1}`;
}
