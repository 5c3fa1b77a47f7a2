import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isCleanText } from '../verify/clean-text.js';

/** Characters of a tool's description an instruction may share before it counts as pasted. */
export const PASTED_CHARS = 40;

/** What a trainer reads in an exported dataset, measured: does it read as tasks a person would write? */
export interface TextQuality {
  tasks: number;
  meanInstructionChars: number;
  /** Instructions that share PASTED_CHARS or more consecutive characters with a tool's description. */
  pastedDescriptions: number;
  /** Rows, over every JSONL file, that hold a `${…}` placeholder. */
  placeholderRows: number;
  /** Tasks with a text answer that is not clean text. */
  garbledAnswers: number;
}

/** Reads DIR's tasks.jsonl (instructions, answers), rl.jsonl (each row's offered tools) and every JSONL file. */
export function textQualityOf(dir: string): TextQuality {
  const rows = (file: string) => readFileSync(join(dir, file), 'utf8').split('\n').filter((line) => line.trim() !== '');
  const tasks = rows('tasks.jsonl').map((line) => JSON.parse(line) as { instruction: string; answer: string });
  const descriptions = rows('rl.jsonl').map((line) => (JSON.parse(line) as { extra_info: { tools: Array<{ function: { description?: string } }> } }).extra_info.tools.map((t) => t.function.description ?? ''));
  const placeholderRows = readdirSync(dir)
    .filter((file) => file.endsWith('.jsonl'))
    .reduce((sum, file) => sum + rows(file).filter((line) => /\$\{[^}]*\}/.test(line)).length, 0);
  return {
    tasks: tasks.length,
    meanInstructionChars: tasks.length === 0 ? 0 : tasks.reduce((sum, t) => sum + t.instruction.length, 0) / tasks.length,
    pastedDescriptions: tasks.filter((t, i) => (descriptions[i] ?? []).some((d) => sharesRun(t.instruction, d, PASTED_CHARS))).length,
    placeholderRows,
    garbledAnswers: tasks.filter((t) => Object.values(JSON.parse(t.answer) as Record<string, unknown>).some((v) => typeof v === 'string' && !isCleanText(v))).length,
  };
}

/** Whether `text` contains `length` consecutive characters of `source`. */
function sharesRun(text: string, source: string, length: number): boolean {
  for (let start = 0; start + length <= source.length; start++) if (text.includes(source.slice(start, start + length))) return true;
  return false;
}
