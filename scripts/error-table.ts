import { ERRORS, httpStatus, type ErrorCode } from '../gateway/src/errors';

/** The error table of docs/errors.md, generated from gateway/src/errors.ts (a unit test keeps them equal). */
export function renderErrorTable(): string {
  const rows = (Object.keys(ERRORS) as ErrorCode[]).map((code) => {
    const status = httpStatus(code);
    const http = status === undefined ? '200 (partial result)' : String(status);
    return `| \`${code}\` | ${http} | ${ERRORS[code].message} | ${ERRORS[code].source} |`;
  });
  return ['| Code | HTTP | Message | Raised by |', '|---|---|---|---|', ...rows].join('\n');
}

if (require.main === module) process.stdout.write(`${renderErrorTable()}\n`);
