import type { Scope } from './scope.js';
import { showHelp } from './features/help.js';
import { sendCentralReport, sendDigestNow, sendExport, sendOverdueList } from './features/leaders.js';
import { createLinkCode, LINK_CODE_PATTERN, linkChat, redeemLinkCode } from './features/link.js';
import { fileReport } from './features/report.js';
import { sendWebLink } from './features/web.js';
import * as tickets from './features/tickets.js';
import { foldVietnamese } from '../domain/fold.js';

export type CommandHandler = (scope: Scope, args: string) => Promise<void>;

/**
 * The chat commands of docs/contract.md, by command word: the one table every platform dispatches
 * through (core/inbound.ts). Slash commands a platform parsed are looked up here; on channels
 * without slash commands the same words typed without it go through routeTextCommand.
 */
export const COMMANDS: Record<string, CommandHandler> = {
  start: showHelp,
  help: showHelp,
  trogiup: showHelp,
  lienket: linkChat,
  taoma: createLinkCode,
  baocao: fileReport,
  tonghop: sendDigestNow,
  quahan: sendOverdueList,
  xuatexcel: sendExport,
  baocaotw: sendCentralReport,
  nhan: tickets.claimCommand,
  chuyen: tickets.assignCommand,
  traloi: tickets.answerCommand,
  tralai: tickets.returnCommand,
  giahan: tickets.extensionCommand,
  xong: tickets.confirmCommand,
  molai: tickets.reopenCommand,
  ghichu: tickets.noteCommand,
  tuchoi: tickets.rejectCommand,
  gop: tickets.mergeCommand,
  mucdo: tickets.priorityCommand,
  kientw: tickets.centralCommand,
  phieu: tickets.statusCommand,
  ds: (scope) => tickets.listCommand(scope),
  linhvuc: tickets.categoryCommand,
  truongso: tickets.departmentHeadCommand,
  truongnhom: (scope) => tickets.supportLeadCommand(scope),
  web: (scope) => sendWebLink(scope),
};

/** Dispatches a text message that is a command (with or without slash); true if it was one. */
export async function routeTextCommand(scope: Scope, text: string, opts: { slashOptional: boolean }): Promise<boolean> {
  const m = /^\s*(\/?)([A-Za-zÀ-ỹĐđ]+)(?:@\w+)?(?:\s+([\s\S]*))?$/u.exec(text);
  if (!m) return false;
  const [, slash, word = '', args = ''] = m;
  if (!slash && !opts.slashOptional) {
    // `lienket <code>` works without a slash everywhere (docs/contract.md).
    if (foldVietnamese(word) === 'lienket' && LINK_CODE_PATTERN.test(args.trim().toUpperCase())) {
      await redeemLinkCode(scope, args.trim().toUpperCase());
      return true;
    }
    return false;
  }
  const handler = COMMANDS[foldVietnamese(word)];
  if (!handler) return false;
  await handler(scope, args.trim());
  return true;
}
