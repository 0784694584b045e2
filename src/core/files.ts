import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Db, Tx } from '../db/client.js';
import type { StoredFile } from '../generated/prisma/client.js';
import type { AttachmentRef, FetchedFile } from './port.js';

/**
 * Files that cross platforms: a file id means nothing on another platform, so the bytes are
 * fetched once from the platform that holds them, kept (size-capped) as a StoredFile, and given to
 * the other platform as an upload, or as a signed URL on PUBLIC_URL where it only takes URLs.
 */

/** The stored copy of an attachment's bytes, fetching them from its platform the first time. */
export async function ensureStoredFile(db: Db | Tx, ref: AttachmentRef, fetch: (ref: AttachmentRef) => Promise<FetchedFile>): Promise<StoredFile> {
  if (ref.storedFileId) {
    const kept = await db.storedFile.findUnique({ where: { id: ref.storedFileId } });
    if (kept) return kept;
  }
  if (ref.attachmentId) {
    const row = await db.attachment.findUnique({ where: { id: ref.attachmentId }, include: { storedFile: true } });
    if (row?.storedFile) return row.storedFile;
  }
  const got = await fetch(ref);
  const file = await storeFile(db, got);
  if (ref.attachmentId) await db.attachment.update({ where: { id: ref.attachmentId }, data: { storedFileId: file.id } });
  return file;
}

/** Keeps a file's bytes (the same bytes twice are kept once). */
export async function storeFile(db: Db | Tx, got: FetchedFile): Promise<StoredFile> {
  const sha256 = createHash('sha256').update(got.data).digest('hex');
  const same = await db.storedFile.findFirst({ where: { sha256, size: got.data.byteLength } });
  if (same) return same;
  return db.storedFile.create({ data: { sha256, size: got.data.byteLength, mimeType: got.mimeType, fileName: got.fileName.slice(0, 200), data: Buffer.from(got.data) } });
}

/** Signs file URLs so only links the bot handed out open a file (no listing, no guessing). */
export class FileLinks {
  constructor(
    private readonly publicUrl: string | undefined,
    private readonly key: Buffer,
  ) {}

  /** Derives the signing key from secrets every replica shares (bot tokens and the database's identity). */
  static fromSecrets(publicUrl: string | undefined, secrets: readonly (string | undefined)[], database: number): FileLinks {
    const key = createHash('sha256').update(`thaogo-files\n${secrets.filter(Boolean).join('\n')}\n${database}`).digest();
    return new FileLinks(publicUrl, key);
  }

  get enabled(): boolean {
    return this.publicUrl !== undefined;
  }

  signature(fileId: string): string {
    return createHmac('sha256', this.key).update(fileId).digest('base64url').slice(0, 32);
  }

  verify(fileId: string, signature: string): boolean {
    const want = Buffer.from(this.signature(fileId));
    const got = Buffer.from(signature);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  /** The public URL of a stored file, or null without PUBLIC_URL. */
  url(file: Pick<StoredFile, 'id' | 'fileName'>): string | null {
    if (!this.publicUrl) return null;
    const name = encodeURIComponent(file.fileName.replace(/[^\w.\-]+/g, '_') || 'tep');
    return `${this.publicUrl}/files/${file.id}/${this.signature(file.id)}/${name}`;
  }
}
