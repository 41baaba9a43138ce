import fc from 'fast-check';
import { utf8JsonText } from './json-text.js';

// The oracle is the plain decoding: Buffer#toString('utf8') with a leading BOM dropped, then
// JSON.parse. utf8JsonText must give the same value, or fail to parse exactly when that does.

type Parsed = { ok: true; value: unknown } | { ok: false };

function parse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function reference(raw: Buffer): Parsed {
  const text = raw.toString('utf8');
  return parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

function expectSameAsReference(raw: Buffer): void {
  expect(parse(utf8JsonText(raw))).toStrictEqual(reference(raw));
}

const isAsciiText = (s: string) => Buffer.from(s).every((b) => b < 0x80);

describe('utf8JsonText', () => {
  test('ASCII JSON is returned as it is', () => {
    const text = '{"resourceType":"Observation","valueQuantity":{"value":5.5,"unit":"mg/L"}}';
    expect(utf8JsonText(Buffer.from(text))).toBe(text);
  });

  test('non-ASCII characters in strings become escapes: ASCII text, the same values', () => {
    const value = { display: 'β2-mikroglobulin ≥ 5,5 mg/L', note: 'Blodprøve tatt på Ullevål 🩸', 'nøkkel': 'æ' };
    const raw = Buffer.from(JSON.stringify(value));
    const text = utf8JsonText(raw);
    expect(isAsciiText(text)).toBe(true);
    expect(text).toContain('\\u03b2');
    expect(text).toContain('\\ud83e\\ude78'); // U+1FA78 as a surrogate pair
    expect(JSON.parse(text)).toStrictEqual(value);
  });

  test('a leading byte order mark is dropped, with ASCII and with non-ASCII content', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(JSON.parse(utf8JsonText(Buffer.concat([bom, Buffer.from('{"a":1}')])))).toStrictEqual({ a: 1 });
    expect(JSON.parse(utf8JsonText(Buffer.concat([bom, Buffer.from('{"a":"ø≥"}')])))).toStrictEqual({ a: 'ø≥' });
    // Only the first one: a second BOM is content (outside a string, a syntax error both ways).
    expectSameAsReference(Buffer.concat([bom, bom, Buffer.from('{}')]));
  });

  test('byte order mark edge cases: alone, partial, followed by invalid UTF-8, twice before invalid UTF-8', () => {
    const bom = [0xef, 0xbb, 0xbf];
    for (const bytes of [bom, [0xef, 0xbb], [0xef], [...bom, 0xff], [...bom, 0x80, 0x7b, 0x7d], [...bom, ...bom, 0x22, 0xff, 0x22]]) {
      expectSameAsReference(Buffer.from(bytes));
    }
    expect(utf8JsonText(Buffer.from(bom))).toBe('');
    // The plain decoding of the rest keeps a second mark as content: JSON.parse refuses it.
    expect(parse(utf8JsonText(Buffer.from([...bom, ...bom, 0x22, 0xff, 0x22])))).toStrictEqual({ ok: false });
  });

  test('a sequence across the 4096-byte block boundary is read whole', () => {
    for (const char of ['ø', '≥', '🩸']) {
      for (let pad = 4080; pad <= 4100; pad++) {
        const text = `{"a":"${'x'.repeat(pad - 6)}${char}y"}`;
        const out = utf8JsonText(Buffer.from(text));
        expect(isAsciiText(out)).toBe(true);
        expect(JSON.parse(out)).toStrictEqual(JSON.parse(text));
      }
    }
  });

  test('an even run of backslashes before a character is text; an odd one escapes it (invalid JSON both ways)', () => {
    expect(JSON.parse(utf8JsonText(Buffer.from('{"a":"\\\\β"}')))).toStrictEqual({ a: '\\β' });
    expectSameAsReference(Buffer.from('{"a":"\\β"}'));
    expect(parse(utf8JsonText(Buffer.from('{"a":"\\β"}')))).toStrictEqual({ ok: false });
    // Inside a \u escape the hex digits must be ASCII, before and after.
    expect(parse(utf8JsonText(Buffer.from('{"a":"\\u00β"}')))).toStrictEqual({ ok: false });
  });

  test('backslash runs of any length, also across a block boundary, decide as JSON does', () => {
    for (let run = 0; run <= 7; run++) {
      for (const pad of [0, 4090, 4093, 4095]) {
        expectSameAsReference(Buffer.from(`{"a":"${'x'.repeat(pad)}${'\\'.repeat(run)}β"}`));
      }
    }
    // An escape right after a sequence that ran past the end of its block.
    expectSameAsReference(Buffer.from(`{"a":"${'x'.repeat(4089)}🩸\\β"}`));
    expectSameAsReference(Buffer.from(`{"a":"${'x'.repeat(4089)}🩸\\\\β"}`));
  });

  test('non-ASCII outside a string stays a syntax error', () => {
    for (const text of ['{"a":1}β', 'β{}', '{"a":1β}', '[1,\u00a02]', '{"a"\u2028:1}']) {
      expect(parse(utf8JsonText(Buffer.from(text)))).toStrictEqual({ ok: false });
      expectSameAsReference(Buffer.from(text));
    }
  });

  test('malformed UTF-8 is decoded as the plain decoding does (U+FFFD), never rewritten', () => {
    const bad = Buffer.concat([Buffer.from('{"a":"x'), Buffer.from([0xc3]), Buffer.from('y","b":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    expect(utf8JsonText(bad)).toBe(bad.toString('utf8'));
    expectSameAsReference(bad);
  });

  test('dense non-ASCII text (a long note) is decoded plainly, to the same value', () => {
    const value = { note: 'Pasienten har fått bortezomib – ≥ 3 sykluser. '.repeat(5000) };
    const raw = Buffer.from(JSON.stringify(value));
    const out = utf8JsonText(raw);
    expect(isAsciiText(out)).toBe(false); // past the escape budget: the plain decoding
    expect(JSON.parse(out)).toStrictEqual(value);
  });

  // stringUnit: fast-check's default JSON strings are ASCII only, which would test nothing here.
  test('property: any JSON value, serialised as UTF-8, parses to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), fc.boolean(), (value, bom) => {
        const utf8 = Buffer.from(JSON.stringify(value));
        const raw = bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]) : utf8;
        expect(parse(utf8JsonText(raw))).toStrictEqual({ ok: true, value: JSON.parse(JSON.stringify(value)) as unknown });
      }),
      { numRuns: 500 },
    );
  });

  test('property: bodies of several blocks with sparse non-ASCII text and escapes give the reference outcome', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: 'grapheme-ascii', minLength: 500, maxLength: 3000 }),
      fc.constantFrom('\\', '\\\\', '"', 'β', '≥', '🩸', '\ufeff'),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 3, maxLength: 12 }), fc.boolean(), (pieces, quoted) => {
        const inner = pieces.join('');
        const text = quoted ? JSON.stringify({ note: inner, list: pieces }) : `{"note":"${inner}"}`;
        expectSameAsReference(Buffer.from(text));
      }),
      { numRuns: 300 },
    );
  });

  test('property: mutated JSON text (non-ASCII, backslashes, quotes, stray bytes anywhere) gives the reference outcome', () => {
    const insert = fc.constantFrom('β', '≥', 'ø', '🩸', '\\', '\\\\', '"', '\u00a0', '\ufeff', '\u2028', 'u00e', '\\u');
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }),
        fc.array(fc.tuple(fc.nat(), insert), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 2 }),
        (value, inserts, strayBytes) => {
          let text = JSON.stringify(value);
          for (const [at, s] of inserts) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + s + text.slice(i);
          }
          let raw = Buffer.from(text);
          for (const [at, byte] of strayBytes) {
            const i = at % (raw.length + 1);
            raw = Buffer.concat([raw.subarray(0, i), Buffer.from([byte]), raw.subarray(i)]);
          }
          expectSameAsReference(raw);
        },
      ),
      { numRuns: 1500 },
    );
  });
  test('property: any bytes at all give the reference outcome', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, bom) => {
        const raw = Buffer.from(bytes);
        expectSameAsReference(bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), raw]) : raw);
      }),
      { numRuns: 3000 },
    );
  });
  test('the buffer kept between calls carries nothing over: a long body, then a short one, then one past what is kept', () => {
    const long = Buffer.from(JSON.stringify({ note: `${'x'.repeat(300_000)} β ${'y'.repeat(300_000)}`, tail: 'ø'.repeat(50) }));
    const short = Buffer.from(JSON.stringify({ a: 'β' }));
    const huge = Buffer.from(JSON.stringify({ note: `${'z'.repeat(5 * 1024 * 1024)} ≥ end` }));
    for (const raw of [long, short, huge, short, long]) {
      const text = utf8JsonText(raw);
      expect(isAsciiText(text)).toBe(true);
      expect(JSON.parse(text)).toEqual(JSON.parse(raw.toString('utf8')));
    }
  });
});
