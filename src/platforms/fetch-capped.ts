import { FileUnavailable } from '../core/port.js';

/**
 * Downloads a file, refusing more than `maxBytes` (the declared length is checked first, then the
 * bytes as they arrive, so a lying or endless server cannot fill the memory).
 */
export async function readCapped(url: string, maxBytes: number, timeoutMs: number): Promise<{ bytes: Uint8Array; mimeType: string | null }> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    throw new FileUnavailable('unreachable', `download failed: ${(err as Error).name}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new FileUnavailable('unreachable', `download answered ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel().catch(() => undefined);
    throw new FileUnavailable('too_large', `${declared} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new FileUnavailable('too_large', `more than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof FileUnavailable) throw err;
    throw new FileUnavailable('unreachable', `download cut: ${(err as Error).name}`);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  const type = res.headers.get('content-type');
  return { bytes, mimeType: type ? type.split(';')[0]!.trim() : null };
}
