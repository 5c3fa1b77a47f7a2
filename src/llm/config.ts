/**
 * A run's LLM configuration: which provider, where, which model per stage, and how hard to push.
 * It travels in workflow input, so it holds the NAME of the variable with the key, never the key.
 * Resolved on a worker (defaults depend on the worker's environment); every refusal names the field.
 */
import { ANTHROPIC_BASE_URL } from './endpoint.js';
import { DEFAULT_PRICES, type ModelPrice, type PriceTable } from './prices.js';
import { LLM_STAGES, isLlmStage, type LlmStage } from './stages.js';

export type LlmProviderChoice = 'anthropic' | 'openai-compatible' | 'offline';
const PROVIDERS: readonly LlmProviderChoice[] = ['anthropic', 'openai-compatible', 'offline'];

/** What a run may write under `llm` in its input. Every field is optional. */
export interface LlmConfigInput {
  provider?: LlmProviderChoice;
  baseURL?: string;
  /** Name of the worker's environment variable holding the key (default ANTHROPIC_API_KEY for Anthropic). */
  apiKeyEnv?: string;
  /** The model of every stage not named in `models`. */
  model?: string;
  models?: Partial<Record<LlmStage, string>>;
  /** Model requests in flight at once, per run and endpoint in each worker process. */
  maxConcurrent?: number;
  /** Model requests started per minute, per run and endpoint in each worker process. */
  requestsPerMinute?: number;
  timeoutMs?: number;
  /** Prices by model-name prefix, over the built-in table (src/llm/prices.ts). */
  prices?: Record<string, Partial<ModelPrice> & Pick<ModelPrice, 'input' | 'output'>>;
}

export interface OnlineLlmConfig {
  provider: 'anthropic' | 'openai-compatible';
  baseURL: string;
  apiKeyEnv?: string;
  models: Record<LlmStage, string>;
  maxConcurrent: number;
  requestsPerMinute?: number;
  timeoutMs: number;
  prices: Record<string, ModelPrice>;
}

/** `offline`: no model at all; every stage uses its offline implementation. */
export type LlmConfig = { provider: 'offline' } | OnlineLlmConfig;

/** Cheap models where many small calls judge or filter; strong ones where the work is open-ended. */
export const ANTHROPIC_DEFAULT_MODELS: Readonly<Record<LlmStage, string>> = {
  judge: 'claude-haiku-4-5',
  verify: 'claude-haiku-4-5',
  simulate: 'claude-haiku-4-5',
  explore: 'claude-sonnet-4-6',
  synthesize: 'claude-sonnet-4-6',
  // The model replay evaluates; cheap by default because it runs k samples per task.
  agent: 'claude-haiku-4-5',
};

export const LLM_DEFAULTS = { maxConcurrent: 4, timeoutMs: 120_000, anthropicKeyEnv: 'ANTHROPIC_API_KEY' } as const;

/**
 * The environment without the default model key: for workers that must stay offline unless a run
 * names its model (tests, benchmarks), so that a key in a developer's shell never turns them into
 * paid runs.
 */
export function withoutDefaultModelKey(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [LLM_DEFAULTS.anthropicKeyEnv]: _key, ...rest } = env;
  return rest;
}

/** A configuration that cannot work as written. Never retryable: only editing it fixes it. */
export class LlmConfigError extends Error {
  override readonly name = 'LlmConfigError';
  readonly retryable = false;

  constructor(
    /** e.g. `llm.models.judge` */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;
const FIELDS = ['provider', 'baseURL', 'apiKeyEnv', 'model', 'models', 'maxConcurrent', 'requestsPerMinute', 'timeoutMs', 'prices'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validates `llm` from a run's input and fills in the defaults, on the worker that will make the calls. */
export function resolveLlmConfig(input: unknown, env: Env): LlmConfig {
  const raw = input ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new LlmConfigError('llm', `must be an object such as {"provider":"anthropic"}, got ${JSON.stringify(raw)}.`);
  }
  const fields = raw as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!FIELDS.includes(key)) throw new LlmConfigError(`llm.${key}`, `is not a known field: use one of ${FIELDS.join(', ')}.`);
  }
  const apiKeyEnv = optionalEnvName(fields.apiKeyEnv);
  const provider = resolveProvider(fields, apiKeyEnv, env);
  if (provider === 'offline') return { provider };

  const keyEnv = apiKeyEnv ?? (provider === 'anthropic' ? LLM_DEFAULTS.anthropicKeyEnv : undefined);
  if (keyEnv !== undefined && !env[keyEnv]) {
    throw new LlmConfigError(
      'llm.apiKeyEnv',
      `provider '${provider}' reads its key from ${keyEnv}, which is not set in the worker's environment: ` +
        `set ${keyEnv} where the worker runs (the key never goes into workflow input)` +
        (provider === 'openai-compatible' ? ', or drop llm.apiKeyEnv if the endpoint needs no key.' : ', or name another variable in llm.apiKeyEnv.'),
    );
  }
  const requestsPerMinute = optionalPositive(fields.requestsPerMinute, 'llm.requestsPerMinute', false);
  return {
    provider,
    baseURL: resolveBaseURL(fields.baseURL, provider),
    ...(keyEnv === undefined ? {} : { apiKeyEnv: keyEnv }),
    models: resolveModels(fields.model, fields.models, provider),
    maxConcurrent: optionalPositive(fields.maxConcurrent, 'llm.maxConcurrent', true) ?? LLM_DEFAULTS.maxConcurrent,
    ...(requestsPerMinute === undefined ? {} : { requestsPerMinute }),
    timeoutMs: optionalPositive(fields.timeoutMs, 'llm.timeoutMs', true) ?? LLM_DEFAULTS.timeoutMs,
    prices: resolvePrices(fields.prices),
  };
}

/**
 * Unset: Anthropic when its key is in the worker's environment, otherwise offline. A run that
 * configures models or an endpoint but would silently fall back to offline is refused instead.
 */
function resolveProvider(fields: Record<string, unknown>, apiKeyEnv: string | undefined, env: Env): LlmProviderChoice {
  const value = fields.provider;
  if (value !== undefined) {
    if (typeof value !== 'string' || !PROVIDERS.includes(value as LlmProviderChoice)) {
      throw new LlmConfigError('llm.provider', `is ${JSON.stringify(value)}: use one of ${PROVIDERS.map((p) => `'${p}'`).join(', ')}.`);
    }
    return value as LlmProviderChoice;
  }
  const keyEnv = apiKeyEnv ?? LLM_DEFAULTS.anthropicKeyEnv;
  if (env[keyEnv]) return 'anthropic';
  const configured = Object.keys(fields).filter((key) => key !== 'provider');
  if (configured.length > 0) {
    throw new LlmConfigError(
      'llm.provider',
      `is not set and ${keyEnv} is not in the worker's environment, so the run would be offline although llm.${configured[0]} is configured: ` +
        `set llm.provider to 'anthropic' (with ${keyEnv} set) or 'openai-compatible' (with llm.baseURL), or remove the llm settings.`,
    );
  }
  return 'offline';
}

function optionalEnvName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !ENV_NAME.test(value)) {
    throw new LlmConfigError(
      'llm.apiKeyEnv',
      'must be the NAME of an environment variable (letters, digits and _), not the key itself: ' +
        'put the key in the worker\'s environment and name its variable here, e.g. "ANTHROPIC_API_KEY".',
    );
  }
  return value;
}

function resolveBaseURL(value: unknown, provider: OnlineLlmConfig['provider']): string {
  if (value === undefined) {
    if (provider === 'anthropic') return ANTHROPIC_BASE_URL;
    throw new LlmConfigError(
      'llm.baseURL',
      "is required for provider 'openai-compatible': set it to the server's API root, e.g. " +
        'http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434/v1 (Ollama) or http://127.0.0.1:8080/v1 (llama.cpp).',
    );
  }
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new LlmConfigError('llm.baseURL', `is ${JSON.stringify(value)}, not an http(s) URL: write it like http://127.0.0.1:8000/v1.`);
  }
  return value as string;
}

function resolveModels(model: unknown, models: unknown, provider: OnlineLlmConfig['provider']): Record<LlmStage, string> {
  if (model !== undefined && !nonEmptyString(model)) throw new LlmConfigError('llm.model', 'must be a model name such as "claude-sonnet-4-6".');
  if (models !== undefined && (typeof models !== 'object' || models === null || Array.isArray(models))) {
    throw new LlmConfigError('llm.models', `must map stages to model names, e.g. {"judge":"claude-haiku-4-5"}; stages: ${LLM_STAGES.join(', ')}.`);
  }
  const perStage = (models ?? {}) as Record<string, unknown>;
  for (const [stage, name] of Object.entries(perStage)) {
    if (!isLlmStage(stage)) throw new LlmConfigError(`llm.models.${stage}`, `is not a stage: use ${LLM_STAGES.join(', ')}.`);
    if (!nonEmptyString(name)) throw new LlmConfigError(`llm.models.${stage}`, 'must be a model name.');
  }
  const resolved = {} as Record<LlmStage, string>;
  for (const stage of LLM_STAGES) {
    const name = (perStage[stage] as string | undefined) ?? (model as string | undefined) ?? (provider === 'anthropic' ? ANTHROPIC_DEFAULT_MODELS[stage] : undefined);
    if (name === undefined) {
      throw new LlmConfigError(
        `llm.models.${stage}`,
        "has no model, and an OpenAI-compatible server has no default: set llm.model (every stage) or llm.models." +
          `${stage} to a model the server serves.`,
      );
    }
    resolved[stage] = name;
  }
  return resolved;
}

function optionalPositive(value: unknown, field: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new LlmConfigError(field, `must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Cache prices default to the input price: no discount is assumed for a model we know nothing about. */
function resolvePrices(value: unknown): Record<string, ModelPrice> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LlmConfigError('llm.prices', 'must map model-name prefixes to prices, e.g. {"qwen":{"input":0.2,"output":0.6}} (USD per million tokens).');
  }
  const prices: Record<string, ModelPrice> = {};
  for (const [prefix, price] of Object.entries(value as Record<string, unknown>)) {
    const field = `llm.prices.${prefix}`;
    const p = (typeof price === 'object' && price !== null ? price : {}) as Record<string, unknown>;
    const read = (key: keyof ModelPrice, fallback?: number): number => {
      const figure = p[key] ?? fallback;
      if (typeof figure !== 'number' || !Number.isFinite(figure) || figure < 0) {
        throw new LlmConfigError(`${field}.${key}`, 'must be a price in USD per million tokens (a number ≥ 0).');
      }
      return figure;
    };
    const input = read('input');
    prices[prefix] = { input, output: read('output'), cacheRead: read('cacheRead', input), cacheWrite: read('cacheWrite', input) };
  }
  return prices;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** The built-in prices with the run's own entries over them. */
export function priceTableOf(config: LlmConfig): PriceTable {
  return config.provider === 'offline' ? DEFAULT_PRICES : { ...DEFAULT_PRICES, ...config.prices };
}
