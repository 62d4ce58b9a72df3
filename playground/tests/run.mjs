// Runs the browser tests (and the translation checks): node playground/tests/run.mjs [FILTER]
// Needs playground/dist (build.sh), Chromium (/usr/bin/chromium or $CHROMIUM) and, for the
// agreement test, the release `starling` command ($STARLING or target/release/starling).
import { run } from './harness.mjs';
import './i18n.test.mjs';
import './page.test.mjs';
import './workbench.test.mjs';
import './player.test.mjs';
import './agreement.test.mjs';
import './bench.test.mjs';
import './sprites.test.mjs';
import './files.test.mjs';
import './sound.test.mjs';

const ok = await run({ filter: process.argv[2] });
process.exit(ok ? 0 : 1);
