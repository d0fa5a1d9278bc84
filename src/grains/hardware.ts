/**
 * Hardware grains: firmware facts (`biosversion`, `manufacturer`, `uuid` ...) from
 * `/sys/class/dmi/id` or `dmidecode`, GPUs from `lspci -vmm`, and the `disks`/`ssds` lists from
 * `/sys/block`.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { exists, readLink, readText } from './_files.js';
import type { GrainContext, Grains } from './types.js';

const SYSFS_DMI_FILES: ReadonlyArray<[string, string]> = [
  ['biosversion', 'bios_version'],
  ['biosvendor', 'bios_vendor'],
  ['boardname', 'board_name'],
  ['productname', 'product_name'],
  ['manufacturer', 'sys_vendor'],
  ['biosreleasedate', 'bios_date'],
  ['uuid', 'product_uuid'],
  ['serialnumber', 'product_serial'],
];

const UUID_RE = /^(urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/** Salt's `smbios._dmi_isclean`: false for the well-known bogus DMI values. */
export function dmiIsClean(key: string, val: string): boolean {
  if (!val || /^none/i.test(val)) return false;
  if (key.includes('uuid')) return UUID_RE.test(val);
  if (/serial|part|version/.test(key)) {
    return !/^0+$/.test(val) && !/^0?1234567(8)?(9)?(0)?/.test(val) && !/sernum|part[_-]?number|specified|filled|applicable/i.test(val);
  }
  if (/asset|manufacturer/.test(key)) return !/manufacturer|to be filled|available|asset|^no(ne|t)/i.test(val);
  return !/to be filled/i.test(val) && !/un(known|specified)|no(t|ne)? (asset|provided|defined|available|present|specified)/i.test(val);
}

async function dmidecodeString(ctx: GrainContext, dmidecode: string, key: string): Promise<string | null> {
  const { stdout } = await ctx.run([dmidecode, '-s', key]);
  const val = stdout.trim().split('\n').filter((l) => !l.startsWith('#')).join('\n');
  if (val.startsWith('/dev/mem') || !dmiIsClean(key, val)) return null;
  return val;
}

/** Salt's `_hw_data` on Linux: the DMI grains that can be read; `{}` without a source. */
export async function firmwareGrains(ctx: GrainContext, kernel: string): Promise<Grains> {
  if (kernel === 'Linux' && (await exists('/sys/class/dmi/id'))) {
    const values = await Promise.all(SYSFS_DMI_FILES.map(([, file]) => readText(join('/sys/class/dmi/id', file))));
    const g: Grains = {};
    SYSFS_DMI_FILES.forEach(([key], i) => {
      const v = values[i];
      if (v === null || v === undefined) return;
      g[key] = key === 'uuid' ? v.trim().toLowerCase() : v.trim();
    });
    return g;
  }
  const dmidecode = (await ctx.which('dmidecode')) ?? (await ctx.which('smbios'));
  if (!dmidecode) return {};
  const keys: ReadonlyArray<[string, string]> = [
    ['biosversion', 'bios-version'],
    ['biosvendor', 'bios-vendor'],
    ['productname', 'system-product-name'],
    ['manufacturer', 'system-manufacturer'],
    ['biosreleasedate', 'bios-release-date'],
    ['uuid', 'system-uuid'],
  ];
  const serialKeys = ['system-serial-number', 'chassis-serial-number', 'baseboard-serial-number'];
  const [values, serials] = await Promise.all([
    Promise.all(keys.map(([, k]) => dmidecodeString(ctx, dmidecode, k))),
    Promise.all(serialKeys.map((k) => dmidecodeString(ctx, dmidecode, k))),
  ]);
  const g: Grains = {};
  keys.forEach(([key], i) => {
    const v = values[i];
    if (v !== null && v !== undefined) g[key] = key === 'uuid' ? v.toLowerCase() : v;
  });
  const serial = serials.find((s) => s !== null);
  if (serial) g.serialnumber = serial;
  return g;
}

const KNOWN_GPU_VENDORS = ['nvidia', 'amd', 'ati', 'intel', 'cirrus logic', 'vmware', 'matrox', 'aspeed'];
const GPU_CLASSES = new Set(['3d controller', 'display controller', 'processing accelerators', 'vga compatible controller']);

/** `lspci -vmm` output → Salt's `gpus` list of `{vendor, model}`. */
export function parseLspciGpus(output: string): Array<{ vendor: string; model: string }> {
  const devices: Array<Record<string, string>> = [];
  let current: Record<string, string> = {};
  for (const line of [...output.split('\n'), '']) {
    if (line === '') {
      if (GPU_CLASSES.has((current.Class ?? '').toLowerCase())) devices.push(current);
      current = {};
      continue;
    }
    if (/^\w+:\s+.*/.test(line)) {
      const at = line.indexOf(':');
      current[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  return devices.map((dev) => {
    const words = (dev.Vendor ?? '').toLowerCase().split(/[^A-Za-z0-9]/);
    const vendor = KNOWN_GPU_VENDORS.find((name) => words.includes(name)) ?? 'unknown';
    return { vendor, model: dev.Device ?? '' };
  });
}

/** Salt's `_linux_gpu_data`: `num_gpus` and `gpus`, or `{}` without lspci or when disabled. */
export async function gpuGrains(ctx: GrainContext): Promise<Grains> {
  if (ctx.opts.enable_lspci === false || ctx.opts.enable_gpu_grains === false) return {};
  const lspci = await ctx.which('lspci');
  if (!lspci) return {};
  const gpus = parseLspciGpus((await ctx.run([lspci, '-vmm'])).stdout);
  return { num_gpus: gpus.length, gpus };
}

/**
 * Salt's `disks` grain module on Linux: `/sys/block` devices that are not virtual, split by
 * `queue/rotational` into `disks` (1) and `ssds` (0), in directory order (as Python's glob).
 */
export async function linuxDisks(sysBlock = '/sys/block'): Promise<Grains> {
  const out = { disks: [] as string[], ssds: [] as string[] };
  let entries: string[];
  try {
    entries = (await readdir(sysBlock)).filter((e) => !e.startsWith('.'));
  } catch {
    return out;
  }
  const flags = await Promise.all(
    entries.map(async (name) => {
      const entry = join(sysBlock, name);
      if ((await readLink(entry)).startsWith('../devices/virtual/')) return null;
      return (await readText(join(entry, 'queue/rotational')))?.slice(0, 1) ?? null;
    }),
  );
  entries.forEach((name, i) => {
    if (flags[i] === '0') out.ssds.push(name);
    else if (flags[i] === '1') out.disks.push(name);
  });
  return out;
}

async function readDtString(name: string): Promise<string | null> {
  const text = await readText(`/proc/device-tree/${name}`);
  return text === null ? null : text.replace(/\0+$/, '');
}

/** Salt's `_linux_devicetree_platform_data`: manufacturer/productname/serialnumber from `/proc/device-tree`. */
export async function devicetreeGrains(): Promise<Grains> {
  const [model, systemId, serial] = await Promise.all([readDtString('model'), readDtString('system-id'), readDtString('serial-number')]);
  const g: Grains = {};
  if (model) {
    const at = model.indexOf(',');
    if (at >= 0) {
      g.manufacturer = model.slice(0, at);
      g.productname = model.slice(at + 1);
    } else {
      g.productname = model;
    }
  }
  if (systemId) g.serialnumber = systemId;
  if (serial) g.serialnumber = serial;
  return g;
}
