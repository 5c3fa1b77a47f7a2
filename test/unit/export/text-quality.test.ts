import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textQualityOf } from '../../../src/export/text-quality.js';

const DESCRIPTION = 'Read the complete contents of a file from the file system as text, in any encoding';

function dataset(tasks: Array<{ instruction: string; answer: object }>, extraRow = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'text-quality-'));
  writeFileSync(join(dir, 'tasks.jsonl'), tasks.map((t) => JSON.stringify({ instruction: t.instruction, answer: JSON.stringify(t.answer) })).join('\n') + '\n');
  const rl = tasks.map(() => JSON.stringify({ extra_info: { tools: [{ function: { name: 'read_text_file', description: DESCRIPTION } }] } }));
  writeFileSync(join(dir, 'rl.jsonl'), `${rl.join('\n')}\n`);
  writeFileSync(join(dir, 'sft.openai.jsonl'), extraRow);
  return dir;
}

describe('textQualityOf', () => {
  it('counts pasted descriptions, placeholders and garbled answers, and the mean instruction length', () => {
    const pasted = `1. ${DESCRIPTION.slice(0, 45)} with path "/workspace/a.txt".`;
    const short = '1. Read the text file /workspace/a.txt.';
    const dir = dataset(
      [
        { instruction: pasted, answer: { line: 'ok' } },
        { instruction: short, answer: { line: 'j\uFFFDe' } },
      ],
      `${JSON.stringify({ note: 'path ${sandbox}/a.txt' })}\n`,
    );
    expect(textQualityOf(dir)).toEqual({
      tasks: 2,
      meanInstructionChars: (pasted.length + short.length) / 2,
      pastedDescriptions: 1,
      placeholderRows: 1,
      garbledAnswers: 1,
    });
  });

  it('does not count 39 shared characters as pasted', () => {
    const dir = dataset([{ instruction: `Please ${DESCRIPTION.slice(0, 39)}.`, answer: {} }]);
    expect(textQualityOf(dir).pastedDescriptions).toBe(0);
  });
});
