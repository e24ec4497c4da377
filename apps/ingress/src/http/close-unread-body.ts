import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How long a connection whose body was not read stays half-open after the answer (for the client to read it). */
const LINGER_MS = 2000;

/**
 * An answer sent before the request body was read to its end (refused from the headers, or once
 * the body passed a limit) ends the connection without reading the rest: `connection: close`, the
 * body left unread, the socket half-closed after the answer and destroyed after `LINGER_MS`.
 * Destroying it at once (what Node does after `connection: close`) resets a client that is still
 * sending, which then never sees the answer; reading the rest (what Node does otherwise) is the
 * work the refusal is there to avoid.
 */
export function registerUnreadBodyClose(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw;
    if (raw.complete === false && raw.socket) {
      reply.header('connection', 'close');
      // paused, and marked as being read (what is buffered already is dropped), so Node does not
      // read and discard the rest either: at most one more chunk reaches the process
      raw.pause();
      raw.read();
      lingerInsteadOfDestroy(raw.socket);
    }
    done(null, payload);
  });
}

function lingerInsteadOfDestroy(socket: Socket): void {
  // Node calls destroySoon() once a `connection: close` answer is written
  socket.destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
