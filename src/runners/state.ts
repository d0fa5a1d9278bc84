/**
 * The `state` runner: `event` (watch the master's event bus and print matching events as
 * `<tag>\t<json>` lines) and orchestration (`orchestrate`/`orch`/`sls`, `orchestrate_single`,
 * `orchestrate_high`, implemented in src/orchestrate/).
 */
import { pyJsonDumps } from '../output/json.js';
import { pyTruthy } from '../output/python.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { pyReMatch } from '../targeting/pyregex.js';
import { EventClient } from '../events/client.js';
import { defineMasterFunction } from './_define.js';
import { busOptions } from './_bus.js';
import type { MasterFunction, MasterModule } from './types.js';

/** Salt's `expr_match`: a glob match of the whole tag, else a regex matching all of it. */
export function exprMatch(line: string, expr: string): boolean {
  if (fnmatch(line, expr)) return true;
  try {
    return pyReMatch(`\\A${expr}\\Z`, line) !== null;
  } catch {
    return false;
  }
}

/** Salt's `clean_kwargs`: keyword arguments without the `__pub_*` and other dunder keys. */
function cleanKwargs(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).filter(([k]) => !k.startsWith('__')));
}

/** One printed event line: the tag, a tab, and the data as Python's json.dumps writes it. */
export function eventLine(tag: string, data: unknown, pretty: boolean): string {
  return `${tag}\t${pyJsonDumps(data, { sortKeys: pretty, indent: pretty ? 4 : null, ensureAscii: false })}`;
}

const ORCHESTRATE_DOC = `
    Execute a state run from the master, used as a powerful orchestration
    system.

    .. seealso:: More Orchestrate documentation

        * :ref:\`Full Orchestrate Tutorial <orchestrate-runner>\`
        * :py:mod:\`Docs for the master-side state module <salt.states.saltmod>\`

    CLI Examples:

    .. code-block:: bash

        salt-run state.orchestrate webserver
        salt-run state.orchestrate webserver saltenv=dev test=True
        salt-run state.orchestrate webserver saltenv=dev pillarenv=aws
`;

/** `state.orchestrate` and its aliases `orch` and `sls`. */
function orchestrateFunction(): MasterFunction {
  return defineMasterFunction(
    {
      args: ['mods', 'saltenv', 'test', 'exclude', 'pillar', 'pillarenv', 'pillar_enc', 'orchestration_jid'],
      defaults: { saltenv: 'base', test: null, exclude: null, pillar: null, pillarenv: null, pillar_enc: null, orchestration_jid: null },
      doc: ORCHESTRATE_DOC,
    },
    async ({ mods, saltenv, test, exclude, pillar, pillarenv, orchestration_jid }, ctx) => {
      const { orchestrate } = await import('../orchestrate/orchestrate.js');
      return orchestrate(ctx.opts, {
        mods,
        saltenv: saltenv === null || saltenv === undefined ? null : String(saltenv),
        test: test === null || test === undefined ? null : pyTruthy(test),
        exclude,
        pillar,
        pillarenv: pillarenv === null || pillarenv === undefined ? null : String(pillarenv),
        orchestrationJid: typeof orchestration_jid === 'string' ? orchestration_jid : null,
        user: ctx.user,
        log: ctx.log,
      });
    },
  );
}

const state: MasterModule = {
  name: 'state',
  functions: {
    orchestrate: orchestrateFunction(),
    orch: orchestrateFunction(),
    sls: orchestrateFunction(),
    orchestrate_single: defineMasterFunction(
      {
        args: ['fun', 'name', 'test', 'queue', 'pillar'],
        defaults: { test: null, queue: false, pillar: null },
        kwargs: true,
        doc: `
          Execute a single state orchestration routine

          .. versionadded:: 2015.5.0

          CLI Example:

          .. code-block:: bash

              salt-run state.orchestrate_single fun=salt.wheel name=key.list_all
        `,
      },
      async ({ fun, name, test, pillar }, ctx, { kwargs }) => {
        const { orchestrateSingle } = await import('../orchestrate/orchestrate.js');
        const ret = await orchestrateSingle(ctx.opts, String(fun), name, cleanKwargs(kwargs), {
          test: test === null || test === undefined ? null : pyTruthy(test),
          pillar,
          user: ctx.user,
          log: ctx.log,
        });
        await ctx.fireJobEvent({ data: ret, outputter: 'highstate' }, 'progress');
        return ret;
      },
    ),
    orchestrate_high: defineMasterFunction(
      {
        args: ['data', 'test', 'queue', 'pillar'],
        defaults: { test: null, queue: false, pillar: null },
        kwargs: true,
        doc: `
          Execute a single state orchestration routine

          .. versionadded:: 2015.5.0

          CLI Example:

          .. code-block:: bash

              salt-run state.orchestrate_high '{
                  stage_one:
                      {salt.state: [{tgt: "db*"}, {sls: postgres_setup}]},
                  stage_two:
                      {salt.state: [{tgt: "web*"}, {sls: apache_setup}, {
                          require: [{salt: stage_one}],
                      }]},
                  }'
        `,
      },
      async ({ data, test, pillar }, ctx) => {
        const { orchestrateHigh } = await import('../orchestrate/orchestrate.js');
        const ret = await orchestrateHigh(ctx.opts, data, {
          test: test === null || test === undefined ? null : pyTruthy(test),
          pillar,
          user: ctx.user,
          log: ctx.log,
        });
        await ctx.fireJobEvent({ data: ret, outputter: 'highstate' }, 'progress');
        return ret;
      },
    ),
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
