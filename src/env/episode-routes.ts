import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JsonObject } from '../domain.js';
import { isJsonObject } from '../json.js';
import { parseError } from '../simulator/jsonrpc-check.js';
import { createSimulatorServer } from '../simulator/mcp-server.js';
import { readBody, refusal, replyJson } from '../simulator/serve-http.js';
import { EnvEpisode, verdictDetail } from './env-episode.js';
import { HttpProblem, objectBody, promptText, taskFrom, type RouteContext } from './env-requests.js';

/**
 * Episodes for trainers that speak MCP (verl, SkyRL, …): the trainer creates one from a task
 * (`POST /episodes`), hands its agent only `/episodes/{id}/mcp` — the task's tools over streamable
 * HTTP, in this episode's own state, with neither `submit` nor the answer reachable — and scores
 * the answer itself (`POST /episodes/{id}/submit`), which ends the episode. The id is explicit, so
 * one agent's calls never land in another's episode whatever its MCP client does with sessions.
 */
export async function episodeRoute(path: string[], req: IncomingMessage, res: ServerResponse, context: RouteContext): Promise<void> {
  const [id, action, ...rest] = path;
  if (rest.length > 0) throw new HttpProblem(404, 'not found: the episode routes are /episodes, /episodes/{id}, /episodes/{id}/mcp and /episodes/{id}/submit');
  if (id === undefined) {
    if (req.method !== 'POST') throw new HttpProblem(405, 'POST /episodes with { "task_id" } or { "split", "index" } creates an episode');
    if (!context.episodes.hasRoomFor(context.client)) throw new HttpProblem(503, 'this client holds the most episodes it may: end some (DELETE /episodes/{id}) or wait for idle ones to expire');
    const episode = new EnvEpisode(taskFrom(context.dataset, await objectBody(req, context.maxBytes)), context.simulator);
    const episodeId = randomUUID();
    context.episodes.add(episodeId, context.client, episode);
    return replyJson(res, 200, {
      episode_id: episodeId,
      task_id: episode.task.id,
      mcp_url: `${context.baseUrl}/episodes/${episodeId}/mcp`,
      prompt: promptText(episode.task),
      answer_schema: episode.task.answerSchema as JsonObject,
    });
  }
  const episode = context.episodes.use(id);
  if (!episode) throw new HttpProblem(404, `episode ${id} not found: it was ended, expired or never created (POST /episodes)`);
  if (action === undefined) {
    if (req.method !== 'DELETE') throw new HttpProblem(405, `DELETE /episodes/${id} ends the episode`);
    context.episodes.delete(id);
    return replyJson(res, 200, { episode_id: id });
  }
  if (action === 'submit') {
    if (req.method !== 'POST') throw new HttpProblem(405, `POST /episodes/${id}/submit with { "answer": {…} } scores the answer`);
    const body = await objectBody(req, context.maxBytes);
    if (!isJsonObject(body.answer)) throw new HttpProblem(400, 'answer is missing: send { "answer": { …the answer object… } }');
    if (episode.finished) throw new HttpProblem(409, `episode ${id} is finished: its answer was submitted already`);
    const verdict = episode.submit(body.answer);
    context.episodes.delete(id);
    return replyJson(res, 200, { episode_id: id, ...verdictDetail(verdict) });
  }
  if (action !== 'mcp') throw new HttpProblem(404, `not found: /episodes/${id}/${action}`);
  if (req.method !== 'POST') throw new HttpProblem(405, 'this MCP endpoint is stateless (the episode id is in the URL): POST JSON-RPC messages to it');
  const text = await readBody(req, context.maxBytes);
  if (text === 'too large') throw new HttpProblem(413, `the request body is larger than ${context.maxBytes} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return replyJson(res, 400, parseError(`the request body is not JSON (${(error as Error).message})`));
  }
  const refused = refusal(json);
  if (refused) return replyJson(res, refused.status, refused.body);
  // Stateless: a server and transport per request, all bound to the one episode.
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  const server = createSimulatorServer(context.simulator, { episode: episode.binding(), onError: (error) => context.log(`episode ${id}: ${error.message}`) });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, json);
}
