/**
 * Which Linux distribution this is: the `os`, `os_family`, `osfullname`, `osrelease`,
 * `oscodename` and `lsb_distrib_*` grains, derived like Salt 3006 does when the Python
 * `lsb_release` module is absent (always the case here): from `/etc/lsb-release` when it
 * exists, else from os-release, through Salt's name and family tables.
 */
import type { Grains } from './types.js';

/** Parsed os-release data (`platform.freedesktop_os_release()`), with its defaults. */
export type OsRelease = Record<string, string>;

const OS_RELEASE_LINE = /^([a-zA-Z0-9_]+)=(["']?)(.*)\2$/;

/**
 * Parses os-release text like Python's `platform.freedesktop_os_release`: NAME, ID and
 * PRETTY_NAME default to `Linux`/`linux`/`Linux`; quotes are removed and `\$ \" \' \\ \``
 * unescaped.
 */
export function parseOsRelease(text: string): OsRelease {
  const info: OsRelease = { NAME: 'Linux', ID: 'linux', PRETTY_NAME: 'Linux' };
  for (const line of text.split('\n')) {
    const m = OS_RELEASE_LINE.exec(line.replace(/\s+$/, ''));
    if (m) info[m[1]!] = m[3]!.replace(/\\([\\$"'`])/g, '$1');
  }
  return info;
}

const LSB_LINE = /^(DISTRIB_(?:ID|RELEASE|CODENAME|DESCRIPTION))=(?:'|")?([\w\s.\-_]+)(?:'|")?/u;

/** `/etc/lsb-release` → `lsb_distrib_{id,release,codename,description}` grains. */
export function parseLsbRelease(text: string): Grains {
  const out: Grains = {};
  for (const line of text.split('\n')) {
    const m = LSB_LINE.exec(line);
    if (m) out[`lsb_${m[1]!.toLowerCase()}`] = m[2]!.replace(/\s+$/, '');
  }
  return out;
}

/** Salt's `_OS_NAME_MAP`: the first ten characters of the name (no spaces, lowercased) → `os`. */
const OS_NAME_MAP: Readonly<Record<string, string>> = {
  redhatente: 'RedHat', gentoobase: 'Gentoo', archarm: 'Arch ARM', arch: 'Arch', debian: 'Debian', Junos: 'Junos',
  raspbian: 'Raspbian', fedoraremi: 'Fedora', chapeau: 'Chapeau', korora: 'Korora', amazonami: 'Amazon', alt: 'ALT',
  enterprise: 'OEL', oracleserv: 'OEL', cloudserve: 'CloudLinux', cloudlinux: 'CloudLinux', almalinux: 'AlmaLinux',
  pidora: 'Fedora', scientific: 'ScientificLinux', synology: 'Synology', nilrt: 'NILinuxRT', poky: 'Poky',
  manjaro: 'Manjaro', manjarolin: 'Manjaro', univention: 'Univention', antergos: 'Antergos', sles: 'SUSE',
  void: 'Void', slesexpand: 'RES', linuxmint: 'Mint', neon: 'KDE neon', pop: 'Pop', rocky: 'Rocky',
  alibabaclo: 'Alinux', mendel: 'Mendel',
};

/** Salt's `_ID_AND_NAME_TO_OS_NAME_MAP`, keyed `ID\0NAME`. */
const ID_AND_NAME_TO_OS: Readonly<Record<string, string>> = {
  'astra\0Astra Linux (Orel)': 'AstraLinuxCE',
  'astra\0Astra Linux (Smolensk)': 'AstraLinuxSE',
  'pop\0Pop!_OS': 'Pop',
};

/** Salt's `_OS_FAMILY_MAP`: `os` → `os_family` (default: `os` itself). */
export const OS_FAMILY_MAP: Readonly<Record<string, string>> = {
  Ubuntu: 'Debian', Fedora: 'RedHat', Chapeau: 'RedHat', Korora: 'RedHat', FedBerry: 'RedHat', CentOS: 'RedHat',
  'CentOS Stream': 'RedHat', GoOSe: 'RedHat', Scientific: 'RedHat', Amazon: 'RedHat', CloudLinux: 'RedHat',
  AlmaLinux: 'RedHat', OVS: 'RedHat', OEL: 'RedHat', XCP: 'RedHat', 'XCP-ng': 'RedHat', XenServer: 'RedHat',
  RES: 'RedHat', Sangoma: 'RedHat', 'VMware Photon OS': 'RedHat', Mandrake: 'Mandriva', Mint: 'Debian',
  VMwareESX: 'VMware', Bluewhite64: 'Bluewhite', Slamd64: 'Slackware', SLES: 'Suse', 'SUSE Enterprise Server': 'Suse',
  'SUSE  Enterprise Server': 'Suse', SLED: 'Suse', openSUSE: 'Suse', SUSE: 'Suse', 'openSUSE Leap': 'Suse',
  'openSUSE Tumbleweed': 'Suse', SLES_SAP: 'Suse', 'Arch ARM': 'Arch', Manjaro: 'Arch', 'Manjaro ARM': 'Arch',
  Antergos: 'Arch', EndeavourOS: 'Arch', ALT: 'RedHat', Trisquel: 'Debian', GCEL: 'Debian', Linaro: 'Debian',
  'elementary OS': 'Debian', elementary: 'Debian', Univention: 'Debian', ScientificLinux: 'RedHat',
  Raspbian: 'Debian', Devuan: 'Debian', antiX: 'Debian', Kali: 'Debian', 'Parrot OS': 'Debian', neon: 'Debian',
  Cumulus: 'Debian', Deepin: 'Debian', NILinuxRT: 'NILinuxRT', 'KDE neon': 'Debian', Void: 'Void', IDMS: 'Debian',
  Funtoo: 'Gentoo', TurnKey: 'Debian', Pop: 'Debian', Rocky: 'RedHat', AstraLinuxCE: 'Debian',
  AstraLinuxSE: 'Debian', Alinux: 'RedHat', Mendel: 'Debian', OSMC: 'Debian',
};

const REPLACE_LINUX = /[^\p{L}\p{N}_](?:gnu\/)?linux/giu;

/** Salt's `_derive_os_grain`: the traditional short `os` name for a distribution's full name. */
export function deriveOsGrain(osfullname: string, osId?: string): string {
  const known = osId === undefined ? undefined : ID_AND_NAME_TO_OS[`${osId}\0${osfullname}`];
  if (known) return known;
  const distroname = osfullname.replace(REPLACE_LINUX, '').trim();
  const shortname = [...distroname.replace(/ /g, '').toLowerCase()].slice(0, 10).join('');
  return OS_NAME_MAP[shortname] ?? distroname;
}

/** Python's `str.capitalize()` for ASCII-ish ids. */
function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s;
}

function familyId(osId: string, idLike: string | undefined): string {
  if (!idLike) return osId;
  const ids = [osId, ...idLike.split(/\s+/).filter(Boolean)];
  if (ids.includes('debian') || ids.includes('ubuntu')) return 'debian';
  return ids[ids.length - 1]!;
}

const VERSION_CODENAME_RE = /^\d[\d.+\-a-z]* \((.+)\)/;

/** Salt's `_os_release_to_grains` (os, os_family, oscodename, osfullname, osrelease). */
function osReleaseToGrains(rel: OsRelease): Grains {
  const fam = familyId(rel.ID!, rel.ID_LIKE);
  let codename: string | null = rel.VERSION_CODENAME || null;
  if (!codename && rel.ID === 'astra') codename = rel.VARIANT_ID ?? null;
  if (!codename && (rel.ID === 'almalinux' || rel.ID === 'rocky')) codename = VERSION_CODENAME_RE.exec(rel.VERSION ?? '')?.[1] ?? null;
  let release: string | null = rel.VERSION_ID || null;
  if (!release && rel.ID === 'mendel') {
    const words = (rel.PRETTY_NAME ?? '').split(/\s+/).filter(Boolean);
    if (words.length >= 3) release = words[2]!;
  }
  return {
    os: deriveOsGrain(rel.NAME!, rel.ID),
    os_family: fam === 'fedora' ? 'RedHat' : capitalize(fam),
    oscodename: codename,
    osfullname: rel.NAME!.trim(),
    osrelease: release,
  };
}

/** Parses a CPE name for its vendor and version (enough for Salt's SUSE handling). */
function cpeVendorVersion(cpe: string): { vendor?: string; version?: string | null } {
  const parts = cpe.split(':');
  if (parts.length <= 4 || parts[0] !== 'cpe') return {};
  if (parts[1]!.startsWith('/')) return { vendor: parts[2], version: parts[4] };
  if (parts[1] === '2.3' && parts.length >= 6 && parts.length <= 13 && parts.length !== 7) {
    const v = (x: string | undefined): string | null => (x === undefined || x === '*' ? null : x);
    return { vendor: v(parts[3]) ?? undefined, version: v(parts[5]) };
  }
  return {};
}

/** What `distro.linux_distribution(full_distribution_name=False)` gives: id, version, codename. */
function distroTriple(rel: OsRelease | null): [string, string, string] {
  if (!rel) return ['', '', ''];
  const codename = rel.VERSION_CODENAME || /\((.+?)\)/.exec(rel.VERSION ?? '')?.[1] || '';
  return [(rel.ID ?? '').toLowerCase(), rel.VERSION_ID ?? '', codename];
}

/**
 * The distribution grains from the contents of `/etc/lsb-release` and os-release (null when the
 * file is missing), with Salt's key order: any lsb grains, os, os_family, oscodename, osfullname,
 * then the lsb_distrib_* grains taken from os-release, osrelease.
 */
export function distributionGrains(lsbReleaseText: string | null, osRelease: OsRelease | null): Grains {
  const grains: Grains = lsbReleaseText === null ? {} : parseLsbRelease(lsbReleaseText);
  if (osRelease) {
    Object.assign(grains, osReleaseToGrains(osRelease));
    delete grains.osrelease;
  }
  const str = (k: string): string => (typeof grains[k] === 'string' ? (grains[k] as string) : '');
  if (str('lsb_distrib_description').toLowerCase().startsWith('antergos')) {
    grains.osfullname = 'Antergos Linux';
  } else if (!('lsb_distrib_id' in grains) && osRelease) {
    if ('NAME' in osRelease) grains.lsb_distrib_id = osRelease.NAME!.trim();
    if ('VERSION_ID' in osRelease) grains.lsb_distrib_release = osRelease.VERSION_ID;
    if ('VERSION_CODENAME' in osRelease) grains.lsb_distrib_codename = osRelease.VERSION_CODENAME;
    else if ('PRETTY_NAME' in osRelease) grains.lsb_distrib_codename = osRelease.PRETTY_NAME;
    if (osRelease.CPE_NAME) {
      const cpe = cpeVendorVersion(osRelease.CPE_NAME);
      if (['suse', 'opensuse'].includes((cpe.vendor ?? '').toLowerCase())) {
        grains.os = 'SUSE';
        if (osRelease.NAME === 'openSUSE Leap') grains.osfullname = 'Leap';
        else if (osRelease.VERSION === 'Tumbleweed') grains.osfullname = osRelease.VERSION;
        if (cpe.version && cpe.vendor === 'opensuse') grains.lsb_distrib_release = cpe.version;
      }
    }
    if ((osRelease.ID ?? '').trim() === 'mendel') {
      const words = (osRelease.PRETTY_NAME ?? '').split(/\s+/).filter(Boolean);
      if (words.length >= 3) grains.lsb_distrib_release = words[2];
    }
  }
  const [distroName, distroVersion, distroCodename] = distroTriple(osRelease);
  if (!('osfullname' in grains)) {
    grains.osfullname = str('lsb_distrib_id').toLowerCase().startsWith('nilrt') ? 'nilrt' : ((grains.lsb_distrib_id as string | undefined) ?? distroName).trim();
  }
  if (!('osrelease' in grains)) {
    if (['CentOS Linux 7', 'CentOS Linux 8'].some((c) => str('lsb_distrib_codename').includes(c))) delete grains.lsb_distrib_release;
    grains.osrelease = ((grains.lsb_distrib_release as string | undefined) ?? distroVersion).trim();
  }
  if (str('lsb_distrib_codename') && ['Rocky', 'AlmaLinux', 'AstraLinuxSE'].some((o) => str('os').includes(o))) {
    const afterParen = str('lsb_distrib_codename').split('(');
    if (afterParen.length >= 2) {
      const inside = afterParen.slice(1).join('(').split(')')[0]!;
      grains.lsb_distrib_codename = grains.os === 'AstraLinuxSE' ? (inside.split(/\s+/)[0] ?? '').toLowerCase() : inside;
    }
  }
  grains.oscodename = str('lsb_distrib_codename').trim() || distroCodename;
  if (str('oscodename').includes('Red Hat')) grains.oscodename = distroCodename;
  if (!('os' in grains)) grains.os = deriveOsGrain(str('osfullname'));
  grains.os_family = OS_FAMILY_MAP[str('os')] ?? grains.os;
  return grains;
}

/** True when every character is a decimal digit (Python's `str.isdigit` for ASCII text). */
function isDigits(s: string): boolean {
  return /^\d+$/.test(s);
}

/**
 * Salt's `_osrelease_data`: `osrelease_info` (numeric parts as ints), `osmajorrelease` (omitted
 * when the first part is not a number) and `osfinger`.
 */
export function osreleaseData(os: string, osfullname: string, osrelease: string): Grains {
  const info: Array<number | string> = osrelease.split('.').map((p) => (isDigits(p) ? Number(p) : p));
  const out: Grains = { osrelease_info: info };
  const first = info[0]!;
  if (typeof first === 'number') out.osmajorrelease = first;
  else if (/^\s*[+-]?\d+(_\d+)*\s*$/.test(first)) out.osmajorrelease = Number(first.replace(/_/g, ''));
  const name = ['Debian', 'FreeBSD', 'OpenBSD', 'NetBSD', 'Mac', 'Raspbian'].includes(os) ? os : osfullname;
  out.osfinger = `${name}-${os === 'Ubuntu' || os === 'Pop' ? osrelease : String(first)}`;
  return out;
}
