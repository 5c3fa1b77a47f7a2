import type { CallLink, JsonObject, JsonSchema, JsonValue, ParameterMapping } from '../domain.js';

/** An earlier call of the same episode, as the planner may use it. */
export interface EarlierCall {
  step: number;
  tool: string;
  /** The call's output as downstream stages read it (see mcp/output.ts). */
  output: JsonValue;
  isError: boolean;
}

/** The sub-DAG's edges into the tool being planned: which of its inputs earlier outputs can feed. */
export interface IncomingMapping extends ParameterMapping {
  from: string;
}

export interface PlanRequest {
  tool: string;
  description: string;
  inputSchema: JsonSchema;
  incoming: IncomingMapping[];
  earlier: EarlierCall[];
  /** Example values per parameter name or path, from the server spec. */
  hints: Record<string, JsonValue[]>;
  /** Seeds every choice, so the same episode plans the same arguments again. */
  seed: string;
}

export interface PlannedCall {
  arguments: JsonObject;
  links: CallLink[];
}

/** Decides a call's arguments. The offline planner is deterministic; LLM planners implement the same interface. */
export interface Planner {
  readonly name: string;
  planCall(request: PlanRequest): Promise<PlannedCall>;
}
