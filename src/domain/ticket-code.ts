/** Ticket codes: `<prefix>-<number>`, zero-padded to at least four digits (docs/contract.md). */
export function formatTicketCode(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(4, '0')}`;
}

/** Accepts `hy-12`, `HY-0012`, `#HY-0012` or a bare `12`; returns the number or null. */
export function parseTicketCode(input: string, prefix: string): number | null {
  const s = input.trim().replace(/^#/, '');
  const m = new RegExp(`^(?:${prefix}-?)?(\\d{1,9})$`, 'i').exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? n : null;
}
