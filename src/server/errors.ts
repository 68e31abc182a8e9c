/** The one error shape of the HTTP edge: `{ error: { code, message } }` (CONVENTIONS 7). */
import type { FastifyReply } from 'fastify';

export interface HttpError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export function httpError(status: number, code: string, message: string): HttpError {
  return { status, code, message };
}

export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
}
