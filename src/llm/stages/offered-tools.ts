/**
 * MCP tools offered to a model. MCP allows tool names providers refuse (`files/read`, `get.user`,
 * longer than 64 characters), so each tool is offered under a sanitised name and the model's calls
 * are mapped back to the MCP name before anything is executed or recorded.
 */
import type { JsonSchema } from '../../domain.js';
import { assignToolNames } from '../../export/tool-names.js';
import type { LlmTool } from '../types.js';

/** A tool as an MCP server declares it. */
export interface AgentTool {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
}

export interface OfferedTools {
  /** The tools in the client's format, under provider-safe names. */
  llmTools: LlmTool[];
  /** The MCP name of an offered name, or undefined for a name that was never offered. */
  mcpName(offered: string): string | undefined;
}

export function offerTools(tools: readonly AgentTool[]): OfferedTools {
  const names = assignToolNames(tools.map((tool) => tool.name));
  const back = new Map<string, string>();
  const llmTools = tools.map((tool) => {
    const offered = names.get(tool.name)!;
    back.set(offered, tool.name);
    // Some servers declare no `type`; providers insist on an object schema.
    const inputSchema = tool.inputSchema.type === undefined ? { type: 'object', ...tool.inputSchema } : tool.inputSchema;
    return { name: offered, ...(tool.description ? { description: tool.description } : {}), inputSchema };
  });
  return { llmTools, mcpName: (offered) => back.get(offered) };
}
