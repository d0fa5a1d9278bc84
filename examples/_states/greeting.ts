/**
 * A custom state module, written in TypeScript. Put it in the file server's `_states`
 * directory, run `saltutil.sync_states` (or `sync_all`), then use it from an SLS file:
 *
 *   /tmp/hello.txt:
 *     greeting.present:
 *       - text: Hello, world!
 */
import { readFile, writeFile } from 'node:fs/promises';
import { defineState, type StateRet } from 'salt-ts';

const greeting = {
  name: 'greeting',
  functions: {
    present: defineState(
      {
        args: ['name', 'text'],
        defaults: { text: 'Hello!' },
        doc: `
          Make sure the file \`name\` holds exactly \`text\` (test=True only reports).
        `,
      },
      async ({ name, text }, ctx): Promise<StateRet> => {
        const ret: StateRet = { name, changes: {}, result: true, comment: '' };
        const path = String(name);
        const current = await readFile(path, 'utf8').catch(() => null);
        if (current === text) {
          ret.comment = `${String(name)} already greets`;
          return ret;
        }
        if (ctx.test) {
          ret.result = null;
          ret.comment = `${String(name)} would be written`;
          ret.changes = { text };
          return ret;
        }
        await writeFile(path, String(text));
        ret.changes = { old: current, new: text };
        ret.comment = `Wrote ${String(name)}`;
        return ret;
      },
    ),
  },
};

export default greeting;
