/**
 * Follows each report the benchmark posted to its two outcomes: the ticket row committed (from
 * the database's notification) and the receipt at the Bot API (the sendMessage to the report's
 * chat that names the new code, replying to the report; when a receipt names no reply target, the
 * chat's earliest report still waiting for one). A message naming several new codes (the receipts
 * of a chat's reports that waited together) is the receipt of each report whose code it names.
 */
import { performance } from 'node:perf_hooks';
import { codesIn, firstCode } from './codes.js';
import type { CommittedTicket } from './database.js';
import type { RecordedCall } from './recording-api.js';

export interface TrackedReport {
  phase: string;
  chatId: string;
  messageId: number;
  /** performance.now() when the webhook POST started. */
  postedAt: number;
  /** Final webhook status (after resends), and how many deliveries failed first. */
  status: number | null;
  failures: number;
  committedAt: number | null;
  ackAt: number | null;
  code: string | null;
}

const key = (chatId: string, messageId: number | string) => `${chatId}:${messageId}`;

export class ReportTracker {
  readonly reports: TrackedReport[] = [];
  private readonly byKey = new Map<string, TrackedReport>();
  private readonly waitingAck = new Map<string, TrackedReport[]>();
  /** Committed tickets whose chat row was not known yet. */
  private orphans: CommittedTicket[] = [];
  /** Receipts that came for no tracked report (the chat was not a report's chat). */
  unmatchedReceipts = 0;

  constructor(private chatOfRow: Map<string, string>) {}

  add(phase: string, chatId: string, messageId: number): TrackedReport {
    const r: TrackedReport = { phase, chatId, messageId, postedAt: performance.now(), status: null, failures: 0, committedAt: null, ackAt: null, code: null };
    this.reports.push(r);
    this.byKey.set(key(chatId, messageId), r);
    let list = this.waitingAck.get(chatId);
    if (!list) this.waitingAck.set(chatId, (list = []));
    list.push(r);
    return r;
  }

  /** Codes named by a receipt of several before their tickets' commits were seen: code → when. */
  private receiptBeforeCommit = new Map<string, { chatId: string; t: number }>();

  /** Feed every Bot API call here. */
  onCall(call: RecordedCall): void {
    if (call.method !== 'sendMessage' || call.chatId === null) return;
    const list = this.waitingAck.get(call.chatId);
    if (!list || list.length === 0) return;
    const code = firstCode(call.text);
    if (!code) return;
    const named = codesIn(call.text);
    if (named.size > 1) {
      for (const c of named) {
        const r = list.find((x) => x.ackAt === null && x.code === c);
        if (r) this.acked(list, r, call.t, c);
        else this.receiptBeforeCommit.set(c, { chatId: call.chatId, t: call.t });
      }
      return;
    }
    let r: TrackedReport | undefined;
    if (call.replyTo !== null) {
      const byReply = this.byKey.get(key(call.chatId, call.replyTo));
      if (byReply && byReply.ackAt === null) r = byReply;
    } else {
      r = list.find((x) => x.ackAt === null && x.postedAt <= call.t);
    }
    if (!r) {
      this.unmatchedReceipts++;
      return;
    }
    this.acked(list, r, call.t, code);
  }

  private acked(list: TrackedReport[], r: TrackedReport, t: number, code: string): void {
    r.ackAt = t;
    r.code ??= code;
    list.splice(list.indexOf(r), 1);
  }

  /** Feed every committed ticket here. */
  onTicket(t: CommittedTicket): void {
    const chat = t.chatRowId ? this.chatOfRow.get(t.chatRowId) : undefined;
    if (!chat) {
      this.orphans.push(t);
      return;
    }
    const r = t.messageId ? this.byKey.get(key(chat, t.messageId)) : undefined;
    if (!r) return;
    // A second ticket for one report is a duplicate: the first commit is the one measured.
    if (r.committedAt === null) {
      r.committedAt = t.t;
      r.code ??= t.code;
    }
    const early = t.code ? this.receiptBeforeCommit.get(t.code) : undefined;
    if (t.code && early && early.chatId === chat && r.ackAt === null) {
      this.receiptBeforeCommit.delete(t.code);
      const list = this.waitingAck.get(chat);
      if (list) this.acked(list, r, early.t, t.code);
    }
  }

  /** Gives the chat map again (after new chats appeared) and settles the tickets that waited for it. */
  updateChats(chatOfRow: Map<string, string>): void {
    this.chatOfRow = chatOfRow;
    const waiting = this.orphans;
    this.orphans = [];
    for (const t of waiting) this.onTicket(t);
  }

  get orphanCount(): number {
    return this.orphans.length;
  }

  of(phase: string): TrackedReport[] {
    return this.reports.filter((r) => r.phase === phase);
  }
}

/** Polls `done` every 100 ms until it is true or `timeoutMs` passed; returns whether it became true. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
