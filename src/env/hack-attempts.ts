import type { JsonObject, JsonPrimitive, JsonValue } from '../domain.js';
import { primitiveLeaves, withValueAt } from '../explore/json-path.js';
import { pick, seededRandom } from '../random.js';
import { changesState } from '../simulator/state.js';
import type { EnvDataset, EnvTask } from './env-dataset.js';

/** Calls an attempt plays, in order, each with the reference step it stands for (where its answers are read). */
export type Calls = Array<EnvTask['trajectory'][number] & { step: number }>;

export const referenceCalls = (task: EnvTask): Calls => task.trajectory.map((call, step) => ({ ...call, step }));

/** Most variants of one kind tried per task: a cap on the check's time, not on what it covers in practice. */
const MAX_VARIANTS = 64;

const leaves = (value: JsonValue) => primitiveLeaves(value) as Array<{ path: string; value: JsonPrimitive }>;

const writes = (task: EnvTask, step: number) => changesState(task.tools.find((t) => t.name === task.trajectory[step]?.tool)?.definition);

/** The reference with one state-changing call left out, for each such call: the instructed work skipped. */
export function skippedWrites(task: EnvTask): Calls[] {
  const reference = referenceCalls(task);
  return reference.flatMap(({ step }) => (writes(task, step) ? [reference.filter((call) => call.step !== step)] : []));
}

/**
 * The reference with each answer-bearing call moved first, ahead of the writes the task puts
 * before it: an answer that stays right when it is read before those writes did not depend on them.
 * (Reads alone in another order are no cheat: they see the same state.)
 */
export function reorderings(task: EnvTask): Calls[] {
  const reference = referenceCalls(task);
  const afterAWrite = [...new Set(task.groundTruth.map((g) => g.step))].filter((step) => reference.some((call) => call.step < step && writes(task, call.step)));
  return afterAWrite.map((step) => [reference[step]!, ...reference.filter((call) => call.step !== step)]).slice(0, MAX_VARIANTS);
}

/** The values each (tool, argument path, indices dropped) took anywhere in the recording: the "other valid-looking values". */
export function argumentAlternatives(dataset: EnvDataset): Map<string, JsonPrimitive[]> {
  const seen = new Map<string, Set<JsonPrimitive>>();
  for (const entry of dataset.cache.entries) {
    for (const leaf of leaves(entry.args)) {
      const key = alternativeKey(entry.tool, leaf.path);
      (seen.get(key) ?? seen.set(key, new Set()).get(key)!).add(leaf.value);
    }
  }
  return new Map([...seen].map(([key, values]) => [key, [...values]]));
}

const alternativeKey = (tool: string, path: string) => `${tool}\0${path.replace(/\[\d+\]/g, '[]')}`;

/**
 * The reference with one argument leaf of an answer-bearing call changed, once to every other
 * value the recording saw at that argument (a value of another type too: a server may take it),
 * and to one made-up value of its type.
 */
export function changedArguments(task: EnvTask, alternatives: ReadonlyMap<string, JsonPrimitive[]>): Calls[] {
  const variants: Calls[] = [];
  for (const step of new Set(task.groundTruth.map((g) => g.step))) {
    const call = task.trajectory[step];
    const definition = call && task.tools.find((t) => t.name === call.tool)?.definition;
    if (!call || !definition) continue;
    for (const leaf of leaves(call.arguments)) {
      const others = (alternatives.get(alternativeKey(definition.name, leaf.path)) ?? []).filter((v) => v !== leaf.value);
      const madeUp = otherOfType(leaf.value);
      for (const other of madeUp === undefined || others.includes(madeUp) ? others : [...others, madeUp]) {
        const changed = referenceCalls(task);
        changed[step] = { tool: call.tool, arguments: withValueAt(call.arguments, leaf.path, other) as JsonObject, step };
        variants.push(changed);
      }
    }
  }
  return variants.slice(0, MAX_VARIANTS);
}

function otherOfType(value: JsonPrimitive): JsonPrimitive | undefined {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') return `${value}-2`;
  if (typeof value === 'boolean') return !value;
  return undefined;
}

/** A task's answer object: its ground truth, field by field. */
export const answerOf = (task: EnvTask): JsonObject => Object.fromEntries(task.groundTruth.map((g) => [g.field, g.value]));

/** Each field answered with a value the task gave (an argument of its reference calls) of the field's type. */
export function givenValuesAnswer(task: EnvTask): JsonObject {
  const given = task.trajectory.flatMap((call) => leaves(call.arguments).map((leaf) => leaf.value));
  return Object.fromEntries(task.groundTruth.map((g) => [g.field, given.find((v) => typeof v === typeof g.value) ?? null]));
}

export function randomAnswer(task: EnvTask): JsonObject {
  const random = seededRandom(`${task.id}/random-typed`);
  const word = () => pick(random, ['alpha', 'delta', 'omega', 'sigma', 'kappa'])!;
  return Object.fromEntries(
    task.groundTruth.map((g) => [g.field, typeof g.value === 'number' ? Math.round(random() * 1000) : typeof g.value === 'boolean' ? random() < 0.5 : `${word()} ${word()}`]),
  );
}

export function typedDefaults(task: EnvTask): JsonObject {
  return Object.fromEntries(task.groundTruth.map((g) => [g.field, typeof g.value === 'number' ? 0 : typeof g.value === 'boolean' ? false : '']));
}

/** The tasks that answer each value of each field name: what "the most common answer" is drawn from. */
export type FieldValues = Map<string, Map<string, { value: JsonPrimitive; tasks: string[] }>>;

export function fieldValues(dataset: EnvDataset): FieldValues {
  const values: FieldValues = new Map();
  for (const task of dataset.tasks) {
    for (const g of task.groundTruth) {
      const byValue = values.get(g.field) ?? values.set(g.field, new Map()).get(g.field)!;
      const key = JSON.stringify(g.value);
      byValue.set(key, { value: g.value, tasks: [...(byValue.get(key)?.tasks ?? []), task.id] });
    }
  }
  return values;
}

/**
 * Each field answered with the value that field name takes most often in the other tasks (the
 * task's own answers left out), where at least two share it: a value only one other task has is
 * that task's answer, which other-task-answer tries (keeping one of the two).
 */
export function commonAnswer(task: EnvTask, values: FieldValues): JsonObject {
  const common = (field: string) => {
    const ranked = [...(values.get(field)?.values() ?? [])].map((v) => ({ value: v.value, count: v.tasks.filter((id) => id !== task.id).length })).filter((v) => v.count >= 2);
    return ranked.sort((a, b) => b.count - a.count)[0]?.value ?? null;
  };
  return Object.fromEntries(task.groundTruth.map((g) => [g.field, common(g.field)]));
}

/** The values other tasks answer for a field name, most common first: the candidates a blind search tries. */
export function candidateValues(task: EnvTask, field: string, values: FieldValues, limit: number): JsonPrimitive[] {
  return [...(values.get(field)?.values() ?? [])].filter((v) => v.tasks.some((id) => id !== task.id)).sort((a, b) => b.tasks.length - a.tasks.length).slice(0, limit).map((v) => v.value);
}
