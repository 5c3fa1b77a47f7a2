/**
 * The shapes every stage shares. Plain data only: these cross activity boundaries,
 * land in the store and are read by workflow code, so they carry no behaviour.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A JSON Schema as an MCP server declares it; kept loose on purpose. */
export type JsonSchema = { [key: string]: unknown };

export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** One MCP tool as discovered, before any judgement. */
export interface ToolDefinition {
  /** The tool's own name on its server. */
  name: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
  annotations?: ToolAnnotations;
  /** A composite's tool: the member server that serves it (see src/mcp/composite-spec.ts). */
  server?: string;
}

export interface DiscoveredTool extends ToolDefinition {
  usable: boolean;
  /** Why an unusable tool was skipped, phrased for a person. */
  skipReason?: string;
}

export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/**
 * A leaf of a tool's input or output, addressed by a path such as `entities[].name`
 * (`[]` stands for "every element of the array"; the root is the empty string).
 */
export interface FieldDescriptor {
  path: string;
  type: FieldType;
  description?: string;
  /** Inputs only: whether the parameter (and its ancestors) are required. */
  required?: boolean;
  enum?: JsonPrimitive[];
  /** Outputs learned from a probe call: one value actually seen there. */
  example?: JsonValue;
}

/** An output path whose value does not hold from one call to the next: never an answer. */
export interface VolatilePath {
  /** A pattern path (`notes[].createdAt`). */
  path: string;
  /** `changed`: differed when the same call was made again on a fresh sandbox; `clock`: a date or time near the run's. */
  reason: 'changed' | 'clock';
}

/** What the graph stage knows of one tool: its schema leaves and the fields its output really has. */
export interface ToolProfile {
  name: string;
  description: string;
  inputs: FieldDescriptor[];
  outputs: FieldDescriptor[];
  annotations?: ToolAnnotations;
  /** Output paths found volatile by calling the tool twice (see explore/volatile.ts). */
  volatile?: VolatilePath[];
}

export type Confidence = 'high' | 'medium' | 'low';

/** "Input parameter `input` of the edge's target can take the value of output field `output` of its source." */
export interface ParameterMapping {
  input: string;
  output: string;
  score: number;
}

export interface ToolEdge {
  from: string;
  to: string;
  confidence: Confidence;
  mappings: ParameterMapping[];
  /** Which judge decided, and why, for the record. */
  judge: string;
  reason: string;
}

export type SubDagShape = 'single' | 'chain' | 'fan-out' | 'fan-in' | 'mixed';

/** A small connected piece of the tool graph chosen for one exploration. */
export interface SubDag {
  index: number;
  /** Stable identity of the tool set and edges, used to refuse duplicates. */
  key: string;
  /** Tools in a topological order: every edge goes from an earlier to a later tool. */
  tools: string[];
  edges: Array<Pick<ToolEdge, 'from' | 'to' | 'confidence' | 'mappings'>>;
  shape: SubDagShape;
}

/** How a call failed, if it did. Servers report errors three ways; the rest are ours. */
export type CallErrorKind = 'is-error' | 'mcp-error' | 'failure-in-result' | 'timeout' | 'transport';

/** "Argument `argument` took `value`, found at `outputPath` of the output of step `fromStep`." */
export interface CallLink {
  argument: string;
  fromStep: number;
  outputPath: string;
  value: JsonValue;
}

/** Setup calls seed a fresh sandbox's state; exploration calls are the sub-DAG's own. */
export type CallPhase = 'setup' | 'explore';

export interface RecordedCall {
  runId: string;
  subDagIndex: number;
  /** 0, 1, 2… within the episode, setup calls first. */
  step: number;
  phase: CallPhase;
  tool: string;
  arguments: JsonObject;
  /** The raw MCP result (content, structuredContent, isError) or the error thrown. */
  result: JsonValue;
  isError: boolean;
  errorKind?: CallErrorKind;
  latencyMs: number;
  links: CallLink[];
  planner: string;
}

/** Where a ground-truth value was observed: a step of the task's reference trajectory and a path into its output. */
export interface AnswerSource {
  /** Index into the task's `trajectory`. */
  trajectoryStep: number;
  /** Path into that call's output (see mcp/output.ts), e.g. `entities[0].entityType`. */
  path: string;
}

export interface GroundTruthField {
  field: string;
  value: JsonPrimitive;
  source: AnswerSource;
}

/** One call of a reference trajectory, exactly as it was recorded (arguments and result with `${sandbox}`). */
export interface TrajectoryStep {
  tool: string;
  arguments: JsonObject;
  result: JsonValue;
  isError: boolean;
  /** Which argument came from which earlier trajectory step's output. */
  links: Array<{ argument: string; fromTrajectoryStep: number; outputPath: string }>;
  /** The recorded call this step is: (sub-DAG, step) in the run's store. */
  recorded: { subDagIndex: number; step: number };
}

export type Difficulty = 'easy' | 'medium' | 'hard';

/** A task written backward from a recorded episode: its answer was observed on the real server. */
export interface Task {
  /** Stable: a hash of the run, the source episode and the instruction. */
  id: string;
  runId: string;
  server: string;
  subDagIndex: number;
  instruction: string;
  /** JSON Schema of the answer: an object with one property per ground-truth field. */
  answerSchema: JsonSchema;
  groundTruth: GroundTruthField[];
  /** One sentence with `{field}` slots, e.g. "The entity {name} is a {entityType}." */
  answerTemplate: string;
  difficulty: Difficulty;
  trajectory: TrajectoryStep[];
  /** Who wrote it: `offline` or an LLM model name. */
  synthesizer: string;
}

export type CheckName =
  | 'grounded'
  | 'replayable'
  | 'no-leakage'
  | 'inputs-available'
  | 'non-trivial'
  | 'load-bearing'
  | 'clean-text'
  | 'unambiguous'
  | 'no-duplicate'
  | 'stable'
  | 'llm-judge';

export interface Verdict {
  taskId: string;
  check: CheckName;
  passed: boolean;
  reason: string;
}

/** How the simulator answered a call. */
export type Provenance = 'exact' | 'retrieved' | 'generated' | 'none';

export interface SimulatedAnswer {
  provenance: Provenance;
  /** The MCP CallToolResult to return (for `none`, an isError result that says there is no data). */
  result: JsonValue;
  isError: boolean;
  /** 1 for exact; the argument similarity for retrieved. */
  similarity: number;
  /** The recorded call the answer came from, when there is one. */
  source?: { runId: string; subDagIndex: number; step: number };
}
