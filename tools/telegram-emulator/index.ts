/**
 * The Telegram Bot API emulator: the server (bot-api-emulator.ts) with its control API over HTTP
 * (control-http.ts) mounted. Tests and the demo import from here.
 */
import { BotApiEmulator, type BotApiEmulatorOptions } from './bot-api-emulator.js';
import { handleControlRequest } from './control-http.js';

export * from './bot-api-emulator.js';

/** Starts an emulator listening on `opts.port` (default: a random free port on 127.0.0.1). */
export async function startBotApiEmulator(opts: BotApiEmulatorOptions = {}): Promise<BotApiEmulator> {
  const emu = new BotApiEmulator(opts);
  emu.control = (req, res, url) => handleControlRequest(emu, req, res, url);
  return emu.listen();
}
