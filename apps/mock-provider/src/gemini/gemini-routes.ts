import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { respondToChat } from '../shared/chat-responder';
import { isRecord } from '../shared/json-value';
import type { MockContext } from '../shared/mock-context';
import { MockHttpError } from '../shared/mock-http-error';
import { MODEL_CATALOG } from '../shared/model-catalog';
import { ProviderExchange } from '../shared/provider-exchange';
import type { MockEndpoint } from '../shared/request-log';
import { promptTokens } from '../shared/token-estimate';
import { geminiKey } from './gemini-auth';
import { renderGeminiBatchEmbedContents, renderGeminiEmbedContent } from './gemini-embeddings';
import { geminiErrors } from './gemini-error';
import { parseGeminiRequest } from './gemini-request';
import { geminiJsonArrayRenderer, geminiSseRenderer } from './gemini-response';

type ModelRequest = FastifyRequest<{ Params: { '*': string } }>;

function endpointOf(action: string): MockEndpoint {
  switch (action) {
    case 'embedContent':
    case 'batchEmbedContents':
      return 'embeddings';
    case 'countTokens':
      return 'count_tokens';
    default:
      return 'chat';
  }
}

function geminiModel(id: string): unknown {
  return {
    name: `models/${id}`,
    version: '001',
    displayName: id,
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: id.includes('embedding')
      ? ['embedContent', 'batchEmbedContents']
      : ['generateContent', 'countTokens'],
  };
}

/**
 * Gemini's API: `POST {/v1beta,/v1}/models/{model}:{generateContent,streamGenerateContent,
 * countTokens,embedContent,batchEmbedContents}` and `GET /v1beta/models`.
 */
export function registerGeminiRoutes(app: FastifyInstance, context: MockContext): void {
  const modelAction = async (request: ModelRequest, reply: FastifyReply): Promise<void> => {
    const target = request.params['*'];
    const colon = target.lastIndexOf(':');
    const model = colon === -1 ? target : target.slice(0, colon);
    const action = colon === -1 ? '' : target.slice(colon + 1);
    const stream = action === 'streamGenerateContent';
    const exchange = new ProviderExchange(
      context,
      request,
      reply,
      'gemini',
      endpointOf(action),
      geminiErrors,
      { model, stream },
    );
    await exchange.run(async () => {
      exchange.recordKey(geminiKey(request));
      const body = request.body;
      switch (action) {
        case 'generateContent':
        case 'streamGenerateContent': {
          const sse = isRecord(request.query) && request.query.alt === 'sse';
          await respondToChat(
            exchange,
            parseGeminiRequest(body, model, stream),
            sse ? geminiSseRenderer : geminiJsonArrayRenderer,
          );
          return;
        }
        case 'countTokens': {
          const inner =
            isRecord(body) && isRecord(body.generateContentRequest) ? body.generateContentRequest : body;
          const input = parseGeminiRequest(inner, model, false);
          const total = promptTokens(input.promptCharacters, input.messageCount);
          await exchange.sendJson(200, {
            totalTokens: total,
            promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }],
          });
          return;
        }
        case 'embedContent':
        case 'batchEmbedContents': {
          const knobs = exchange.resolveKnobs(model, null);
          if (await exchange.sendFaultStatus(knobs)) return;
          const response =
            action === 'embedContent'
              ? renderGeminiEmbedContent(body, context.embeddingDimensions)
              : renderGeminiBatchEmbedContents(body, context.embeddingDimensions);
          await exchange.sendJson(200, response, knobs);
          return;
        }
        default:
          throw new MockHttpError(
            404,
            `models/${target} is not found for API version v1beta, or is not supported.`,
          );
      }
    });
  };

  const listModels = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const exchange = new ProviderExchange(context, request, reply, 'gemini', 'models', geminiErrors, {
      model: null,
      stream: false,
    });
    await exchange.run(async () => {
      exchange.recordKey(geminiKey(request));
      const ids = MODEL_CATALOG.filter((model) => model.format === 'gemini').map((model) => model.id);
      await exchange.sendJson(200, { models: ids.map(geminiModel) });
    });
  };

  const getModel = async (request: ModelRequest, reply: FastifyReply): Promise<void> => {
    const id = request.params['*'];
    const exchange = new ProviderExchange(context, request, reply, 'gemini', 'models', geminiErrors, {
      model: id,
      stream: false,
    });
    await exchange.run(async () => {
      exchange.recordKey(geminiKey(request));
      await exchange.sendJson(200, geminiModel(id));
    });
  };

  for (const prefix of ['/v1beta', '/v1']) app.post(`${prefix}/models/*`, modelAction);
  app.get('/v1beta/models', listModels);
  app.get('/v1beta/models/*', getModel);
}
