import { defineProvider } from '../shared/define-provider';
import { unixSeconds } from '../shared/unix-seconds';
import { buildAnthropicChatRequest } from './anthropic-chat-request';
import { parseAnthropicChatResponse } from './anthropic-chat-response';
import { AnthropicChatStreamParser } from './anthropic-chat-stream-parser';
import { parseAnthropicError } from './anthropic-error';
import { buildAnthropicProbeRequest } from './anthropic-probe-request';

/** Anthropic's Messages API (`POST {apiBase}/v1/messages`). Anthropic has no embeddings. */
export const anthropicProvider = defineProvider({
  kind: 'anthropic',
  defaultBaseUrl: 'https://api.anthropic.com',
  apiKeyEnv: 'ANTHROPIC_API_KEY',
  apiBaseEnv: 'ANTHROPIC_API_BASE',
  probeRequest: (target) => buildAnthropicProbeRequest(target),
  translators: (now) => ({
    chat: {
      buildRequest: (request, target, { stream }) => buildAnthropicChatRequest(request, target, stream),
      parseResponse: (body, target) => parseAnthropicChatResponse(body, target, unixSeconds(now())),
      createStreamParser: (target) => new AnthropicChatStreamParser(target, unixSeconds(now()), now),
    },
    embedding: null,
    parseError: (status, bodyText, headers, target) =>
      parseAnthropicError(status, bodyText, headers, target, now()),
  }),
});
