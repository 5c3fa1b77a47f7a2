import { beforeAll, describe, expect, it } from 'vitest';
import { argumentValidator } from '../../../src/export/argument-validator.js';
import { prepareTask, type PreparedTask } from '../../../src/export/prepared-task.js';
import { rlRow } from '../../../src/export/rl-row.js';
import { sftAnthropicRow } from '../../../src/export/sft-anthropic-row.js';
import { sftOpenAiRow } from '../../../src/export/sft-openai-row.js';
import { tasksRow } from '../../../src/export/tasks-row.js';
import { toolCatalog, type ToolCatalog } from '../../../src/export/tool-catalog.js';
import { anthropicRowErrors, openAiRowErrors, referenceOf, tasksRowErrors, verlRowErrors, type Reference } from './format-checks.js';
import { memoryServerTools, memoryTask } from './fixtures/memory-task.js';

type Row = Record<string, any>;

/** The checkers must catch the mistakes exporters usually make, or passing them proves nothing. */
describe('format checkers reject the usual exporter mistakes', () => {
  let catalog: ToolCatalog;
  let prepared: PreparedTask;
  let ref: Reference;
  const copy = (row: object): Row => structuredClone(row) as Row;

  beforeAll(() => {
    catalog = toolCatalog('memory', memoryServerTools());
    const outcome = prepareTask(memoryTask({ newObservation: 'Translated Menabrea' }), catalog, argumentValidator(catalog.rawSchemas));
    if (!outcome.ok) throw new Error(outcome.reason);
    prepared = { ...outcome.task, index: 0, split: 'train', startState: '' };
    ref = referenceOf(tasksRow(prepared, 'offline'));
  });

  it('accepts the rows the exporter writes', () => {
    expect(tasksRowErrors(tasksRow(prepared, 'offline'))).toEqual([]);
    expect(openAiRowErrors(sftOpenAiRow(prepared), ref)).toEqual([]);
    expect(anthropicRowErrors(sftAnthropicRow(prepared), ref)).toEqual([]);
    expect(verlRowErrors(rlRow(prepared), ref, 0)).toEqual([]);
  });

  it('OpenAI: double-encoded arguments, object arguments, orphan or early tool messages, long ids', () => {
    const good = sftOpenAiRow(prepared);
    const doubled = copy(good);
    doubled.messages[2].tool_calls[0].function.arguments = JSON.stringify(doubled.messages[2].tool_calls[0].function.arguments);
    expect(openAiRowErrors(doubled, ref).join()).toMatch(/double-encoded/);

    const objectArgs = copy(good);
    objectArgs.messages[2].tool_calls[0].function.arguments = ref.calls[0]!.arguments;
    expect(openAiRowErrors(objectArgs, ref)).not.toEqual([]);

    const orphan = copy(good);
    orphan.messages[3].tool_call_id = 'Zz9Zz9Zz9';
    expect(openAiRowErrors(orphan, ref).join()).toMatch(/unknown call Zz9Zz9Zz9/);

    const early = copy(good);
    [early.messages[2], early.messages[3]] = [early.messages[3], early.messages[2]];
    expect(openAiRowErrors(early, ref)).not.toEqual([]);

    const longId = copy(good);
    longId.messages[2].tool_calls[0].id = 'call_0123456789';
    expect(openAiRowErrors(longId, ref)).not.toEqual([]);

    const noAnswer = copy(good);
    noAnswer.messages[noAnswer.messages.length - 1].content = 'Ada Lovelace is a person.';
    expect(openAiRowErrors(noAnswer, ref).join()).toMatch(/answer JSON/);
  });

  it('Anthropic: string input, results after text, broken alternation, missing results', () => {
    const good = sftAnthropicRow(prepared);
    const stringInput = copy(good);
    stringInput.messages[1].content[0].input = JSON.stringify(ref.calls[0]!.arguments);
    expect(anthropicRowErrors(stringInput, ref)).not.toEqual([]);

    const textFirst = copy(good);
    textFirst.messages[2].content.unshift({ type: 'text', text: 'Here are the results.' });
    expect(anthropicRowErrors(textFirst, ref).join()).toMatch(/does not start with the tool_result/);

    const twoAssistants = copy(good);
    twoAssistants.messages.splice(2, 1);
    expect(anthropicRowErrors(twoAssistants, ref).join()).toMatch(/alternation/);

    const wrongId = copy(good);
    wrongId.messages[2].content[0].tool_use_id = 'Zz9Zz9Zz9';
    expect(anthropicRowErrors(wrongId, ref).join()).toMatch(/unknown id/);

    const resultInAssistant = copy(good);
    resultInAssistant.messages[1].content.push(resultInAssistant.messages[2].content[0]);
    expect(anthropicRowErrors(resultInAssistant, ref).join()).toMatch(/tool_result in a assistant/);
  });

  it('verl: ground truth as an object, or a string of another answer; a prompt that is not a chat list', () => {
    const good = rlRow(prepared);
    const objectTruth = copy(good);
    objectTruth.reward_model.ground_truth = ref.answer;
    expect(verlRowErrors(objectTruth, ref, 0)).not.toEqual([]);

    const otherTruth = copy(good);
    otherTruth.reward_model.ground_truth = JSON.stringify({ ...ref.answer, entityType: 'machine' });
    expect(verlRowErrors(otherTruth, ref, 0).join()).toMatch(/does not parse to the answer/);

    const stringPrompt = copy(good);
    stringPrompt.prompt = 'Add Ada Lovelace…';
    expect(verlRowErrors(stringPrompt, ref, 0)).not.toEqual([]);
    expect(verlRowErrors(good, ref, 1).join()).toMatch(/index/);
  });

  it('tasks.jsonl: a ground-truth value that is not at its source path', () => {
    const good = tasksRow(prepared, 'offline');
    const wrongPath = copy(good);
    wrongPath.ground_truth[0].source.path = 'entities[1].entityType';
    expect(tasksRowErrors(wrongPath).join()).toMatch(/not at entities\[1\]\.entityType/);

    const wrongValue = copy(good);
    wrongValue.ground_truth[1].value = JSON.stringify('Born in Paris');
    expect(tasksRowErrors(wrongValue)).not.toEqual([]);

    const unoffered = copy(good);
    unoffered.tools = unoffered.tools.filter((t: Row) => t.name !== 'open_nodes');
    expect(tasksRowErrors(unoffered).join()).toMatch(/calls open_nodes, which is not offered/);

    const parsed = copy(good);
    parsed.answer = JSON.parse(parsed.answer);
    expect(tasksRowErrors(parsed)).not.toEqual([]);
  });
});
