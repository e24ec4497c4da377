import { bearerHeaders, jsonPost } from '../shared/http-request';
import type { UpstreamHttpRequest, UpstreamTarget } from '../shared/spec';

/**
 * The native Responses call: the client's body as it is (`input` items with reasoning and
 * `encrypted_content`, `include`, `store`, `previous_response_id`, hosted tools) with the
 * deployment's model; `stream` set as the dispatcher asks. The key goes only into the header.
 */
export function buildOpenAIResponsesRequest(
  body: Readonly<Record<string, unknown>>,
  target: UpstreamTarget,
  stream: boolean,
): UpstreamHttpRequest {
  const upstreamBody: Record<string, unknown> = { ...body, model: target.providerModel };
  if (stream) upstreamBody.stream = true;
  else {
    delete upstreamBody.stream;
    delete upstreamBody.stream_options;
  }
  return jsonPost(`${target.apiBase}/responses`, bearerHeaders(target.apiKey), upstreamBody);
}
