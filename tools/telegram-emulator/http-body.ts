/**
 * Request parsing for the emulator: Bot API parameters arrive as a JSON body, a urlencoded form,
 * GET query parameters or multipart/form-data (how grammY uploads an `InputFile`). Form and query
 * values are strings, so the fields Telegram expects as JSON (reply_markup, entities, …) are parsed
 * here, as the real server does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface UploadedPart {
  /** The multipart field name. */
  name: string;
  filename: string;
  contentType?: string;
  bytes: Buffer;
}

export interface ParsedRequest {
  params: Record<string, unknown>;
  /** File parts by field name (grammY names them by a random id and refers to them as `attach://<id>`). */
  files: Map<string, UploadedPart>;
}

export class BodyError extends Error {}

const JSON_FIELDS = new Set([
  'reply_markup', 'entities', 'caption_entities', 'reply_parameters', 'allowed_updates', 'commands',
  'scope', 'menu_button', 'link_preview_options', 'media', 'results', 'permissions', 'message_ids',
]);

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limitBytes) throw new BodyError('Request Entity Too Large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function decodeFormValue(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function fromSearchParams(search: URLSearchParams, into: Record<string, unknown>): void {
  for (const [key, value] of search) into[key] = decodeFormValue(key, value);
}

function headerParam(header: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;]*))`, 'i');
  const m = re.exec(header);
  if (!m) return undefined;
  return (m[1] ?? m[2] ?? '').trim();
}

/** Splits a multipart body; tolerant of grammY's compact headers (`content-disposition:form-data;name="x"`, unquoted filenames). */
export function parseMultipart(body: Buffer, boundary: string): { fields: Map<string, string>; files: UploadedPart[] } {
  const fields = new Map<string, string>();
  const files: UploadedPart[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos === -1) throw new BodyError('multipart boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--"
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const next = body.indexOf(delimiter, pos);
    if (next === -1) throw new BodyError('unterminated multipart body');
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    const part = body.subarray(pos, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw new BodyError('multipart part without headers');
    const headers = new Map<string, string>();
    for (const line of part.subarray(0, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const content = part.subarray(headerEnd + 4);
    const disposition = headers.get('content-disposition') ?? '';
    const name = headerParam(disposition, 'name');
    if (name !== undefined) {
      const starName = headerParam(disposition, 'filename\\*');
      const filename =
        starName !== undefined ? decodeURIComponent(starName.replace(/^[^']*'[^']*'/, '')) : headerParam(disposition, 'filename');
      if (filename !== undefined) {
        const contentType = headers.get('content-type');
        files.push({ name, filename, bytes: Buffer.from(content), ...(contentType ? { contentType } : {}) });
      } else {
        fields.set(name, content.toString('utf8'));
      }
    }
    pos = next;
  }
  return { fields, files };
}

/** Parameters of one Bot API request, from its query string and body, whatever the encoding. */
export function parseApiRequest(req: IncomingMessage, url: URL, body: Buffer): ParsedRequest {
  const params: Record<string, unknown> = {};
  const files = new Map<string, UploadedPart>();
  fromSearchParams(url.searchParams, params);
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (body.length === 0) return { params, files };
  if (contentType.startsWith('application/json') || (!contentType && /^\s*\{/.test(body.toString('utf8', 0, 16)))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BodyError("Bad Request: can't parse JSON");
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new BodyError('Bad Request: request body must be a JSON object');
    }
    Object.assign(params, parsed);
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    fromSearchParams(new URLSearchParams(body.toString('utf8')), params);
  } else if (contentType.startsWith('multipart/form-data')) {
    const boundary = headerParam(req.headers['content-type'] ?? '', 'boundary');
    if (!boundary) throw new BodyError('Bad Request: multipart boundary missing');
    const parsed = parseMultipart(body, boundary);
    for (const [key, value] of parsed.fields) params[key] = decodeFormValue(key, value);
    for (const file of parsed.files) files.set(file.name, file);
  }
  return { params, files };
}

export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}
