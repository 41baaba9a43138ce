import type { SourceRef } from '../../types.js';

/** `Type/id` -> the SourceRef shown in card details and kept in the audit. */
export function sourceOf(ref: string): SourceRef {
  const [resourceType = ref, id] = ref.split('/');
  return id ? { resourceType, id } : { resourceType };
}
