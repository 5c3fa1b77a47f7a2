import { DirectedGraph } from 'graphology';
import type { Attributes } from 'graphology-types';
import type { ToolEdge, ToolProfile } from '../domain.js';
import { ToolGraphError } from './errors.js';
import { edgeId } from './subdag-key.js';

/**
 * Tools as nodes (key = tool name, attributes = its profile) and judged edges (attributes = the
 * edge). Only activities use it: graphology must never be imported by workflow code.
 */
export type ToolGraph = DirectedGraph<ToolProfile & Attributes, ToolEdge & Attributes>;

/** Throws ToolGraphError for a duplicate tool, a duplicate or self edge, or an edge to a tool with no profile. */
export function buildToolGraph(profiles: readonly ToolProfile[], edges: readonly ToolEdge[]): ToolGraph {
  const graph: ToolGraph = new DirectedGraph({ allowSelfLoops: false });
  for (const profile of profiles) {
    if (graph.hasNode(profile.name)) throw new ToolGraphError(`tool ${profile.name} has two profiles; tool names must be unique`);
    graph.addNode(profile.name, { ...profile });
  }
  for (const edge of edges) {
    const missing = [edge.from, edge.to].find((tool) => !graph.hasNode(tool));
    if (missing !== undefined) throw new ToolGraphError(`edge ${edgeId(edge.from, edge.to)} names ${missing}, which has no profile`);
    if (edge.from === edge.to) throw new ToolGraphError(`edge ${edgeId(edge.from, edge.to)} is a self-loop; a tool cannot feed itself in a sub-DAG`);
    if (graph.hasEdge(edge.from, edge.to)) throw new ToolGraphError(`edge ${edgeId(edge.from, edge.to)} was judged twice`);
    graph.addDirectedEdgeWithKey(edgeId(edge.from, edge.to), edge.from, edge.to, { ...edge });
  }
  return graph;
}

/** The edges back as plain ToolEdges, in insertion order (for storing). */
export function graphEdges(graph: ToolGraph): ToolEdge[] {
  return graph.mapEdges((_key, attributes) => ({ ...attributes, mappings: attributes.mappings.map((m) => ({ ...m })) }));
}

/** The tools a tool feeds through high-confidence edges; sub-DAG sampling starts from tools with two or more. */
export function highConfidenceSuccessors(graph: ToolGraph, tool: string): string[] {
  if (!graph.hasNode(tool)) throw new ToolGraphError(`tool ${tool} is not in the graph`);
  return graph.filterOutNeighbors(tool, (neighbor) => graph.getDirectedEdgeAttribute(tool, neighbor, 'confidence') === 'high');
}
