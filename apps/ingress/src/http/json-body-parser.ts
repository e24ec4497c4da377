import type { FastifyInstance } from 'fastify';
import { GatewayError } from '@switchyard/contracts';
import { registerUnreadBodyClose } from './close-unread-body';
import { JsonDepthMeter } from './json-depth-meter';
import { requestContext } from './request-context';

/** Arrays and objects nested deeper than this are refused (JSON schemas in tools stay far below). */
export const MAX_JSON_DEPTH = 128;

/**
 * Parses every request body as JSON whatever its content type (curl without `-H content-type`
 * works, as with LiteLLM), remembers its size for the router's capacity check, and turns a body
 * that is not JSON into a 400 that says so. It runs after authentication (`authenticateBeforeBody`).
 * A body over the limit is refused before it is read when its Content-Length says so, and as soon
 * as it passes the limit otherwise; one nested deeper than `MAX_JSON_DEPTH` as soon as it does.
 * Such answers close the connection without reading the rest (`registerUnreadBodyClose`).
 */
export function registerJsonBodyParser(app: FastifyInstance, limitBytes: number, limitMb: number): void {
  const tooLarge = (size: string) =>
    GatewayError.payloadTooLarge(
      `The request body is ${size}, larger than the gateway accepts (${limitMb} MB; raise general_settings.max_request_size_mb or MAX_REQUEST_BODY_MB).`,
    );
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const context = requestContext(request);
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      context.bodyBytes = declared;
      done(tooLarge(`${(declared / 1024 / 1024).toFixed(1)} MB`), undefined);
      return;
    }
    const chunks: Buffer[] = [];
    const depth = new JsonDepthMeter(MAX_JSON_DEPTH);
    let size = 0;
    let finished = false;
    const finish = (error: Error | null, body?: unknown) => {
      if (finished) return;
      finished = true;
      payload.removeListener('data', onData);
      chunks.length = 0;
      done(error, body);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        payload.pause();
        finish(tooLarge(`over ${limitMb} MB`));
        return;
      }
      if (!depth.feed(chunk)) {
        payload.pause();
        finish(
          GatewayError.invalidRequest(
            `The JSON body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; the gateway refuses such bodies.`,
            null,
            'json_too_deep',
          ),
        );
        return;
      }
      chunks.push(chunk);
    };
    payload.on('data', onData);
    payload.on('error', (error) => finish(error));
    payload.on('end', () => {
      if (finished) return;
      context.bodyBytes = size;
      if (size === 0) {
        finish(
          GatewayError.invalidRequest('The request body is empty; send a JSON object.', null, 'empty_body'),
        );
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
      } catch (error) {
        finish(
          GatewayError.invalidRequest(
            `We could not parse the JSON body of your request (${(error as Error).message}).`,
            null,
            'invalid_json',
          ),
        );
        return;
      }
      finish(null, body);
    });
  });
  registerUnreadBodyClose(app);
}
