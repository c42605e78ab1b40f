import type { ApiKeyError } from '@keyward/core';
import type { NextFunction, Request, Response } from 'express';
import { sendApiKeyError } from './send-api-key-error.js';

/**
 * Renders a refusal yourself, as an Express error handler would: answer with `res`, pass the
 * error on with `next(err)`, or, deliberately, let the request through with `next()`. Doing
 * none of these by the time it settles sends the standard response.
 */
export type OnApiKeyError = (error: ApiKeyError, req: Request, res: Response, next: NextFunction) => unknown;

/** Refuses `onError` when it is given and is not a function, naming the option. */
export function checkOnError(onError: unknown, caller: string): OnApiKeyError | undefined {
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`${caller}: options.onError must be a function`);
  }
  return onError as OnApiKeyError | undefined;
}

/**
 * Answers a refused request the same way in every middleware: `onError` first, if given; the
 * standard response once it has settled without answering or passing the request on, so that
 * an onError that only logs leaves the request neither hanging nor, worse, open.
 */
export async function refuse(
  error: ApiKeyError,
  req: Request,
  res: Response,
  next: NextFunction,
  onError: OnApiKeyError | undefined,
): Promise<void> {
  if (!onError) return sendApiKeyError(res, error);
  let passed = false;
  await onError(error, req, res, (err?: unknown) => {
    passed = true;
    next(err);
  });
  if (!passed && !res.headersSent) sendApiKeyError(res, error);
}

type Outcome = { ok: true } | { ok: false; error: ApiKeyError };

/**
 * The middleware of a guard (`apiKeyAuth`, `sessionAuth`): run `check`, hand a success to
 * `accept` and go on, refuse the rest through `onError`. Not an async function: an answer from
 * the cache goes on synchronously, with no promise. Express 4 ignores a rejected promise, so
 * failures go to `next(err)` explicitly.
 */
export function guardMiddleware<R extends Outcome>(
  check: (req: Request) => R | Promise<R>,
  accept: (req: Request, result: Extract<R, { ok: true }>) => void,
  onError: OnApiKeyError | undefined,
): (req: Request, res: Response, next: NextFunction) => void {
  // Declared once, not per request: an answer from the cache allocates no closure here.
  const finish = (req: Request, res: Response, next: NextFunction, result: R): Promise<void> | undefined => {
    if (result.ok) {
      accept(req, result as Extract<R, { ok: true }>);
      next();
      return undefined;
    }
    return refuse((result as Extract<R, { ok: false }>).error, req, res, next, onError);
  };
  return (req, res, next) => {
    const result = check(req);
    if (result instanceof Promise) {
      result.then((settled) => finish(req, res, next, settled)).catch(next);
      return;
    }
    finish(req, res, next, result)?.catch(next);
  };
}
