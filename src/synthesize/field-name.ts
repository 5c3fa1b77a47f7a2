/**
 * Words that cannot name a parameter in Python or JavaScript: an adapter that binds `submit`'s
 * answer fields as keyword arguments fails to compile on them (`from`), so no field is named so.
 */
const RESERVED = new Set([
  // Python keywords and soft keywords.
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield', 'self',
  // JavaScript reserved words.
  'arguments', 'case', 'catch', 'const', 'debugger', 'default', 'delete', 'do', 'enum', 'eval', 'export', 'extends', 'false', 'function',
  'implements', 'instanceof', 'interface', 'let', 'new', 'null', 'package', 'private', 'protected', 'public', 'static', 'super', 'switch',
  'this', 'throw', 'true', 'typeof', 'var', 'void',
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a name can be an answer field: an identifier in Python and JavaScript, and no reserved word in either. */
export function isAnswerFieldName(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

/** An output key made an answer field name: other characters become `_`, a reserved word gets a trailing `_` (`from_`). */
export function answerFieldName(key: string): string {
  const name = key.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_') || 'value';
  return RESERVED.has(name) ? `${name}_` : name;
}
