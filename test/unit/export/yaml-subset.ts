/**
 * A strict reader for the block-YAML subset a dataset card header uses (mappings, sequences,
 * sequences of mappings, quoted and plain scalars, `[]`, `{}`). Anything outside the subset throws,
 * so a header this accepts is valid YAML with the meaning read here; it is a test oracle written
 * independently of the exporter's emitter.
 */
type Line = { indent: number; text: string; no: number };

export function parseYamlSubset(source: string): unknown {
  const lines: Line[] = source
    .split('\n')
    .map((raw, no) => {
      if (raw.includes('\t')) throw new SyntaxError(`line ${no + 1}: tab character`);
      const text = raw.trimStart();
      return { indent: raw.length - text.length, text: text.trimEnd(), no: no + 1 };
    })
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
  let i = 0;

  const isItem = (l: Line | undefined) => l !== undefined && (l.text === '-' || l.text.startsWith('- '));

  function block(indent: number): unknown {
    return isItem(lines[i]) ? sequence(indent) : mapping(indent);
  }

  function mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (i < lines.length && lines[i]!.indent === indent && !isItem(lines[i])) {
      const line = lines[i]!;
      const match = /^([A-Za-z_][\w-]*):(?: (.*))?$/.exec(line.text);
      if (!match) throw new SyntaxError(`line ${line.no}: expected "key: value", got ${JSON.stringify(line.text)}`);
      const key = match[1]!;
      if (Object.hasOwn(out, key)) throw new SyntaxError(`line ${line.no}: duplicate key ${key}`);
      i++;
      if (match[2] !== undefined && match[2] !== '') {
        out[key] = scalar(match[2], line.no);
        continue;
      }
      const next = lines[i];
      const nested = next !== undefined && (next.indent > indent || (next.indent === indent && isItem(next)));
      out[key] = nested ? block(next.indent) : null;
    }
    const stray = lines[i];
    if (stray !== undefined && stray.indent > indent) throw new SyntaxError(`line ${stray.no}: unexpected indentation`);
    return out;
  }

  function sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    while (i < lines.length && lines[i]!.indent === indent && isItem(lines[i])) {
      const line = lines[i]!;
      const rest = line.text.slice(2);
      if (/^[A-Za-z_][\w-]*:( |$)/.test(rest)) {
        // `- key: value` opens a mapping whose further keys sit two columns deeper.
        lines[i] = { indent: indent + 2, text: rest, no: line.no };
        out.push(mapping(indent + 2));
      } else {
        out.push(scalar(rest, line.no));
        i++;
      }
    }
    return out;
  }

  const root = block(0);
  if (i !== lines.length) throw new SyntaxError(`line ${lines[i]!.no}: unexpected content`);
  return root;
}

function scalar(text: string, no: number): unknown {
  if (text.startsWith('"')) return JSON.parse(text) as unknown;
  if (text === '[]') return [];
  if (text === '{}') return {};
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^[[\]{}&*!|>'%@`"]/.test(text) || text.includes(': ') || text.includes(' #')) {
    throw new SyntaxError(`line ${no}: scalar outside the subset: ${text}`);
  }
  return text;
}

/** The YAML between the opening `---` line and the next `---` line of a markdown file. */
export function frontMatter(markdown: string): string {
  if (!markdown.startsWith('---\n')) throw new SyntaxError('the card does not start with a --- line');
  const end = markdown.indexOf('\n---\n', 3);
  if (end < 0) throw new SyntaxError('the YAML header is not closed by a --- line');
  return markdown.slice(4, end + 1);
}
