/** Replays the real-Salt cases of output/key.json: the outputter's text must match byte for byte. */
import { replayOutputCases } from './_replay.js';

// Excluded: the real `salt-key` CLI runs (input.cli: salt-key-cli-l, salt-key-cli-l-color,
// salt-key-cli-l-json). They exercise the salt-key program (pki dir, flags), not this outputter,
// and are replayed by that program's tests.
replayOutputCases('key.json', (c) =>
  c.input.cli ? `real salt-key CLI run (${c.input.cli.join(' ')}): belongs to the salt-key program tests` : undefined,
);
