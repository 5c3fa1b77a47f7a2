/** What the card's YAML header holds: nested mappings and lists of strings, numbers and booleans. */
export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue };

/**
 * Block-style YAML for the dataset card's header. Every string is double-quoted with JSON escapes
 * (valid YAML), so no value can be mistaken for a number, a boolean or a comment; keys must be
 * plain identifiers, which the card's fixed keys are.
 */
export function toYaml(value: { [key: string]: YamlValue }): string {
  return mappingLines(value, 0).join('\n') + '\n';
}

function mappingLines(value: { [key: string]: YamlValue }, indent: number): string[] {
  const pad = ' '.repeat(indent);
  return Object.entries(value).flatMap(([key, item]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) throw new RangeError(`YAML key ${JSON.stringify(key)} is not a plain identifier`);
    if (isScalar(item)) return [`${pad}${key}: ${scalar(item)}`];
    if (Array.isArray(item) ? item.length === 0 : Object.keys(item).length === 0) return [`${pad}${key}: ${Array.isArray(item) ? '[]' : '{}'}`];
    return [`${pad}${key}:`, ...(Array.isArray(item) ? sequenceLines(item, indent) : mappingLines(item, indent + 2))];
  });
}

/** Sequence items sit at their key's indentation, as Hugging Face's own cards write them. */
function sequenceLines(items: YamlValue[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  return items.flatMap((item) => {
    if (isScalar(item)) return [`${pad}- ${scalar(item)}`];
    if (Array.isArray(item)) throw new RangeError('nested YAML sequences are not needed by the card');
    const [first, ...rest] = mappingLines(item, indent + 2);
    if (first === undefined) return [`${pad}- {}`];
    return [`${pad}- ${first.trimStart()}`, ...rest];
  });
}

function isScalar(value: YamlValue): value is string | number | boolean {
  return typeof value !== 'object';
}

function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
