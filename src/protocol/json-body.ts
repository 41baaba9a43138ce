import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { sendError } from './errors.js';
import { utf8JsonText } from './json-text.js';

// Request bodies are read by body-parser's raw reader (size limit, Content-Length check,
// Content-Encoding, aborted requests) and parsed here. Why not express.json: it decodes the body
// chunk by chunk into a string rope, which for a 400 KiB prefetch cost about 0.6 ms more per call
// than decoding the whole buffer once (bench/RESULTS.md); UTF-8 is decoded by json-text.ts, which
// keeps the text one byte per character. What it accepts stays the same: any JSON value, UTF-8 by
// default, a leading BOM ignored, an empty body read as {}.

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

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
    const text = decode(body, CHARSET.exec(req.get('content-type') ?? '')?.[1]);
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
