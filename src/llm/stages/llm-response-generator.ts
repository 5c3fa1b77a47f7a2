/**
 * The simulator's `generated` answers from a model: for a call no recording matches closely, the
 * model sees the tool and its nearest recorded calls and returns the CallToolResult the server
 * would have sent, through one forced tool call. An answer still unusable after one retry is no
 * answer (the simulator says `none`, with the reason); provider failures are thrown, for whatever
 * runs the simulator to retry.
 */
import type { GenerationOutcome, GenerationRequest, ResponseGenerator } from '../../simulator/generation.js';
import type { LlmClient } from '../types.js';
import { UsageLedger } from '../usage-ledger.js';
import { forcedToolCall } from './forced-call.js';
import { parseGeneratedResult, structuredCheck, type StructuredCheck } from './generated-result.js';
import { DEFAULT_EXAMPLE_CHARS, renderGenerationRequest, RESPONSE_GENERATION_SYSTEM, RESULT_TOOL, RESULT_TOOL_NAME } from './response-generation-prompt.js';

export interface LlmResponseGeneratorOptions {
  client: LlmClient;
  /** Every request's tokens are added here under stage `simulate`, unusable answers included (default: a ledger of its own). */
  ledger?: UsageLedger;
  /** Default 4096: a result as long as the recorded ones. */
  maxTokens?: number;
  /** Characters of each example's result the model reads (default 4000). */
  maxExampleChars?: number;
  /** Told of each answer that stayed unusable, with the reason and the raw output, e.g. to keep it for a person to read. */
  onReject?: (request: GenerationRequest, reason: string, raw: string) => void | Promise<void>;
  signal?: AbortSignal;
}

export class LlmResponseGenerator implements ResponseGenerator {
  readonly name: string;
  readonly ledger: UsageLedger;
  /** Output-schema checks by tool name, compiled once. */
  private readonly checks = new Map<string, StructuredCheck | undefined>();

  constructor(private readonly options: LlmResponseGeneratorOptions) {
    this.name = options.client.model;
    this.ledger = options.ledger ?? new UsageLedger();
  }

  async generate(request: GenerationRequest): Promise<GenerationOutcome> {
    const { client, signal } = this.options;
    const check = this.checkOf(request);
    const result = await forcedToolCall(
      client,
      {
        system: RESPONSE_GENERATION_SYSTEM,
        messages: [{ role: 'user', text: renderGenerationRequest(request, this.options.maxExampleChars ?? DEFAULT_EXAMPLE_CHARS) }],
        tools: [RESULT_TOOL],
        toolChoice: { name: RESULT_TOOL_NAME },
        maxTokens: this.options.maxTokens ?? 4096,
        // The memo makes an answer final; the least random one is the best guess at the server's.
        temperature: 0,
        cacheStablePrefix: true,
      },
      { ledger: this.ledger, stage: 'simulate', parse: (args) => parseGeneratedResult(args, check), ...(signal === undefined ? {} : { signal }) },
    );
    if (!result.ok) {
      const reason = `the model's answer was unusable after ${result.attempts} attempts (${result.reason})`;
      await this.options.onReject?.(request, reason, result.raw);
      return { ok: false, reason };
    }
    return { ok: true, result: result.value.result, isError: result.value.isError, model: result.model };
  }

  private checkOf(request: GenerationRequest): StructuredCheck | undefined {
    const { tool } = request;
    if (!tool.outputSchema) return undefined;
    if (!this.checks.has(tool.name)) this.checks.set(tool.name, structuredCheck(tool.outputSchema));
    return this.checks.get(tool.name);
  }
}
