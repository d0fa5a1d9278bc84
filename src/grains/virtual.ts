/**
 * The `virtual` grain (and `virtual_subtype`, `virtual_hv_*`): what kind of machine or container
 * this is, found like Salt's `_virtual` on Linux: detection programs first (`systemd-detect-virt`
 * or `virt-what`, `dmidecode`, `lspci`), then `/proc` and `/sys` clues. Default `physical`.
 */
import { stat } from 'node:fs/promises';
import { exists, isDir, isFile, readText } from './_files.js';
import type { GrainContext, Grains } from './types.js';

const DETECT_VIRT_AS_IS = new Set(['qemu', 'kvm', 'oracle', 'xen', 'bochs', 'chroot', 'uml', 'systemd-nspawn']);

/** Interprets `systemd-detect-virt` output; null when Salt does not map it (e.g. `docker`). */
export function fromSystemdDetectVirt(output: string): Grains | null {
  if (DETECT_VIRT_AS_IS.has(output)) return { virtual: output };
  if (output.includes('vmware')) return { virtual: 'VMware' };
  if (output.includes('microsoft')) return { virtual: 'VirtualPC' };
  if (output.includes('lxc')) return { virtual: 'container', virtual_subtype: 'LXC' };
  if (output.includes('podman')) return { virtual: 'container', virtual_subtype: 'Podman' };
  if (output.includes('amazon')) return { virtual: 'Nitro', virtual_subtype: 'Amazon EC2' };
  return null;
}

/** Interprets `virt-what` output (first line that Salt recognises). */
export function fromVirtWhat(output: string): Grains {
  for (const line of output.split('\n')) {
    if (['kvm', 'qemu', 'uml', 'xen'].includes(line)) return { virtual: line };
    if (line.includes('lxc')) return { virtual: 'container', virtual_subtype: 'LXC' };
    if (line.includes('vmware')) return { virtual: 'VMware' };
    if (line.includes('parallels')) return { virtual: 'Parallels' };
    if (line.includes('hyperv')) return { virtual: 'HyperV' };
    if (line === 'ibm_power-kvm') return { virtual: 'kvm' };
    if (line === 'ibm_power-lpar_shared') return { virtual: 'LPAR', virtual_subtype: 'shared' };
    if (line === 'ibm_power-lpar_dedicated') return { virtual: 'LPAR', virtual_subtype: 'dedicated' };
  }
  return {};
}

/** Interprets full `dmidecode` output. */
export function fromDmidecode(output: string): Grains {
  const g: Grains = {};
  for (const marker of ['Vendor: QEMU', 'Manufacturer: QEMU', 'Vendor: Bochs', 'Manufacturer: Bochs']) {
    if (output.includes(marker)) g.virtual = 'kvm';
  }
  if (output.includes('BHYVE')) g.virtual = 'bhyve';
  else if (output.includes('Manufacturer: oVirt')) Object.assign(g, { virtual: 'kvm', virtual_subtype: 'ovirt' });
  else if (output.includes('Product Name: RHEV Hypervisor')) Object.assign(g, { virtual: 'kvm', virtual_subtype: 'rhev' });
  else if (output.includes('VirtualBox')) g.virtual = 'VirtualBox';
  else if (output.includes('VMware')) g.virtual = 'VMware';
  else if (output.includes(': Microsoft') && output.includes('Virtual Machine')) g.virtual = 'VirtualPC';
  else if (output.includes('Parallels Software')) g.virtual = 'Parallels';
  else if (output.includes('Manufacturer: Google')) g.virtual = 'kvm';
  else if (output.includes('Vendor: SeaBIOS')) g.virtual = 'kvm';
  return g;
}

/** Interprets `lspci` output. */
export function fromLspci(output: string): Grains {
  const model = output.toLowerCase();
  if (model.includes('vmware')) return { virtual: 'VMware' };
  if (model.includes('virtualbox')) return { virtual: 'VirtualBox' };
  if (model.includes('qemu') || model.includes('virtio')) return { virtual: 'kvm' };
  return {};
}

/** Interprets `/proc/1/cgroup`. */
export function fromCgroup(text: string): Grains {
  if (text.includes(':/lxc/')) return { virtual: 'container', virtual_subtype: 'LXC' };
  if (text.includes(':/kubepods/')) return { virtual_subtype: 'kubernetes' };
  if (text.includes(':/libpod_parent/')) return { virtual_subtype: 'libpod' };
  if ([':/system.slice/docker', ':/docker/', ':/docker-ce/'].some((x) => text.includes(x))) {
    return { virtual: 'container', virtual_subtype: 'Docker' };
  }
  return {};
}

async function sameStat(a: string, b: string): Promise<boolean | null> {
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)]);
    const sec = (ms: number): number => Math.floor(ms / 1000);
    return (
      x.mode === y.mode && x.ino === y.ino && x.dev === y.dev && x.nlink === y.nlink && x.uid === y.uid &&
      x.gid === y.gid && x.size === y.size && sec(x.atimeMs) === sec(y.atimeMs) && sec(x.mtimeMs) === sec(y.mtimeMs) &&
      sec(x.ctimeMs) === sec(y.ctimeMs)
    );
  } catch {
    return null;
  }
}

async function runDetectionPrograms(ctx: GrainContext, g: Grains): Promise<void> {
  let programs = ['systemd-detect-virt', 'virt-what', 'dmidecode'];
  if (await ctx.which('virt-what')) programs = ['virt-what'];
  if (ctx.opts.enable_lspci !== false && (await exists('/proc/bus/pci'))) programs.push('lspci');
  for (const program of programs) {
    const path = await ctx.which(program);
    if (!path) continue;
    const { stdout, retcode } = await ctx.run([path]);
    if (retcode !== 0) continue;
    if (program === 'systemd-detect-virt') {
      const found = fromSystemdDetectVirt(stdout);
      if (found) return void Object.assign(g, found);
    } else if (program === 'virt-what') {
      return void Object.assign(g, fromVirtWhat(stdout));
    } else if (program === 'dmidecode') {
      return void Object.assign(g, fromDmidecode(stdout));
    } else {
      return void Object.assign(g, fromLspci(stdout));
    }
  }
}

async function linuxClues(osdata: Grains, g: Grains): Promise<void> {
  if ((await isDir('/proc')) && (await sameStat('/', '/proc/1/root/.')) === false) g.virtual_subtype = 'chroot';
  if (await isDir('/proc/vz')) {
    if (await isFile('/proc/vz/version')) g.virtual = 'openvzhn';
    else if (await isFile('/proc/vz/veinfo')) g.virtual = 'openvzve';
  }
  for (const line of ((await readText('/proc/self/status')) ?? '').split('\n')) {
    const m = /^envID:\s+(\d+)$/.exec(line);
    if (m) g.virtual = Number(m[1]) !== 0 ? 'openvzve' : 'openvzhn';
  }
  if ((await isDir('/proc/sys/xen')) || (await isDir('/sys/bus/xen')) || (await isDir('/proc/xen'))) {
    if (await isFile('/proc/xen/xsd_kva')) {
      g.virtual_subtype = 'Xen Dom0';
    } else if (osdata.productname === 'HVM domU') {
      g.virtual_subtype = 'Xen HVM DomU';
    } else {
      const caps = await readText('/proc/xen/capabilities');
      if (caps !== null) g.virtual_subtype = caps.includes('control_d') ? 'Xen Dom0' : 'Xen PV DomU';
      else if ((await isDir('/sys/bus/xen')) && (await isDir('/sys/bus/xen/drivers/xenconsole'))) g.virtual_subtype = 'Xen PV DomU';
    }
    if (String(g.virtual_subtype ?? '').toLowerCase().includes('dom')) g.virtual = 'xen';
  }
  if (((await readText('/proc/cpuinfo')) ?? '').includes('QEMU Virtual CPU')) g.virtual = 'kvm';
  const product = await readText('/sys/devices/virtual/dmi/id/product_name');
  if (product !== null) {
    if (product.includes('VirtualBox')) g.virtual = 'VirtualBox';
    else if (product.includes('RHEV Hypervisor')) Object.assign(g, { virtual: 'kvm', virtual_subtype: 'rhev' });
    else if (product.includes('oVirt Node')) Object.assign(g, { virtual: 'kvm', virtual_subtype: 'ovirt' });
    else if (product.includes('Google')) g.virtual = 'gce';
    else if (product.includes('BHYVE')) g.virtual = 'bhyve';
  }
  const cgroup = await readText('/proc/1/cgroup');
  if (cgroup !== null) Object.assign(g, fromCgroup(cgroup));
  if (g.virtual_subtype !== 'LXC' && ((await readText('/proc/1/environ')) ?? '').includes('container=lxc')) {
    Object.assign(g, { virtual: 'container', virtual_subtype: 'LXC' });
  }
}

async function amazonCheck(ctx: GrainContext, g: Grains): Promise<void> {
  const dmidecode = await ctx.which('dmidecode');
  if (!dmidecode) return;
  const { stdout } = await ctx.run([dmidecode, '-t', 'system']);
  if (stdout.includes('Manufacturer: Amazon EC2')) {
    if (g.virtual !== 'xen') g.virtual = 'Nitro';
    const product = /Product Name: ([^\r\n]*)/.exec(stdout);
    g.virtual_subtype = product ? `Amazon EC2 (${product[1]})` : 'Amazon EC2';
  } else if (/Version: [^\r\n]+\.amazon/.test(stdout)) {
    g.virtual_subtype = 'Amazon EC2';
  }
}

const XEN_FEATURES: ReadonlyArray<[number, string]> = [
  [0, 'writable_page_tables'], [1, 'writable_descriptor_tables'], [2, 'auto_translated_physmap'],
  [3, 'supervisor_mode_kernel'], [4, 'pae_pgdir_above_4gb'], [5, 'mmu_pt_update_preserve_ad'],
  [7, 'gnttab_map_avail_bits'], [8, 'hvm_callback_vector'], [9, 'hvm_safe_pvclock'], [10, 'hvm_pirqs'],
  [11, 'dom0'], [12, 'grant_map_identity'], [13, 'memory_op_vnode_supported'], [14, 'ARM_SMCCC_supported'],
];

/** Salt's `_virtual_hv`: Xen hypervisor version and features from `/sys/hypervisor`. */
async function xenHypervisor(g: Grains): Promise<Grains> {
  const out: Grains = {};
  if (!String(g.virtual).includes('xen')) return out;
  const parts = await Promise.all(['major', 'minor', 'extra'].map((f) => readText(`/sys/hypervisor/version/${f}`)));
  if (parts.every((p) => p !== null)) {
    const [major, minor, extra] = parts.map((p) => p!.trim()) as [string, string, string];
    out.virtual_hv_version = `${major}.${minor}${extra}`;
    out.virtual_hv_version_info = [major, minor, extra];
  }
  const features = (await readText('/sys/hypervisor/properties/features'))?.trim();
  if (features && /^(0x)?[0-9a-f]+$/i.test(features)) {
    const bits = BigInt(features.startsWith('0x') ? features : `0x${features}`);
    out.virtual_hv_features = features;
    out.virtual_hv_features_list = XEN_FEATURES.filter(([bit]) => (bits >> BigInt(bit)) & 1n).map(([, name]) => name);
  }
  return out;
}

/**
 * The virtual grains for a host whose `kernel` (and, when known, `productname`) are in `osdata`.
 * Only Linux clues are looked at beyond the detection programs.
 */
export async function virtualGrains(ctx: GrainContext, osdata: Grains): Promise<Grains> {
  const g: Grains = { virtual: osdata.virtual ?? 'physical' };
  if (osdata.kernel === 'AIX') return g;
  await runDetectionPrograms(ctx, g);
  if (osdata.kernel === 'Linux') await linuxClues(osdata, g);
  if (g.virtual_subtype && g.virtual === 'physical') g.virtual = 'virtual';
  if (['qemu', 'kvm', 'xen', 'amazon'].includes(String(g.virtual))) await amazonCheck(ctx, g);
  return { ...g, ...(await xenHypervisor(g)) };
}
