import { ordinal, singular, words } from './words.js';

type Segment = { key: string } | { index: number };

/**
 * "the entity type of the first entity returned in step 2" for `entities[0].entityType`. Every
 * position on the way is named, so two values of one output are never worded alike: an element of
 * a list of values by its position ("the second observation of the first entity" for
 * `entities[0].observations[1]`), an element of a top-level list as an item ("the name of the
 * second item" for `[1].name`), and the nearest named object that holds the value ("the id of the task").
 * A number read out of a sentence (`text#number[0]`) is "the number in the text returned in step 2",
 * a line of a listing (`text#line[1]`) "the second line of the text returned in step 2".
 */
export function describeOutputPath(path: string, trajectoryStep: number): string {
  const part = /#(number|line)\[(\d+)\]$/.exec(path);
  if (part) {
    const within = describeOutputPath(path.slice(0, part.index), trajectoryStep);
    const k = Number(part[2]);
    return part[1] === 'line' ? `the ${ordinal(k)} line of ${within}` : `the ${k === 0 ? '' : `${ordinal(k)} `}number in ${within}`;
  }
  const segments: Segment[] = [...path.matchAll(/([A-Za-z_$][\w$-]*)|\[(\d+)\]/g)].map((m) => (m[2] === undefined ? { key: m[1]! } : { index: Number(m[2]) }));
  const phrases: string[] = [];
  let ownerNamed = false;
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    if ('index' in segment) {
      const list = segments[i - 1];
      const noun = list && 'key' in list ? singular(words(list.key)) : 'item';
      if (list && 'key' in list) i--;
      phrases.push(`${ordinal(segment.index)} ${noun}`);
    } else if (phrases.length === 0) {
      phrases.push(words(segment.key));
    } else if (!ownerNamed) {
      phrases.push(singular(words(segment.key)));
      ownerNamed = true;
    }
  }
  const [leaf = 'value', ...owners] = phrases;
  return `the ${leaf}${owners.map((o) => ` of the ${o}`).join('')} returned in step ${trajectoryStep + 1}`;
}
