import type { FastifyRequest } from 'fastify';

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

/**
 * This gateway's URL as the client reached it: `X-Forwarded-Proto`/`X-Forwarded-Host` when a
 * reverse proxy set them, else the request's own scheme and `Host`; `fallbackPort` on 127.0.0.1
 * when there is no usable host. No trailing slash.
 */
export function gatewayUrlOf(request: FastifyRequest, fallbackPort: number): string {
  const forwardedProto = firstValue(request.headers['x-forwarded-proto'])?.toLowerCase();
  const protocol =
    forwardedProto === 'http' || forwardedProto === 'https' ? forwardedProto : request.protocol;
  const forwardedHost = firstValue(request.headers['x-forwarded-host']);
  const host = [forwardedHost, request.host].find(
    (candidate): candidate is string => candidate !== undefined && HOST.test(candidate),
  );
  return `${protocol}://${host ?? `127.0.0.1:${fallbackPort}`}`;
}
