/**
 * npm run demo — the whole bot offline: a Bot API emulator with a web chat page on 127.0.0.1
 * (DEMO_PORT, default 8080) and the real app against it. Needs Redis; PostgreSQL is embedded
 * unless DATABASE_URL is set. Ctrl+C stops the app, then the emulator.
 */
import { ConfigError } from '../src/config.js';
import { DemoSetupError, describeDemo, startDemo, type RunningDemo } from '../tools/demo/demo.js';
import { SettingsError } from '../src/settings.js';

const STOP_CAP_MS = 25_000;

async function main(): Promise<void> {
  let demo: RunningDemo;
  try {
    console.log('Đang khởi động bản demo… / Starting the demo…');
    demo = await startDemo();
  } catch (err) {
    if (err instanceof DemoSetupError || err instanceof ConfigError || err instanceof SettingsError) {
      console.error(`\n${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  console.log(describeDemo(demo));

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error('Buộc dừng / forced stop');
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: đang dừng ứng dụng rồi trình giả lập… / stopping the app, then the emulator…`);
    const cap = setTimeout(() => {
      console.error('Dừng quá lâu, thoát. / Stopping took too long; exiting.');
      process.exit(1);
    }, STOP_CAP_MS);
    cap.unref();
    demo.stop().then(
      () => {
        console.log('Đã dừng. / Stopped.');
        process.exit(0);
      },
      (err: Error) => {
        console.error(`Dừng lỗi / stop failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
