/**
 * Salt's `beacons` execution module: list, add, change, enable, disable and save the minion's
 * beacons. It drives the live beacons through `ctx.minion.beacons`; without them (salt-call) it
 * works on the options' `beacons` (saved with `beacons.save` to `minion.d/beacons.conf`).
 */
import { writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Beacons } from '../beacons/beacons.js';
import { beaconsConfPath } from '../beacons/persist.js';
import type { BeaconChange, BeaconControl } from '../beacons/types.js';
import { defineFunction } from '../loader/define.js';
import type { CallContext, SaltModule } from '../loader/types.js';
import { safeDump } from '../output/yaml.js';
import { pyStr } from './_pyrepr.js';
import { unifiedDiff } from './_unified_diff.js';

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function control(ctx: CallContext): BeaconControl {
  if (ctx.minion?.beacons) return ctx.minion.beacons;
  const cached = ctx.context['beacons.offline'] as BeaconControl | undefined;
  if (cached) return cached;
  const offline = new Beacons({ opts: ctx.opts, pillar: ctx.pillar, grains: ctx.grains, salt: ctx.salt, log: ctx.log });
  ctx.context['beacons.offline'] = offline;
  return offline;
}

function configDict(config: unknown): Dict {
  if (Array.isArray(config)) return Object.assign({}, ...config.filter(isDict));
  return isDict(config) ? config : {};
}

/** The outcome of a management call as Salt words it (`comment` from the minion when refused). */
function outcome(change: BeaconChange, ok: (beacons: Dict) => boolean, success: string, failure: string): Dict {
  if (change.complete) return ok(change.beacons) ? { comment: success, result: true } : { comment: failure, result: false };
  return { comment: change.comment ?? failure, result: false };
}

const TIMEOUT_KW = { kwargs: true } as const;

const mod: SaltModule = {
  name: 'beacons',
  functions: {
    list: defineFunction(
      {
        args: ['return_yaml', 'include_pillar', 'include_opts'],
        defaults: { return_yaml: true, include_pillar: true, include_opts: true },
        kwargs: true,
        pyName: 'list_',
        doc: "List the beacons currently configured on the minion\n\n:param return_yaml:    Whether to return YAML formatted output,\n                       default ``True``\n\n:param include_pillar: Whether to include beacons that are\n                       configured in pillar, default is ``True``.\n\n:param include_opts:   Whether to include beacons that are\n                       configured in opts, default is ``True``.\n\n:return:               List of currently configured Beacons.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.list",
      },
      ({ return_yaml, include_pillar, include_opts }, ctx) => {
        const beacons = control(ctx).list(!!include_pillar, !!include_opts);
        return return_yaml ? safeDump({ beacons }, { defaultFlowStyle: false }) : beacons;
      },
    ),
    list_available: defineFunction(
      {
        args: ['return_yaml'],
        defaults: { return_yaml: true },
        kwargs: true,
        doc: "List the beacons currently available on the minion\n\n:param return_yaml:     Whether to return YAML formatted output, default\n                        ``True``\n\n:return:                List of currently configured Beacons.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.list_available",
      },
      ({ return_yaml }, ctx) => {
        const beacons = control(ctx).listAvailable().sort();
        if (!beacons.length) return { beacons: {} };
        return return_yaml ? safeDump({ beacons }, { defaultFlowStyle: false }) : beacons;
      },
    ),
    add: defineFunction(
      {
        args: ['name', 'beacon_data'],
        ...TIMEOUT_KW,
        doc: "Add a beacon on the minion\n\n:param name:            Name of the beacon to configure\n:param beacon_data:     Dictionary or list containing configuration for beacon.\n:return:                Boolean and status message on success or failure of add.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.add ps \"[{'processes': {'salt-master': 'stopped', 'apache2': 'stopped'}}]\"",
      },
      ({ name, beacon_data }, ctx, { kwargs }) => {
        const n = pyStr(name);
        const beacons = control(ctx);
        if (n in beacons.list()) return { comment: `Beacon ${n} is already configured.`, result: true };
        const items = Array.isArray(beacon_data) ? beacon_data : [];
        const withModule = items.find((i) => isDict(i) && 'beacon_module' in i) as Dict | undefined;
        const beaconName = withModule ? pyStr(withModule.beacon_module) : n;
        if (!beacons.listAvailable().includes(beaconName)) return { comment: `Beacon "${beaconName}" is not available.`, result: false };
        if (kwargs.test) return { comment: `Beacon: ${n} would be added.`, result: true };
        const { valid, vcomment } = beacons.validate(n, structuredClone(beacon_data));
        if (!valid) return { comment: `Beacon ${n} configuration invalid, not adding.\n${vcomment}`, result: false };
        const change = beacons.add(n, structuredClone(beacon_data));
        return outcome(
          change,
          (b) => n in b && Array.isArray(beacon_data) && beacon_data.every((item) => (b[n] as unknown[]).some((x) => isDeepStrictEqual(x, item))),
          `Added beacon: ${n}.`,
          `Failed to add beacon ${n}.`,
        );
      },
    ),
    modify: defineFunction(
      {
        args: ['name', 'beacon_data'],
        ...TIMEOUT_KW,
        doc: "Modify an existing beacon\n\n:param name:            Name of the beacon to configure\n:param beacon_data:     Dictionary or list containing updated configuration for beacon.\n:return:                Boolean and status message on success or failure of modify.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.modify ps \"[{'salt-master': 'stopped'}, {'apache2': 'stopped'}]\"",
      },
      ({ name, beacon_data }, ctx, { kwargs }) => {
        const n = pyStr(name);
        const beacons = control(ctx);
        const current = beacons.list();
        if (!(n in current)) return { comment: `Beacon ${n} is not configured.`, result: true };
        if (kwargs.test) return { comment: `Beacon: ${n} would be modified.`, result: true };
        const { valid, vcomment } = beacons.validate(n, structuredClone(beacon_data));
        if (!valid) return { comment: `Beacon ${n} configuration invalid, not modifying.\n${vcomment}`, result: false };
        if (isDeepStrictEqual(current[n], beacon_data)) return { comment: `Job ${n} in correct state`, result: true };
        const lines = (v: unknown): string[] =>
          (Array.isArray(v) ? v : [v]).filter(isDict).flatMap((item) => Object.entries(item).map(([k, val]) => `${k}:${pyStr(val)}\n`));
        const changes = { diff: unifiedDiff(lines(current[n]), lines(beacon_data)) };
        const change = beacons.modify(n, structuredClone(beacon_data));
        return { ...outcome(change, (b) => isDeepStrictEqual(b[n], beacon_data), `Modified beacon: ${n}.`, ''), changes };
      },
    ),
    delete: defineFunction(
      {
        args: ['name'],
        ...TIMEOUT_KW,
        doc: "Delete a beacon item\n\n:param name:            Name of the beacon to delete\n:return:                Boolean and status message on success or failure of delete.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.delete ps\n\n    salt '*' beacons.delete load",
      },
      ({ name }, ctx, { kwargs }) => {
        const n = pyStr(name);
        if (kwargs.test) return { comment: `Beacon: ${n} would be deleted.`, result: true };
        return outcome(control(ctx).delete(n), (b) => !(n in b), `Deleted beacon: ${n}.`, `Failed to delete beacon ${n}.`);
      },
    ),
    save: defineFunction(
      {
        ...TIMEOUT_KW,
        doc: "Save all configured beacons to the minion config\n\n:return:                Boolean and status message on success or failure of save.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.save",
      },
      (_p, ctx) => {
        const beacons = control(ctx).list(false, true);
        const path = beaconsConfPath(ctx.opts);
        const text = Object.keys(beacons).length ? safeDump({ beacons }, { defaultFlowStyle: false }) : '';
        try {
          writeFileSync(path, text);
          return { comment: `Beacons saved to ${path}.`, result: true };
        } catch {
          return { comment: `Unable to write to beacons file at ${path}. Check permissions.`, result: false };
        }
      },
    ),
    enable: defineFunction(
      { ...TIMEOUT_KW, doc: "Enable all beacons on the minion\n\nReturns:\n    bool: Boolean and status message on success or failure of enable.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.enable" },
      (_p, ctx, { kwargs }) => {
        if (kwargs.test) return { comment: 'Beacons would be enabled.', result: true };
        return outcome(control(ctx).enableAll(), (b) => !!b.enabled, 'Enabled beacons on minion.', 'Failed to enable beacons on minion.');
      },
    ),
    disable: defineFunction(
      { ...TIMEOUT_KW, doc: "Disable all beacons jobs on the minion\n\n:return:                Boolean and status message on success or failure of disable.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.disable" },
      (_p, ctx, { kwargs }) => {
        if (kwargs.test) return { comment: 'Beacons would be disabled.', result: true };
        return outcome(control(ctx).disableAll(), (b) => 'enabled' in b && !b.enabled, 'Disabled beacons on minion.', 'Failed to disable beacons on minion.');
      },
    ),
    enable_beacon: defineFunction(
      { args: ['name'], ...TIMEOUT_KW, doc: "Enable beacon on the minion\n\n:name:                  Name of the beacon to enable.\n:return:                Boolean and status message on success or failure of enable.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.enable_beacon ps" },
      ({ name }, ctx, { kwargs }) => {
        const n = pyStr(name ?? '');
        if (!name) return { comment: 'Beacon name is required.', result: false };
        if (kwargs.test) return { comment: `Beacon ${n} would be enabled.`, result: true };
        if (!(n in control(ctx).list())) return { comment: `Beacon ${n} is not currently configured.`, result: false };
        return outcome(control(ctx).enableBeacon(n), (b) => !!configDict(b[n]).enabled, `Enabled beacon ${n} on minion.`, `Failed to enable beacon ${n} on minion.`);
      },
    ),
    disable_beacon: defineFunction(
      { args: ['name'], ...TIMEOUT_KW, doc: "Disable a beacon on the minion\n\n:name:                  Name of the beacon to disable.\n:return:                Boolean and status message on success or failure of disable.\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.disable_beacon ps" },
      ({ name }, ctx, { kwargs }) => {
        const n = pyStr(name ?? '');
        if (!name) return { comment: 'Beacon name is required.', result: false };
        if (kwargs.test) return { comment: 'Beacons would be disabled.', result: true };
        if (!(n in control(ctx).list())) return { comment: `Beacon ${n} is not currently configured.`, result: false };
        return outcome(control(ctx).disableBeacon(n), (b) => 'enabled' in configDict(b[n]) && !configDict(b[n]).enabled, `Disabled beacon ${n} on minion.`, 'Failed to disable beacon on minion.');
      },
    ),
    reset: defineFunction(
      { ...TIMEOUT_KW, doc: "Reset the beacon configuration on the minion\n\nCLI Example:\n\n.. code-block:: bash\n\n    salt '*' beacons.reset" },
      (_p, ctx, { kwargs }) => {
        if (kwargs.test) return { comment: 'Beacons would be reset.', result: true };
        const change = control(ctx).reset();
        return change.complete ? { comment: 'Beacon configuration reset.', result: true } : { comment: change.comment ?? '', result: false };
      },
    ),
  },
};

export default mod;
