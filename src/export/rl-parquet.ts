import { writeFile } from 'node:fs/promises';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import type { JsonObject, JsonValue } from '../domain.js';

/**
 * rl.parquet: the rows of rl.jsonl, for verl (which reads parquet), with one fixed schema: the same
 * in every dataset, so the files of several servers concatenate. Anything whose shape depends on
 * the task is a JSON string already (see rl-row.ts).
 */
type Field = 'string' | 'int64' | { list: Field } | { struct: Record<string, Field> };

const RL_SCHEMA: Record<string, Field> = {
  data_source: 'string',
  agent_name: 'string',
  prompt: { list: { struct: { role: 'string', content: 'string' } } },
  ability: 'string',
  reward_model: { struct: { style: 'string', ground_truth: 'string' } },
  extra_info: {
    struct: {
      task_id: 'string',
      split: 'string',
      index: 'int64',
      servers: { list: 'string' },
      answer_schema: 'string',
      tools: { list: { struct: { type: 'string', function: { struct: { name: 'string', description: 'string', parameters: 'string' } } } } },
      reward: { struct: { type: 'string', normalisation: 'string' } },
    },
  },
};

export async function writeRlParquet(path: string, rows: JsonObject[]): Promise<void> {
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    schema: [{ name: 'root', num_children: Object.keys(RL_SCHEMA).length }, ...Object.entries(RL_SCHEMA).flatMap(([name, field]) => schemaElements(name, field))],
    columnData: Object.entries(RL_SCHEMA).map(([name, field]) => ({ name, data: rows.map((row) => typed(row[name] ?? null, field)) })),
    // One dataset's bytes do not depend on the writer's version string.
    createdBy: 'firefly',
  });
  await writeFile(path, new Uint8Array(writer.getBuffer()));
}

/** The parquet schema elements of one field, in the three-level list layout Arrow reads as list<…>. */
function schemaElements(name: string, field: Field): SchemaElement[] {
  if (field === 'string') return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' }];
  if (field === 'int64') return [{ name, type: 'INT64', repetition_type: 'REQUIRED' }];
  if ('list' in field) {
    return [
      { name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      ...schemaElements('element', field.list),
    ];
  }
  const children = Object.entries(field.struct);
  return [{ name, repetition_type: 'REQUIRED', num_children: children.length }, ...children.flatMap(([child, type]) => schemaElements(child, type))];
}

/** A row's value in the writer's terms: int64 as bigint; a missing or mistyped value is a bug in the row. */
function typed(value: JsonValue, field: Field): unknown {
  if (field === 'string') {
    if (typeof value !== 'string') throw new TypeError(`rl.parquet: expected a string, got ${JSON.stringify(value)}`);
    return value;
  }
  if (field === 'int64') {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`rl.parquet: expected an integer, got ${JSON.stringify(value)}`);
    return BigInt(value);
  }
  if ('list' in field) {
    if (!Array.isArray(value)) throw new TypeError(`rl.parquet: expected a list, got ${JSON.stringify(value)}`);
    return value.map((item) => typed(item, field.list));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`rl.parquet: expected an object, got ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(field.struct).map(([key, type]) => [key, typed(value[key] ?? null, type)]));
}
