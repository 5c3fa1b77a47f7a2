/**
 * Whether a string is text a person could type back: no replacement character (bytes that were
 * not text, decoded anyway: a Base64 payload read as UTF-8), no control characters but tab and
 * line breaks, no unpaired surrogate. An answer that fails this can only be copied, never read.
 */
export function isCleanText(text: string): boolean {
  return !GARBLED.test(text);
}

// U+FFFD; C0 controls but \t \n \r; DEL and C1 controls; surrogates not in a pair.
const GARBLED = /\uFFFD|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
