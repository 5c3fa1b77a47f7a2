import type { DiscoveredTool, JsonSchema } from '../domain.js';
import { ownToolName } from '../mcp/composite-spec.js';
import { assignToolNames, qualifiedToolName } from './tool-names.js';
import { normaliseInputSchema } from './tool-schema.js';
import { toAgentPaths } from '../explore/sandbox-paths.js';

/** One tool as every format of the dataset offers it. */
export interface OfferedTool {
  /** Sanitised; the name the agent calls. */
  name: string;
  /** `server/tool`: the name back in the project and the simulator. */
  qualified: string;
  /** The server that serves it (a composite's member, for a cross-server tool). */
  server: string;
  /** Its own name on that server. */
  tool: string;
  description: string;
  /** Normalised input schema (type, properties, required). */
  parameters: JsonSchema;
}

export interface ToolCatalog {
  /** The usable tools, ordered by offered name so the list does not depend on discovery order. */
  offered: OfferedTool[];
  /** Offered name → `server/tool`, as published in tasks.jsonl. */
  nameMap: Record<string, string>;
  /** A tool's own name → how it is offered; only usable tools are here. */
  byTool: ReadonlyMap<string, OfferedTool>;
  /** Raw input schemas by the tool's own name, for validating reference calls. */
  rawSchemas: ReadonlyMap<string, JsonSchema>;
  /** Why each unusable tool was left out, by its own name. */
  unusable: ReadonlyMap<string, string>;
}

export function toolCatalog(server: string, tools: DiscoveredTool[]): ToolCatalog {
  const usable = tools.filter((t) => t.usable);
  const names = assignToolNames(usable.map((t) => t.name));
  const byTool = new Map<string, OfferedTool>();
  for (const tool of usable) {
    const origin = toolOrigin(server, tool);
    byTool.set(tool.name, {
      name: names.get(tool.name)!,
      qualified: qualifiedToolName(origin.server, origin.tool),
      ...origin,
      description: toAgentPaths(tool.description),
      parameters: toAgentPaths(normaliseInputSchema(tool.inputSchema)),
    });
  }
  const offered = [...byTool.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    offered,
    nameMap: Object.fromEntries(offered.map((t) => [t.name, t.qualified])),
    byTool,
    rawSchemas: new Map(usable.map((t) => [t.name, t.inputSchema])),
    unusable: new Map(tools.filter((t) => !t.usable).map((t) => [t.name, t.skipReason ?? 'marked unusable by discovery'])),
  };
}

/** Where a tool comes from: its member server and own name for a composite's, else the run's server. */
function toolOrigin(server: string, tool: DiscoveredTool): { server: string; tool: string } {
  return tool.server ? { server: tool.server, tool: ownToolName(tool) } : { server, tool: tool.name };
}

/** The tools a task is offered: every usable tool of each server its reference trajectory calls. */
export function offeredFor(catalog: ToolCatalog, steps: ReadonlyArray<{ tool: OfferedTool }>): OfferedTool[] {
  const servers = new Set(steps.map((s) => s.tool.server));
  return catalog.offered.filter((t) => servers.has(t.server));
}
