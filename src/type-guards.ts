// The one runtime check for "a JSON object" (not null, not an array), shared by the protocol layer
// and the clinical core's readers of client-supplied FHIR.

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
