import { isAscii, isUtf8 } from 'node:buffer';

// A UTF-8 JSON body as text for JSON.parse, in the form V8 handles cheapest.
//
// V8 keeps a string one byte per character only while every character is below U+0100; one "β" or
// "≥" anywhere (a LOINC display, a comment) makes the whole prefetch a two-byte string of twice
// the size, in fresh pages that are faulted in one by one: decoding UTF-8 into it cost more than
// JSON.parse itself (bench/RESULTS.md, "JSON body reader").
//
// Inside a JSON string a character and its \uXXXX escape are the same value (RFC 8259 §7), so valid
// UTF-8 is rewritten with every non-ASCII character escaped: the text is ASCII, one byte per
// character, and parses to exactly what the plain decoding gives. Outside a string a non-ASCII
// character is a syntax error either way. Anything this cannot rewrite to the same value (malformed
// UTF-8, a non-ASCII character right after an escaping backslash) falls back to the plain decoding,
// whose result JSON.parse judges (`node dist/bench/pipeline.js` prints both decodings' cost).

/** Bytes checked at once for non-ASCII (a SIMD check), before looking at them one by one. */
const BLOCK = 4096;
/**
 * Escapes allowed per byte of body before the plain decoding is cheaper (dense non-ASCII text, e.g.
 * a long free-text note): each escape costs a few small strings, a plain decoding one pass. The
 * worst case, a body that runs out of budget at its very end, costs about twice a plain decoding.
 */
const ESCAPES_PER_BYTE = 1 / 256;
const BOM = [0xef, 0xbb, 0xbf] as const;
const BACKSLASH = 0x5c;

const HEX = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
/** Bytes an escape can take: a surrogate pair, \uXXXX\uXXXX. */
const MAX_ESCAPE_BYTES = 12;

/** Writes `\uXXXX` for one UTF-16 code unit at `o`; returns the next offset. */
function writeUnit(out: Buffer, o: number, unit: number): number {
  out[o] = BACKSLASH;
  out[o + 1] = 0x75; // u
  out[o + 2] = HEX[(unit >> 12) & 0xf] as number;
  out[o + 3] = HEX[(unit >> 8) & 0xf] as number;
  out[o + 4] = HEX[(unit >> 4) & 0xf] as number;
  out[o + 5] = HEX[unit & 0xf] as number;
  return o + 6;
}

/** Writes the JSON escape of a code point (two for one above U+FFFF); returns the next offset. */
function writeEscape(out: Buffer, o: number, codePoint: number): number {
  if (codePoint <= 0xffff) return writeUnit(out, o, codePoint);
  const v = codePoint - 0x10000;
  return writeUnit(out, writeUnit(out, o, 0xd800 + (v >> 10)), 0xdc00 + (v & 0x3ff));
}

// The escaped text is assembled in bytes and read as one string: string pieces joined would be
// half a megabyte of short-lived strings a call, and a rope JSON.parse copies once more. The buffer
// is kept for the next call (bodies up to SCRATCH_KEEP_BYTES), so its pages are not mapped afresh.
const SCRATCH_KEEP_BYTES = 4 * 1024 * 1024;
let scratch = Buffer.alloc(0);

function outputBuffer(bytes: number): Buffer {
  if (scratch.length >= bytes) return scratch;
  const out = Buffer.allocUnsafeSlow(bytes);
  if (bytes <= SCRATCH_KEEP_BYTES) scratch = out;
  return out;
}

/** Length of the UTF-8 sequence a lead byte starts (the input is known to be valid UTF-8). */
function sequenceLength(lead: number): number {
  return lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

function codePointAt(raw: Uint8Array, i: number, length: number): number {
  const b = (k: number) => (raw[i + k] as number) & 0x3f;
  const lead = raw[i] as number;
  if (length === 2) return ((lead & 0x1f) << 6) | b(1);
  if (length === 3) return ((lead & 0x0f) << 12) | (b(1) << 6) | b(2);
  return ((lead & 0x07) << 18) | (b(1) << 12) | (b(2) << 6) | b(3);
}

/** True when the byte at `i` follows an odd run of backslashes, i.e. is itself escaped. */
function isEscaped(raw: Uint8Array, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && raw[k] === BACKSLASH) k--;
  return (i - 1 - k) % 2 === 1;
}

/**
 * The text of a UTF-8 JSON body, with a leading byte order mark dropped. Same value under
 * JSON.parse as `raw.toString('utf8')` (BOM removed), and the same outcome for invalid JSON.
 */
export function utf8JsonText(raw: Buffer): string {
  const start = raw.length >= 3 && raw[0] === BOM[0] && raw[1] === BOM[1] && raw[2] === BOM[2] ? 3 : 0;
  const body = start === 0 ? raw : raw.subarray(start);
  if (isAscii(body)) return body.toString('latin1');
  if (!isUtf8(body)) return plain(body);

  // Non-ASCII blocks are rare (a few display texts in a whole prefetch): ASCII runs are copied as
  // they are, each non-ASCII character is written as its escape.
  let from = 0;
  let i = 0;
  let o = 0;
  const n = body.length;
  let budget = 16 + Math.floor(n * ESCAPES_PER_BYTE);
  const out = outputBuffer(n + budget * MAX_ESCAPE_BYTES);
  while (i < n) {
    const end = Math.min(n, i + BLOCK);
    if (isAscii(body.subarray(i, end))) {
      i = end;
      continue;
    }
    // A sequence may run past `end`; the next block then starts after it.
    while (i < end) {
      const lead = body[i] as number;
      if (lead < 0x80) {
        i++;
        continue;
      }
      if (--budget < 0 || isEscaped(body, i)) return plain(body);
      const length = sequenceLength(lead);
      o += body.copy(out, o, from, i);
      o = writeEscape(out, o, codePointAt(body, i, length));
      i += length;
      from = i;
    }
  }
  o += body.copy(out, o, from, n);
  return out.toString('latin1', 0, o);
}

function plain(body: Buffer): string {
  return body.toString('utf8');
}
