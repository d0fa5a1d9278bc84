/**
 * Salt's `event` execution module: fire events on the minion's event bus or send them to the
 * master. Like Salt, firing never raises: a failure returns False.
 */
import { EventClient } from '../events/client.js';
import type { IpcMode } from '../events/addresses.js';
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { pyStr } from './_pyrepr.js';
import { isDict } from './_salt_data.js';

function subset(keys: unknown[], source: Record<string, unknown>): Record<string, unknown> {
  const wanted = new Set(keys.map((k) => pyStr(k)));
  return Object.fromEntries(Object.entries(source).filter(([k]) => wanted.has(k)));
}

function optNumber(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** Fires one event on this minion's local bus (Salt's `get_event('minion').fire_event`). */
async function fireLocal(ctx: CallContext, data: unknown, tag: unknown): Promise<boolean> {
  try {
    const client = new EventClient({
      sockDir: pyStr(ctx.opts.sock_dir ?? '/var/run/salt/minion'),
      role: 'minion',
      id: pyStr(ctx.opts.id ?? ''),
      hashType: typeof ctx.opts.hash_type === 'string' ? ctx.opts.hash_type : undefined,
      ipcMode: ctx.opts.ipc_mode === 'tcp' ? ('tcp' as IpcMode) : undefined,
      tcpPubPort: optNumber(ctx.opts.tcp_pub_port),
      tcpPullPort: optNumber(ctx.opts.tcp_pull_port),
    });
    try {
      await client.fire(pyStr(tag), data as Record<string, unknown>);
    } finally {
      await client.close();
    }
    return true;
  } catch (err) {
    ctx.log.debug(`event.fire failed: ${(err as Error)?.message ?? String(err)}`);
    return false;
  }
}

function isLocalMode(opts: Record<string, unknown>, alsoMasterDisabled: boolean): boolean {
  const local = !!opts.local || opts.file_client === 'local' || (alsoMasterDisabled && opts.master_type === 'disable');
  return local && !opts.use_master_when_local;
}

/**
 * Salt's `event.fire_master`: through the caller's master connection when it has one, else as a
 * `fire_master` request on the minion bus (which the minion daemon forwards). False in local mode.
 */
async function fireMaster(ctx: CallContext, data: unknown, tag: unknown, preload: unknown): Promise<boolean> {
  if (isLocalMode(ctx.opts, false)) {
    ctx.log.warn(`Local mode detected. Event with tag ${pyStr(tag)} will NOT be sent.`);
    return false;
  }
  if (ctx.fireMaster) {
    try {
      const payload = isDict(preload) ? { ...preload, ...(data as Record<string, unknown>) } : (data as Record<string, unknown>);
      await ctx.fireMaster(pyStr(tag), payload);
      return true;
    } catch (err) {
      ctx.log.debug(`event.fire_master failed: ${(err as Error)?.message ?? String(err)}`);
      return false;
    }
  }
  return fireLocal(ctx, { data, tag, events: null, pretag: null }, 'fire_master');
}

const mod: SaltModule = {
  name: 'event',
  functions: {
    fire_master: defineFunction(
      {
        args: ['data', 'tag', 'preload'],
        defaults: { preload: null },
        doc: "Fire an event off up to the master server\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' event.fire_master '{\"data\":\"my event data\"}' 'tag'",
      },
      ({ data, tag, preload }, ctx) => fireMaster(ctx, data, tag, preload),
    ),
    fire: defineFunction(
      {
        args: ['data', 'tag'],
        doc: "Fire an event on the local minion event bus. Data must be formed as a dict.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' event.fire '{\"data\":\"my event data\"}' 'tag'",
      },
      ({ data, tag }, ctx) => fireLocal(ctx, data, tag),
    ),
    send: defineFunction(
      {
        args: ['tag', 'data', 'preload', 'with_env', 'with_grains', 'with_pillar', 'with_env_opts'],
        defaults: { data: null, preload: null, with_env: false, with_grains: false, with_pillar: false, with_env_opts: false },
        kwargs: true,
        doc: "Send an event to the Salt Master\n\n.. versionadded:: 2014.7.0\n\n:param tag: A tag to give the event.\n    Use slashes to create a namespace for related events. E.g.,\n    ``myco/build/buildserver1/start``, ``myco/build/buildserver1/success``,\n    ``myco/build/buildserver1/failure``.\n\n:param data: A dictionary of data to send in the event.\n    This is free-form. Send any data points that are needed for whoever is\n    consuming the event. Arguments on the CLI are interpreted as YAML so\n    complex data structures are possible.\n\n:param with_env: Include environment variables from the current shell\n    environment in the event data as ``environ``.. This is a short-hand for\n    working with systems that seed the environment with relevant data such\n    as Jenkins.\n:type with_env: Specify ``True`` to include all environment variables, or\n    specify a list of strings of variable names to include.\n\n:param with_grains: Include grains from the current minion in the event\n    data as ``grains``.\n:type with_grains: Specify ``True`` to include all grains, or specify a\n    list of strings of grain names to include.\n\n:param with_pillar: Include Pillar values from the current minion in the\n    event data as ``pillar``. Remember Pillar data is often sensitive data\n    so be careful. This is useful for passing ephemeral Pillar values\n    through an event. Such as passing the ``pillar={}`` kwarg in\n    :py:func:`state.sls <salt.modules.state.sls>` from the Master, through\n    an event on the Minion, then back to the Master.\n:type with_pillar: Specify ``True`` to include all Pillar values, or\n    specify a list of strings of Pillar keys to include. It is a\n    best-practice to only specify a relevant subset of Pillar data.\n\n:param with_env_opts: Include ``saltenv`` and ``pillarenv`` set on minion\n    at the moment when event is send into event data.\n:type with_env_opts: Specify ``True`` to include ``saltenv`` and\n    ``pillarenv`` values or ``False`` to omit them.\n\n:param kwargs: Any additional keyword arguments passed to this function\n    will be interpreted as key-value pairs and included in the event data.\n    This provides a convenient alternative to YAML for simple values.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt-call event.send myco/mytag foo=Foo bar=Bar\n    salt-call event.send 'myco/mytag' '{foo: Foo, bar: Bar}'",
      },
      ({ tag, data, preload, with_env, with_grains, with_pillar, with_env_opts }, ctx, { kwargs }) => {
        const dataDict: Record<string, unknown> = {};
        if (with_env) dataDict.environ = Array.isArray(with_env) ? subset(with_env, process.env) : { ...process.env };
        if (with_grains) dataDict.grains = Array.isArray(with_grains) ? subset(with_grains, ctx.grains) : { ...ctx.grains };
        if (with_pillar) dataDict.pillar = Array.isArray(with_pillar) ? subset(with_pillar, ctx.pillar) : { ...ctx.pillar };
        if (with_env_opts) {
          dataDict.saltenv = ctx.opts.saltenv ?? 'base';
          dataDict.pillarenv = ctx.opts.pillarenv ?? null;
        }
        Object.assign(dataDict, kwargs);
        if (isDict(data)) Object.assign(dataDict, data);
        if (isLocalMode(ctx.opts, true)) return fireLocal(ctx, dataDict, tag);
        return fireMaster(ctx, dataDict, tag, preload);
      },
    ),
  },
};

export default mod;
