/**
 * graphql-js quotes what the client sent in its input errors ("Int cannot represent non-integer
 * value: "972-80-1460"", "Syntax Error: Unexpected Name "Smith""): a client that put an SSN in the
 * wrong place gets it back, and its error logging stores it. These rewrite such messages to
 * name the variable, argument, field or type, never the value. A value may hold quotes or
 * semicolons, so each message is cut at what precedes the value, never parsed past it.
 */
const NAME = /^[$@]?[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)?$/;
const TYPE = /^\[*[_A-Za-z][_0-9A-Za-z]*!?(\]!?)*$/;

const RULES: [RegExp, (m: RegExpExecArray, message: string) => string][] = [
  [/^(Variable "\$[_A-Za-z][_0-9A-Za-z]*") got invalid value /, (m) => `${m[1]} got an invalid value.`],
  [/^(\[*[_A-Za-z][_0-9A-Za-z]*!?\]*!?) cannot represent /, (m) => `${m[1]} cannot represent this value.`],
  [/^(Enum "[_A-Za-z][_0-9A-Za-z]*") cannot represent /, (m) => `${m[1]} cannot represent this value.`],
  [/^(Expected value of type "[^"]*"), found /, (m) => `${m[1]}.`],
  [
    /^Value "/,
    (_m, message) => {
      const at = message.lastIndexOf(' does not exist in "');
      const rest = at < 0 ? '' : message.slice(at);
      return /^ does not exist in "[_A-Za-z][_0-9A-Za-z]*" enum\.?$/.test(rest)
        ? `The value${rest}`
        : 'The value is not allowed here.';
    },
  ],
  [/^(Syntax Error: [^":]*)/, (m) => `${(m[1] ?? '').trim().replace(/[,.]$/, '')}.`],
];

export function withoutValues(message: string): string {
  for (const [pattern, rewrite] of RULES) {
    const m = pattern.exec(message);
    if (m) return rewrite(m, message);
  }
  // Validation messages quote names (fields, arguments, types, variables); anything else quoted
  // is a value printed from the document.
  return message.replace(/"((?:[^"\\]|\\.)*)"/g, (all, inner: string) =>
    NAME.test(inner) || TYPE.test(inner) ? all : 'a value',
  );
}
