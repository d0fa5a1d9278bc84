/**
 * The `service` beacon: fires `{<service>: {running}, service_name, tag}` (tag = the service) for
 * each configured service, through `service.status`; options per service: `onchangeonly`,
 * `delay` (seconds after a change), `emitatstartup`, `uncleanshutdown` (a pid file whose presence
 * while stopped means an unclean shutdown).
 */
import { existsSync } from 'node:fs';
import { listToDict } from '../_config.js';
import type { BeaconModule } from '../types.js';

interface LastStatus {
  running: unknown;
  uncleanshutdown?: boolean;
  time?: number;
}

/** The clock (tests replace it). */
export const sources = { now: (): number => Date.now() / 1000 };

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const service: BeaconModule = {
  name: 'service',
  validate: (config) => {
    if (!Array.isArray(config)) return [false, 'Configuration for service beacon must be a list.'];
    const c = listToDict(config);
    if (!('services' in c)) return [false, 'Configuration for service beacon requires services.'];
    if (!isMap(c.services)) return [false, 'Services configuration item for service beacon must be a dictionary.'];
    for (const item of Object.values(c.services)) {
      if (!isMap(item)) return [false, 'Configuration for service beacon must be a list of dictionaries.'];
    }
    return [true, 'Valid beacon configuration'];
  },
  beacon: async (config, ctx) => {
    const c = listToDict(config);
    const last = (ctx.context[`service.last_status.${String(c._beacon_name ?? 'service')}`] ??= {}) as Record<string, LastStatus>;
    const ret: Record<string, unknown>[] = [];
    for (const [name, raw] of Object.entries((c.services ?? {}) as Record<string, unknown>)) {
      const cfg = { emitatstartup: true, onchangeonly: false, delay: 0, ...(isMap(raw) ? raw : {}) } as Record<string, unknown>;
      const status: LastStatus = { running: await ctx.salt('service.status', [name]) };
      const event = { [name]: status, service_name: name, tag: name };
      const now = sources.now();
      if ('uncleanshutdown' in cfg && !status.running) status.uncleanshutdown = existsSync(String(cfg.uncleanshutdown));
      if (cfg.onchangeonly !== true) {
        ret.push(event);
        continue;
      }
      const delay = Number(cfg.delay);
      if (!(name in last)) {
        last[name] = status;
        if (!cfg.emitatstartup) continue;
        if (delay > 0) last[name].time = now;
        else ret.push(event);
      }
      if (last[name].running !== status.running) {
        last[name] = status;
        if (delay > 0) last[name].time = now;
        else ret.push(event);
      }
      const since = last[name].time;
      if (since !== undefined && Math.round(now - since) > delay) {
        delete last[name].time;
        ret.push(event);
      }
    }
    return ret;
  },
};

export default service;
