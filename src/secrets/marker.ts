/** What a redacted secret is replaced with: a known secret value, or a string a pattern recognised. */
export const REDACTED = '[REDACTED]';

/** The marker for a string a pattern recognised, naming the pattern, e.g. `[REDACTED:github-token]`. */
export function redactedAs(kind: string | undefined): string {
  return kind === undefined ? REDACTED : `[REDACTED:${kind}]`;
}

/** Whether text is only a marker: such a value was already redacted, so it is never redacted again. */
export function isMarker(text: string): boolean {
  return /^\[REDACTED(?::[a-z0-9-]+)?\]$/.test(text);
}

/** Whether text holds a marker anywhere: a value built on a redacted secret is no fit answer. */
export function containsMarker(text: string): boolean {
  return /\[REDACTED(?::[a-z0-9-]+)?\]/.test(text);
}
