/**
 * Whether a text is prose — a sentence or a block of text — rather than a value. Short phrases
 * ("Works at Acme Corp", "Quarterly plan") are values; a full sentence ("The temperature in Lisbon
 * is 19 degrees Celsius.", "Here are 3 resource links:") or several lines are prose: no agent should
 * reproduce them word for word, and none belongs in an id, a path or a name.
 */
export function isProse(text: string): boolean {
  const words = text.trim().split(/\s+/).length;
  return text.includes('\n') || words > 12 || (words >= 5 && /[.!?:]$/.test(text.trim()));
}
