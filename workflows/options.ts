import { ApplicationFailure } from '@temporalio/workflow';
import { failureTypes, type GenerateServerDatasetInput } from '../src/api.js';

export interface RunOptions {
  subDagCount: number;
  seed: number;
  maxConcurrentExplorations: number;
  explorationsPerHistory: number;
  /** Set only when the input sets it: a policy file's own setting applies otherwise (see src/policy/effective.ts). */
  allowDestructive?: boolean;
  /** Parsed and checked in full by the prepareRun activity, which can report every field of it. */
  policy?: Record<string, unknown>;
  policyFile?: string;
  /** Shape only here; resolved (defaults, the worker's keys) and checked field by field by prepareRun. */
  llm?: Record<string, unknown>;
  /** Grow a recorded run to a larger subDagCount, keeping everything it recorded. */
  extend?: boolean;
}

const LIMITS = {
  subDagCount: { min: 1, max: 100_000, fallback: 12 },
  seed: { min: 0, max: 2 ** 31 - 1, fallback: 1 },
  maxConcurrentExplorations: { min: 1, max: 200, fallback: 4 },
  explorationsPerHistory: { min: 1, max: 1_000, fallback: 100 },
} as const;

const SAFETY_KEYS = ['allowDestructive', 'policy', 'policyFile'] as const;
const KNOWN_KEYS = ['server', ...Object.keys(LIMITS), ...SAFETY_KEYS, 'llm', 'extend'];

/** Checks the run's options before anything starts; a bad one fails the run at once, naming the field. */
export function runOptions(input: GenerateServerDatasetInput | undefined): RunOptions {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid('the workflow input must be a JSON object such as {"server": {...}, "subDagCount": 12}: see examples/');
  }
  const unknown = Object.keys(input).filter((key) => !KNOWN_KEYS.includes(key));
  if (unknown.length > 0) throw invalid(`unknown input field ${unknown.join(', ')}: valid fields are ${KNOWN_KEYS.join(', ')}`);
  if (input.server === undefined) throw invalid('input.server is missing: give the server spec, as in examples/memory.json');
  const options = {} as Record<keyof typeof LIMITS, number>;
  for (const [key, limit] of Object.entries(LIMITS) as Array<[keyof typeof LIMITS, (typeof LIMITS)[keyof typeof LIMITS]]>) {
    const value = input[key] ?? limit.fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < limit.min || value > limit.max) {
      throw invalid(`input.${key} must be a whole number from ${limit.min} to ${limit.max}, got ${JSON.stringify(value)}`);
    }
    options[key] = value;
  }
  const { llm } = input;
  if (llm !== undefined && (typeof llm !== 'object' || llm === null || Array.isArray(llm))) {
    throw invalid(`input.llm must be a JSON object such as {"provider": "anthropic"}, got ${JSON.stringify(llm)}`);
  }
  const { extend } = input;
  if (extend !== undefined && typeof extend !== 'boolean') throw invalid(`input.extend must be true or false, got ${JSON.stringify(extend)}`);
  return { ...options, ...safetyOptions(input), ...(llm === undefined ? {} : { llm: llm as Record<string, unknown> }), ...(extend ? { extend } : {}) };
}

/** Which tools may be called live: shapes only here; workflow code cannot read the policy file. */
function safetyOptions(input: GenerateServerDatasetInput): Pick<RunOptions, (typeof SAFETY_KEYS)[number]> {
  const { allowDestructive, policy, policyFile } = input;
  if (allowDestructive !== undefined && typeof allowDestructive !== 'boolean') {
    throw invalid(`input.allowDestructive must be true or false, got ${JSON.stringify(allowDestructive)}`);
  }
  if (policy !== undefined && (typeof policy !== 'object' || policy === null || Array.isArray(policy))) {
    throw invalid(`input.policy must be a JSON object such as {"servers": {"memory": {"deny": ["delete_*"]}}}, got ${JSON.stringify(policy)}`);
  }
  if (policyFile !== undefined && (typeof policyFile !== 'string' || policyFile.trim() === '')) {
    throw invalid(`input.policyFile must be the path of a JSON policy file (relative to the worker's project root, or absolute), got ${JSON.stringify(policyFile)}`);
  }
  if (policy !== undefined && policyFile !== undefined) throw invalid('input.policy and input.policyFile are both given: keep one of them');
  return {
    ...(allowDestructive === undefined ? {} : { allowDestructive }),
    ...(policy === undefined ? {} : { policy: policy as Record<string, unknown> }),
    ...(policyFile === undefined ? {} : { policyFile }),
  };
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: failureTypes.invalidInput, message, nonRetryable: true });
}
