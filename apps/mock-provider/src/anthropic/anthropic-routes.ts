import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { respondToChat } from '../shared/chat-responder';
import { isRecord, readString } from '../shared/json-value';
import type { MockContext } from '../shared/mock-context';
import { promptTokens } from '../shared/token-estimate';
import { ProviderExchange } from '../shared/provider-exchange';
import { anthropicKey } from './anthropic-auth';
import { anthropicErrors } from './anthropic-error';
import { parseAnthropicMessagesRequest } from './anthropic-messages-request';
import { anthropicMessagesRenderer } from './anthropic-messages-response';

/** Anthropic's Messages API: `POST /v1/messages` and `POST /v1/messages/count_tokens`. */
export function registerAnthropicRoutes(app: FastifyInstance, context: MockContext): void {
  app.post('/v1/messages', async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const body = request.body;
    const model = isRecord(body) ? (readString(body, 'model') ?? null) : null;
    const stream = isRecord(body) && body.stream === true;
    const exchange = new ProviderExchange(context, request, reply, 'anthropic', 'chat', anthropicErrors, {
      model,
      stream,
    });
    await exchange.run(async () => {
      exchange.recordKey(anthropicKey(request));
      const input = parseAnthropicMessagesRequest(body, { requireMaxTokens: true });
      await respondToChat(exchange, input, anthropicMessagesRenderer);
    });
  });

  app.post(
    '/v1/messages/count_tokens',
    async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const body = request.body;
      const model = isRecord(body) ? (readString(body, 'model') ?? null) : null;
      const exchange = new ProviderExchange(
        context,
        request,
        reply,
        'anthropic',
        'count_tokens',
        anthropicErrors,
        {
          model,
          stream: false,
        },
      );
      await exchange.run(async () => {
        exchange.recordKey(anthropicKey(request));
        const input = parseAnthropicMessagesRequest(body, { requireMaxTokens: false });
        await exchange.sendJson(200, {
          input_tokens: promptTokens(input.promptCharacters, input.messageCount),
        });
      });
    },
  );
}
