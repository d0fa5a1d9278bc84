/**
 * The `state` runner, `event` function only: watch the master's event bus and print matching
 * events as `<tag>\t<json>` lines (orchestration is not part of this runner yet).
 */
import { pyJsonDumps } from '../output/json.js';
import { pyTruthy } from '../output/python.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { pyReMatch } from '../targeting/pyregex.js';
import { EventClient } from '../events/client.js';
import { defineMasterFunction } from './_define.js';
import { busOptions } from './_bus.js';
import type { MasterModule } from './types.js';

/** Salt's `expr_match`: a glob match of the whole tag, else a regex matching all of it. */
export function exprMatch(line: string, expr: string): boolean {
  if (fnmatch(line, expr)) return true;
  try {
    return pyReMatch(`\\A${expr}\\Z`, line) !== null;
  } catch {
    return false;
  }
}

/** One printed event line: the tag, a tab, and the data as Python's json.dumps writes it. */
export function eventLine(tag: string, data: unknown, pretty: boolean): string {
  return `${tag}\t${pyJsonDumps(data, { sortKeys: pretty, indent: pretty ? 4 : null, ensureAscii: false })}`;
}

const state: MasterModule = {
  name: 'state',
  functions: {
    event: defineMasterFunction(
      {
        args: ['tagmatch', 'count', 'quiet', 'sock_dir', 'pretty', 'node'],
        defaults: { tagmatch: '*', count: -1, quiet: false, sock_dir: null, pretty: false, node: 'master' },
        doc: `
          Watch Salt's event bus and block until the given tag is matched

          This is useful for utilizing Salt's event bus from shell scripts or for
          taking simple actions directly from the CLI.

          Enable debug logging to see ignored events.

          :param tagmatch: the event is written to stdout for each tag that matches
              this glob or regular expression.
          :param count: this number is decremented for each event that matches the
              \`\`tagmatch\`\` parameter; pass \`\`-1\`\` to listen forever.
          :param quiet: do not print to stdout; just block
          :param sock_dir: path to the Salt master's event socket file.
          :param pretty: Output the JSON all on a single line if \`\`False\`\` (useful
              for shell tools); pretty-print the JSON output if \`\`True\`\`.
          :param node: Watch the minion-side or master-side event bus.

          CLI Examples:

          .. code-block:: bash

              # Reboot a minion and run highstate when it comes back online
              salt 'jerry' system.reboot && \\\\
                  salt-run state.event 'salt/minion/jerry/start' count=1 quiet=True && \\\\
                  salt 'jerry' state.highstate

              # Watch the event bus forever in a shell while-loop.
              salt-run state.event | while read -r tag data; do
                  echo $tag
                  echo $data | jq --color-output .
              done
        `,
      },
      async ({ tagmatch, count, quiet, sock_dir, pretty, node }, ctx) => {
        const role = node === 'minion' ? 'minion' : 'master';
        const client = new EventClient({ ...busOptions(ctx.opts, sock_dir ?? undefined), role, id: role === 'minion' ? String(ctx.opts.id) : undefined } as never);
        await client.connectPub();
        let left = Number(count);
        const pattern = String(tagmatch);
        try {
          client.subscribe('');
          for (;;) {
            const ev = await client.getEvent({});
            if (!ev) continue;
            if (!exprMatch(ev.tag, pattern)) {
              ctx.log.debug(`Skipping event tag: ${ev.tag}`);
              continue;
            }
            if (!pyTruthy(quiet)) ctx.print(`${eventLine(ev.tag, ev.data, pyTruthy(pretty))}\n`);
            if (left > 0) left -= 1;
            if (left === 0) break;
          }
        } finally {
          await client.close();
        }
        return null;
      },
    ),
  },
};

export default state;
