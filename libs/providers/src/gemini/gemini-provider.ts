import { defineProvider } from '../shared/define-provider';
import { unixSeconds } from '../shared/unix-seconds';
import { buildGeminiChatRequest } from './gemini-chat-request';
import { parseGeminiChatResponse } from './gemini-chat-response';
import { GeminiChatStreamParser } from './gemini-chat-stream-parser';
import { buildGeminiEmbeddingRequest, parseGeminiEmbeddingResponse } from './gemini-embedding';
import { parseGeminiError } from './gemini-error';
import { buildGeminiProbeRequest } from './gemini-probe-request';

/** Google's Gemini API (`generateContent`, `streamGenerateContent?alt=sse`, `batchEmbedContents`). */
export const geminiProvider = defineProvider({
  kind: 'gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  apiKeyEnv: 'GEMINI_API_KEY',
  apiBaseEnv: 'GEMINI_API_BASE',
  probeRequest: (target) => buildGeminiProbeRequest(target),
  translators: (now) => ({
    chat: {
      buildRequest: (request, target, { stream }) => buildGeminiChatRequest(request, target, stream),
      parseResponse: (body, target) => parseGeminiChatResponse(body, target, unixSeconds(now())),
      createStreamParser: (target) => new GeminiChatStreamParser(target, unixSeconds(now()), now),
    },
    embedding: {
      buildRequest: buildGeminiEmbeddingRequest,
      parseResponse: (body, target, request) =>
        parseGeminiEmbeddingResponse(body, target, request?.encoding_format),
    },
    parseError: (status, bodyText, headers, target) =>
      parseGeminiError(status, bodyText, headers, target, now()),
  }),
});
