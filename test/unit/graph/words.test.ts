import { describe, expect, it } from 'vitest';
import { listsPaths, looksLikeId, looksLikePath, looksLikeProse, looksLikeUrl } from '../../../src/graph/value-kinds.js';
import { descriptionWords, identifierWords, pathSegments, singular } from '../../../src/graph/words.js';

describe('words', () => {
  it('splits identifiers of every casing into singular words', () => {
    expect(identifierWords('entityNames')).toEqual(['entity', 'name']);
    expect(identifierWords('entity_names')).toEqual(['entity', 'name']);
    expect(identifierWords('parent-task-ids')).toEqual(['parent', 'task', 'id']);
    expect(identifierWords('HTTPRequestURLs')).toEqual(['http', 'request', 'url']);
  });

  it('singularises common plurals and leaves other words alone', () => {
    expect(['entities', 'addresses', 'boxes', 'ids', 'status', 'analysis', 'class', 'has'].map(singular)).toEqual([
      'entity', 'address', 'box', 'id', 'status', 'analysis', 'class', 'has',
    ]);
  });

  it('keeps the meaningful words of a description', () => {
    expect(descriptionWords('The name of the entity where the relation starts')).toEqual(new Set(['name', 'entity', 'relation', 'start']));
    expect(descriptionWords(undefined)).toEqual(new Set());
  });

  it('reads the named segments of a path', () => {
    expect(pathSegments('entities[].observations[]')).toEqual(['entities', 'observations']);
    expect(pathSegments('[].task.id')).toEqual(['task', 'id']);
    expect(pathSegments('')).toEqual([]);
  });
});

describe('value kinds', () => {
  it('tells ids from words and prose', () => {
    expect(['task-1', 'req-12', '42', '0b9e8c1e-2f4a-4c7e-9d1a-3b5c7d9e1f20'].every(looksLikeId)).toBe(true);
    expect(looksLikeId(7)).toBe(true);
    expect(['Alice', 'Buy cake', ''].some(looksLikeId)).toBe(false);
    expect(looksLikeProse('Tasks have been successfully added.\nPlease use get_next_task.')).toBe(true);
    expect(looksLikeProse('Buy cake')).toBe(false);
  });

  it('recognises paths, URLs and texts that list paths', () => {
    expect(['/tmp/a.txt', './src/index.ts', 'src/graph', 'notes.md', 'C:\\data\\x'].every(looksLikePath)).toBe(true);
    expect(['hello world', 'https://example.com/a', 'Successfully wrote to /tmp/a.txt'].some(looksLikePath)).toBe(false);
    expect(looksLikeUrl('https://example.com/a?b=1')).toBe(true);
    expect(looksLikeUrl('example.com')).toBe(false);
    expect(listsPaths('Successfully wrote to /tmp/a.txt')).toBe(true);
    expect(listsPaths('[FILE] a.txt\n[DIR] sub')).toBe(false);
  });
});
