/**
 * The Zalo Bot API emulator: the server (zalo-emulator.ts) with its control API over HTTP
 * (control-http.ts) mounted here, so neither file imports the other at run time.
 */
import { handleZaloControlRequest } from './control-http.js';
import { ZaloEmulator } from './zalo-emulator.js';
import type { ZaloEmulatorOptions } from './types.js';

export * from './zalo-emulator.js';

/** Starts an emulator listening on `opts.port` (default: a free port on 127.0.0.1). */
export async function startZaloEmulator(opts: ZaloEmulatorOptions = {}): Promise<ZaloEmulator> {
  const emu = new ZaloEmulator(opts);
  emu.control = (req, res, url) => handleZaloControlRequest(emu, req, res, url);
  return emu.listen();
}
