/**
 * Whether retrying can fix a failure, decided once for the whole process. Retryable means the
 * database (or Redis) is unreachable, overloaded, timed out or lost a race: the same work can succeed
 * later. Everything else — a constraint the data breaks, a value the store cannot hold, a bug hit by
 * odd input — fails the same way every time, and retrying only holds up the work behind it.
 */
export type FailureKind = 'retryable' | 'permanent';

/** Prisma codes for "could not reach / timed out / conflicted", not "the data is wrong". */
const RETRYABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);

/** Driver adapter error kinds (@prisma/driver-adapter-utils) that say the database is unavailable. */
const RETRYABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
  'ConnectionClosed',
  'TlsConnectionError',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
  'TransactionAlreadyClosed',
]);

/**
 * SQLSTATEs of a server that is unavailable or busy: connection exceptions (08), serialization
 * failure and deadlock, insufficient resources (53), statement timeout and shutdowns (57),
 * lock not available, system errors (58).
 */
function retryableSqlState(code: string): boolean {
  return /^(08|53|58)/.test(code) || /^57(014|P0[1-5])$/.test(code) || code === '40001' || code === '40P01' || code === '55P03';
}

const RETRYABLE_SYSTEM_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** Messages of the pg driver and ioredis when a connection failed or was cut. */
const RETRYABLE_MESSAGE = /connection terminated|timeout exceeded when trying to connect|connection is closed|client has encountered a connection error|stream isn't writeable|reached the max retries per request/i;

const RETRYABLE_ERROR_NAMES = new Set(['PrismaClientInitializationError', 'PrismaClientRustPanicError', 'MaxRetriesPerRequestError']);

interface Inspectable {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown; code?: unknown } } };
  error?: unknown;
  cause?: unknown;
}

/**
 * A statement prepared (db/direct-sql.ts) before a migration changed the columns it returns
 * (`SELECT *` of an altered table): PostgreSQL refuses to run it again under that name. It is
 * prepared afresh under a new one, so the work that met it is retried.
 */
export function isStalePreparedStatement(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan must not change result type');
}

/** Classifies an error, looking through wrappers (grammY's BotError, `cause` chains). */
export function classifyFailure(err: unknown): FailureKind {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const e = current as Inspectable;
    if (typeof e.name === 'string' && RETRYABLE_ERROR_NAMES.has(e.name)) return 'retryable';
    if (typeof e.code === 'string' && (RETRYABLE_PRISMA_CODES.has(e.code) || RETRYABLE_SYSTEM_CODES.has(e.code))) return 'retryable';
    const adapter = e.meta?.driverAdapterError?.cause;
    if (adapter) {
      if (typeof adapter.kind === 'string' && RETRYABLE_ADAPTER_KINDS.has(adapter.kind)) return 'retryable';
      const state = adapter.originalCode ?? adapter.code;
      if (typeof state === 'string' && retryableSqlState(state)) return 'retryable';
    }
    // A pg DatabaseError carries its SQLSTATE in `code` directly (outside Prisma).
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && retryableSqlState(e.code)) return 'retryable';
    if (typeof e.message === 'string' && RETRYABLE_MESSAGE.test(e.message)) return 'retryable';
    if (isStalePreparedStatement(e)) return 'retryable';
    current = e.error ?? e.cause;
  }
  return 'permanent';
}

/**
 * A short description for logs and the inbox row: the error's class and codes. Prisma's messages
 * can quote the values of a query, so only other errors add the first line of their message.
 */
export function describeFailure(err: unknown): string {
  const inner = (err as { error?: unknown } | null)?.error ?? err;
  if (typeof inner !== 'object' || inner === null) return String(inner).slice(0, 200);
  const e = inner as Inspectable & { severity?: unknown; constraint?: unknown };
  // The pg driver's own error (raw SQL sent directly, db/direct-sql.ts): its message can quote
  // input values too, so the SQLSTATE and the constraint's name stand for it.
  if (typeof e.severity === 'string' && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    return `DatabaseError (${e.code})${typeof e.constraint === 'string' ? ` ${e.constraint}` : ''}`;
  }
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const adapter = e.meta?.driverAdapterError?.cause;
  const state = adapter ? (adapter.originalCode ?? adapter.kind) : undefined;
  const parts = [name];
  if (typeof e.code === 'string') parts.push(e.code);
  if (typeof state === 'string') parts.push(`(${state})`);
  if (!name.startsWith('Prisma') && typeof e.message === 'string') parts.push(`: ${e.message.split('\n')[0]!.slice(0, 200)}`);
  return parts.join(' ').replace(' :', ':');
}
