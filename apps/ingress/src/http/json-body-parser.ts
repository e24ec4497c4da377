import type { FastifyInstance } from 'fastify';
import { GatewayError } from '@switchyard/contracts';
import { requestContext } from './request-context';

/**
 * Parses every request body as JSON whatever its content type (curl without `-H content-type`
 * works, as with LiteLLM), remembers its size for the router's capacity check, and turns a body
 * that is not JSON into a 400 that says so.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    const context = requestContext(request);
    context.bodyBytes = body.length;
    if (body.length === 0) {
      done(
        GatewayError.invalidRequest('The request body is empty; send a JSON object.', null, 'empty_body'),
        undefined,
      );
      return;
    }
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch (error) {
      done(
        GatewayError.invalidRequest(
          `We could not parse the JSON body of your request (${(error as Error).message}).`,
          null,
          'invalid_json',
        ),
        undefined,
      );
    }
  });
}
