import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { anthropicKey } from './anthropic/anthropic-auth';
import { anthropicErrors } from './anthropic/anthropic-error';
import { anthropicModelList, anthropicModel } from './anthropic/anthropic-models';
import { respondToChat } from './shared/chat-responder';
import { isRecord, readString } from './shared/json-value';
import { parseMistralChatRequest } from './mistral/mistral-chat-request';
import { mistralChatRenderer } from './mistral/mistral-chat-response';
import { renderMistralEmbeddings } from './mistral/mistral-embeddings';
import { mistralErrors } from './mistral/mistral-error';
import type { MockContext } from './shared/mock-context';
import { isMistralModel } from './shared/mock-format';
import { MockHttpError } from './shared/mock-http-error';
import { MODEL_CATALOG, MODEL_CREATED } from './shared/model-catalog';
import { ProviderExchange } from './shared/provider-exchange';
import { bearerKey } from './shared/bearer-key';
import { OPENAI_FLAVOUR, parseOpenAiChatRequest } from './openai/openai-chat-request';
import { openAiChatRenderer } from './openai/openai-chat-response';
import { parseEmbeddingRequest, renderOpenAiEmbeddings } from './openai/openai-embeddings';
import { parseOpenAiResponsesRequest } from './openai/openai-responses-request';
import { respondToResponses } from './openai/openai-responses-response';
import { OPENAI_MISSING_KEY_MESSAGE, openAiErrors } from './openai/openai-error';

function requestedModel(body: unknown): string | null {
  return isRecord(body) ? (readString(body, 'model') ?? null) : null;
}

function requireBearer(request: FastifyRequest, exchange: ProviderExchange): void {
  const key = bearerKey(request);
  if (key === null) throw new MockHttpError(401, OPENAI_MISSING_KEY_MESSAGE, { code: null });
  exchange.recordKey(key);
}

/** Anthropic clients list models on the same `/v1/models` path; only they send `anthropic-version`. */
function isAnthropicClient(request: FastifyRequest): boolean {
  return request.headers['anthropic-version'] !== undefined;
}

/**
 * OpenAI and OpenAI-compatible routes (chat completions, the Responses API, embeddings, models),
 * with and without the `/v1` prefix. A request whose model
 * looks like a Mistral model is answered in Mistral's flavour.
 */
export function registerOpenAiRoutes(app: FastifyInstance, context: MockContext): void {
  const chat = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const body = request.body;
    const model = requestedModel(body);
    const mistral = model !== null && isMistralModel(model);
    const stream = isRecord(body) && body.stream === true;
    const exchange = new ProviderExchange(
      context,
      request,
      reply,
      mistral ? 'mistral' : 'openai',
      'chat',
      mistral ? mistralErrors : openAiErrors,
      { model, stream },
    );
    await exchange.run(async () => {
      requireBearer(request, exchange);
      const input = mistral ? parseMistralChatRequest(body) : parseOpenAiChatRequest(body, OPENAI_FLAVOUR);
      await respondToChat(exchange, input, mistral ? mistralChatRenderer : openAiChatRenderer);
    });
  };

  /** OpenAI's Responses API, JSON and SSE, with the same fault knobs as chat. */
  const responses = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const body = request.body;
    const exchange = new ProviderExchange(context, request, reply, 'openai', 'responses', openAiErrors, {
      model: requestedModel(body),
      stream: isRecord(body) && body.stream === true,
    });
    await exchange.run(async () => {
      requireBearer(request, exchange);
      await respondToResponses(exchange, parseOpenAiResponsesRequest(body));
    });
  };

  const embeddings = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const body = request.body;
    const model = requestedModel(body);
    const mistral = model !== null && isMistralModel(model);
    const exchange = new ProviderExchange(
      context,
      request,
      reply,
      mistral ? 'mistral' : 'openai',
      'embeddings',
      mistral ? mistralErrors : openAiErrors,
      { model, stream: false },
    );
    await exchange.run(async () => {
      requireBearer(request, exchange);
      const input = parseEmbeddingRequest(body, mistral ? 'output_dimension' : 'dimensions');
      const knobs = exchange.resolveKnobs(input.model, null);
      if (await exchange.sendFaultStatus(knobs)) return;
      const response = mistral
        ? renderMistralEmbeddings(input, context.embeddingDimensions, exchange.entry.id)
        : renderOpenAiEmbeddings(input, context.embeddingDimensions);
      await exchange.sendJson(200, response, knobs);
    });
  };

  const listModels = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (isAnthropicClient(request)) {
      const exchange = new ProviderExchange(context, request, reply, 'anthropic', 'models', anthropicErrors, {
        model: null,
        stream: false,
      });
      await exchange.run(async () => {
        exchange.recordKey(anthropicKey(request));
        await exchange.sendJson(200, anthropicModelList());
      });
      return;
    }
    const exchange = new ProviderExchange(context, request, reply, 'openai', 'models', openAiErrors, {
      model: null,
      stream: false,
    });
    await exchange.run(async () => {
      requireBearer(request, exchange);
      await exchange.sendJson(200, {
        object: 'list',
        data: MODEL_CATALOG.filter((model) => model.format !== 'anthropic' && model.format !== 'gemini').map(
          (model) => ({
            id: model.id,
            object: 'model',
            created: MODEL_CREATED,
            owned_by: model.ownedBy,
          }),
        ),
      });
    });
  };

  const getModel = async (
    request: FastifyRequest<{ Params: { model: string } }>,
    reply: FastifyReply,
  ): Promise<void> => {
    const id = request.params.model;
    if (isAnthropicClient(request)) {
      const exchange = new ProviderExchange(context, request, reply, 'anthropic', 'models', anthropicErrors, {
        model: id,
        stream: false,
      });
      await exchange.run(async () => {
        exchange.recordKey(anthropicKey(request));
        await exchange.sendJson(200, anthropicModel(id));
      });
      return;
    }
    const exchange = new ProviderExchange(context, request, reply, 'openai', 'models', openAiErrors, {
      model: id,
      stream: false,
    });
    await exchange.run(async () => {
      requireBearer(request, exchange);
      const known = MODEL_CATALOG.find((model) => model.id === id);
      await exchange.sendJson(200, {
        id,
        object: 'model',
        created: MODEL_CREATED,
        owned_by: known?.ownedBy ?? 'mock-provider',
      });
    });
  };

  for (const prefix of ['', '/v1']) {
    app.post(`${prefix}/chat/completions`, chat);
    app.post(`${prefix}/responses`, responses);
    app.post(`${prefix}/embeddings`, embeddings);
    app.get(`${prefix}/models`, listModels);
    app.get(`${prefix}/models/:model`, getModel);
  }
}
