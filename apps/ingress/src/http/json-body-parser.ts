import type { FastifyInstance } from 'fastify';
import { GatewayError } from '@switchyard/contracts';
import { requestContext } from './request-context';

/** Past this multiple of the limit, stop reading and drop the connection instead of draining. */
const DRAIN_FACTOR = 8;

/**
 * Parses every request body as JSON whatever its content type (curl without `-H content-type`
 * works, as with LiteLLM), remembers its size for the router's capacity check, and turns a body
 * that is not JSON into a 400 that says so. A body over the limit is read to its end (up to a
 * bound) and answered with a 413 the client can actually read, instead of a reset connection.
 */
export function registerJsonBodyParser(app: FastifyInstance, limitBytes: number, limitMb: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const context = requestContext(request);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge) {
        if (size > limitBytes * DRAIN_FACTOR) request.raw.destroy();
        return;
      }
      if (size > limitBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    payload.on('error', (error) => done(error, undefined));
    payload.on('end', () => {
      context.bodyBytes = size;
      if (tooLarge) {
        done(
          GatewayError.payloadTooLarge(
            `The request body is ${(size / 1024 / 1024).toFixed(1)} MB, larger than the gateway accepts (${limitMb} MB; raise general_settings.max_request_size_mb or MAX_REQUEST_BODY_MB).`,
          ),
          undefined,
        );
        return;
      }
      if (size === 0) {
        done(
          GatewayError.invalidRequest('The request body is empty; send a JSON object.', null, 'empty_body'),
          undefined,
        );
        return;
      }
      try {
        done(null, JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
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
  });
}
