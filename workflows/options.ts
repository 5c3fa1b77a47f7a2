import { ApplicationFailure } from '@temporalio/workflow';
import { failureTypes, type GenerateServerDatasetInput } from './api.js';

export interface RunOptions {
  subDagCount: number;
  seed: number;
  maxConcurrentExplorations: number;
  explorationsPerHistory: number;
}

const LIMITS = {
  subDagCount: { min: 1, max: 100_000, fallback: 12 },
  seed: { min: 0, max: 2 ** 31 - 1, fallback: 1 },
  maxConcurrentExplorations: { min: 1, max: 200, fallback: 4 },
  explorationsPerHistory: { min: 1, max: 1_000, fallback: 100 },
} as const;

const KNOWN_KEYS = ['server', ...Object.keys(LIMITS)];

/** Checks the run's options before anything starts; a bad one fails the run at once, naming the field. */
export function runOptions(input: GenerateServerDatasetInput | undefined): RunOptions {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid('the workflow input must be a JSON object such as {"server": {...}, "subDagCount": 12}: see examples/');
  }
  const unknown = Object.keys(input).filter((key) => !KNOWN_KEYS.includes(key));
  if (unknown.length > 0) throw invalid(`unknown input field ${unknown.join(', ')}: valid fields are ${KNOWN_KEYS.join(', ')}`);
  if (input.server === undefined) throw invalid('input.server is missing: give the server spec, as in examples/memory.json');
  const options = {} as RunOptions;
  for (const [key, limit] of Object.entries(LIMITS) as Array<[keyof RunOptions, (typeof LIMITS)[keyof RunOptions]]>) {
    const value = input[key] ?? limit.fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < limit.min || value > limit.max) {
      throw invalid(`input.${key} must be a whole number from ${limit.min} to ${limit.max}, got ${JSON.stringify(value)}`);
    }
    options[key] = value;
  }
  return options;
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: failureTypes.invalidInput, message, nonRetryable: true });
}
