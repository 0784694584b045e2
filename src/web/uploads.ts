/**
 * Files a department attaches to a written answer on the web desk: official letters (PDF, Word)
 * and images. The kind is read from the bytes, never from the name or the browser's claim, so a
 * file that only pretends to be a PDF is refused, and what is kept is labelled truthfully.
 */

export class UploadRefused extends Error {
  constructor(
    readonly key: string,
    readonly args: Record<string, string | number> = {},
  ) {
    super(key);
    this.name = 'UploadRefused';
  }
}

interface Kind {
  mimeType: string;
  type: 'photo' | 'document';
  extensions: readonly string[];
  matches: (b: Buffer) => boolean;
}

const starts = (b: Buffer, bytes: readonly number[]) => bytes.every((x, i) => b[i] === x);

const KINDS: readonly Kind[] = [
  { mimeType: 'application/pdf', type: 'document', extensions: ['pdf'], matches: (b) => starts(b, [0x25, 0x50, 0x44, 0x46, 0x2d]) },
  {
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    type: 'document',
    extensions: ['docx'],
    // A .docx is a ZIP whose parts name the Word document.
    matches: (b) => starts(b, [0x50, 0x4b, 0x03, 0x04]) && b.includes('word/'),
  },
  { mimeType: 'application/msword', type: 'document', extensions: ['doc'], matches: (b) => starts(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) },
  { mimeType: 'image/jpeg', type: 'photo', extensions: ['jpg', 'jpeg'], matches: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  { mimeType: 'image/png', type: 'photo', extensions: ['png'], matches: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
];

/** A file name safe to keep and show: no path, no control characters, at most 120 characters. */
export function cleanFileName(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return (clean || fallback).slice(0, 120);
}

/** Checks one uploaded file; throws UploadRefused with the message to show. */
export function detectUpload(data: Buffer, fileName: string, maxBytes: number): { data: Buffer; fileName: string; mimeType: string; type: 'photo' | 'document' } {
  const name = cleanFileName(fileName, 'tep');
  if (data.byteLength === 0) throw new UploadRefused('web-upload-empty', { name });
  if (data.byteLength > maxBytes) throw new UploadRefused('web-upload-too-large', { name, mb: Math.floor(maxBytes / (1024 * 1024)) });
  const kind = KINDS.find((k) => k.matches(data));
  if (!kind) throw new UploadRefused('web-upload-type', { name });
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]?.toLowerCase();
  const finalName = ext && kind.extensions.includes(ext) ? name : `${name}.${kind.extensions[0]}`;
  return { data, fileName: finalName, mimeType: kind.mimeType, type: kind.type };
}
