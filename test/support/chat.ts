import type { EmulatorMessage } from '../../tools/telegram-emulator/index.js';

/** The callback data of the first inline button whose data starts with `prefix`. */
export function buttonData(m: EmulatorMessage, prefix: string): string {
  const rows = (m.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
  const found = rows.flat().find((b) => b.callback_data?.startsWith(prefix));
  if (!found?.callback_data) throw new Error(`no button ${prefix} in ${JSON.stringify(rows)}`);
  return found.callback_data;
}
