/** Error text helpers of the engine set-up: messages of unknown throws, "module not found", first sentences. */

export function errMessage(e: unknown): string {
  return e instanceof Error
    ? e.message
    : typeof e === 'object' && e !== null && 'message' in e
      ? String(e.message)
      : String(e);
}

export function isNotFound(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  const msg = errMessage(e);
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (module|package)|Failed to load url|Failed to resolve|Could not resolve/.test(msg)
  );
}

export function isNotFoundMessage(e: unknown): boolean {
  return /which is not installed/.test(errMessage(e));
}

export function firstSentence(s: string): string {
  const i = s.indexOf('. ');
  return i < 0 ? s : s.slice(0, i);
}
