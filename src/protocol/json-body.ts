import { parse as parseContentType } from 'content-type';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { sendError } from './errors.js';
import { utf8JsonText } from './json-text.js';

// Request bodies are read by body-parser's raw reader (size limit, Content-Length check,
// Content-Encoding, aborted requests) and parsed here rather than by express.json, which decodes
// chunk by chunk into a string rope: the whole buffer decoded once by json-text.ts is measurably
// cheaper per hook call (bench/RESULTS.md, "JSON body reader"). What it accepts is what express.json
// accepts: any JSON value, UTF-8 by default and the other UTF charsets when declared (anything else
// 415), one leading BOM ignored, malformed UTF-8 read as U+FFFD (as any standard decoder reads it;
// JSON.parse then judges the text), an empty body read as {}.

/** The body's text with one leading byte order mark dropped (TextDecoder drops it by default). */
function decode(raw: Buffer, charset: string | undefined): string | undefined {
  if (charset === undefined || /^utf-?8$/i.test(charset)) return utf8JsonText(raw);
  // Like express.json: only the UTF family; anything else is a 415.
  if (!/^utf-/i.test(charset)) return undefined;
  try {
    return new TextDecoder(charset.toLowerCase(), { fatal: true }).decode(raw);
  } catch {
    return undefined;
  }
}

export function jsonBody(limitBytes: number): RequestHandler[] {
  const raw = express.raw({ limit: limitBytes, type: () => true });
  const parse = (req: Request, res: Response, next: NextFunction): void => {
    // The raw reader hands over a Buffer; any byte view is read the same way.
    const received: unknown = req.body;
    const body = ArrayBuffer.isView(received) ? Buffer.from(received.buffer, received.byteOffset, received.byteLength) : undefined;
    if (body === undefined || body.length === 0) {
      req.body = {};
      next();
      return;
    }
    const text = decode(body, parseContentType(req.get('content-type') ?? '').parameters.charset || undefined);
    if (text === undefined) {
      sendError(res, 415, 'unsupported charset');
      return;
    }
    try {
      // Each decoding above has already dropped one leading byte order mark; a second is content.
      req.body = JSON.parse(text) as unknown;
    } catch {
      // The parser's message may quote the body: never passed on.
      sendError(res, 400, 'malformed JSON');
      return;
    }
    next();
  };
  return [raw, parse];
}
