/**
 * The `pillar` runner, `show_pillar`: compiles a minion's pillar on the master from its cached
 * grains (`cachedir/minions/<id>/data.p`), or the pillar every minion gets for `*`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unpackBin } from '../protocol/binpack.js';
import { compilePillar } from '../pillar/index.js';
import { validMinionId } from '../jobs/minion_id.js';
import { defineMasterFunction } from './_define.js';
import type { MasterModule } from './types.js';

async function cachedGrains(cachedir: string, id: string): Promise<Record<string, unknown>> {
  try {
    const data = unpackBin(await readFile(join(cachedir, 'minions', id, 'data.p'))) as { grains?: Record<string, unknown> };
    return data.grains ?? {};
  } catch {
    return {};
  }
}

const pillar: MasterModule = {
  name: 'pillar',
  functions: {
    show_pillar: defineMasterFunction(
      {
        args: ['minion', 'saltenv', 'pillarenv'],
        defaults: { minion: '*', saltenv: null, pillarenv: null },
        kwargs: true,
        doc: `
          Returns the compiled pillar either of a specific minion
          or just the global available pillars. This function assumes
          that no minion has the id \`\`*\`\`.

          CLI Example:

          shows minion specific pillar:

          .. code-block:: bash

              salt-run pillar.show_pillar 'www.example.com'

          shows global pillar:

          .. code-block:: bash

              salt-run pillar.show_pillar
        `,
      },
      async (p, ctx) => {
        const id = String(p.minion ?? '*');
        const grains = id !== '*' && validMinionId(id) ? await cachedGrains(String(ctx.opts.cachedir), id) : {};
        const { pillar } = await compilePillar({
          id,
          grains: { ...grains, id },
          saltenv: typeof p.saltenv === 'string' ? p.saltenv : null,
          pillarenv: typeof p.pillarenv === 'string' ? p.pillarenv : null,
          pillarOverride: {},
          opts: ctx.opts,
        });
        return pillar;
      },
    ),
  },
};

export default pillar;
