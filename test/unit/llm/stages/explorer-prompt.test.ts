import { describe, expect, it } from 'vitest';
import { EXPLORER_SYSTEM, explorerInstruction } from '../../../../src/llm/stages/explorer-prompt.js';

const tools = [
  { name: 'files/list', description: 'List files', inputSchema: { type: 'object' } },
  { name: 'files/read', description: 'Read a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } },
];

describe('explorerInstruction', () => {
  it('names the tools in order, by the names the model is offered, with the edges between them', () => {
    const text = explorerInstruction({
      tools,
      edges: [{ from: 'files/list', to: 'files/read', confidence: 'high', mappings: [{ input: 'path', output: 'files[].path', score: 1 }] }],
      hints: { path: ['${sandbox}/notes.txt'] },
      maxSteps: 6,
    });
    expect(text).toBe(
      [
        'Explore these tools, in this order; each must succeed at least once:',
        '1. files_list',
        '2. files_read',
        '',
        'How outputs feed inputs (pass the real value from the earlier output):',
        '- files_list → files_read: output `files[].path` → input `path` (high confidence)',
        '',
        'Values that exist on this server, for inputs no earlier output provides:',
        '- path: "${sandbox}/notes.txt"',
        '',
        'You may make at most 6 tool calls.',
      ].join('\n'),
    );
  });

  it('says so when no edge joins the tools, and cuts long example values', () => {
    const text = explorerInstruction({ tools, edges: [], hints: { content: ['x'.repeat(500)] }, maxSteps: 4 });
    expect(text).toContain('These tools are not known to feed each other');
    expect(text).toContain('[truncated, 302 more characters]');
  });

  it('keeps the system prompt free of anything episode-specific, so that it caches', () => {
    expect(EXPLORER_SYSTEM).not.toMatch(/files|\d+ tool calls/);
  });
});
