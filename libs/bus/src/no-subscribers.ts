/**
 * The error code of a request nobody subscribes to (NATS "no responders"): the only failure after
 * which no responder can be holding the request, so the only one a requester need not cancel.
 */
export const NO_SUBSCRIBERS = 'no_subscribers';
