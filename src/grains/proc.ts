/** Parsers for the `/proc` files grains read: cpuinfo, meminfo and the kernel command line. */
import type { Grains } from './types.js';

const pyStrip = (s: string): string => s.trim();
const pySplit = (s: string): string[] => s.split(/\s+/).filter(Boolean);

/**
 * `/proc/cpuinfo` → `num_cpus` (count of `processor` lines, or the s390 `# processors` value),
 * `cpu_model` (the last `vendor_id`/`model name`/ARM `Processor`/PPC `cpu` value) and
 * `cpu_flags` (`flags` or ARM `Features`, split). Defaults: 0, "Unknown", [].
 * As in Salt, a value is only the text between the first and the second colon.
 */
export function parseCpuinfo(text: string | null): Grains {
  const g: Grains = {};
  if (text !== null) {
    g.num_cpus = 0;
    for (const line of text.split('\n')) {
      const comps = line.split(':');
      if (comps.length < 2) continue;
      const key = pyStrip(comps[0]!);
      const val = pyStrip(comps[1]!);
      if (key === 'processor') g.num_cpus = (g.num_cpus as number) + 1;
      else if (key === '# processors') g.num_cpus = Number.parseInt(val, 10);
      else if (key === 'vendor_id' || key === 'model name' || key === 'cpu') g.cpu_model = val;
      else if (key === 'flags' || key === 'Features') g.cpu_flags = pySplit(val);
      else if (key === 'Processor') {
        g.cpu_model = val.split('-')[0];
        g.num_cpus = 1;
      }
    }
  }
  if (!('num_cpus' in g)) g.num_cpus = 0;
  if (!('cpu_model' in g)) g.cpu_model = 'Unknown';
  if (!('cpu_flags' in g)) g.cpu_flags = [];
  return g;
}

/** `/proc/meminfo` → `mem_total` and `swap_total` in MiB (kB // 1024); 0 when unknown. */
export function parseMeminfo(text: string | null): Grains {
  const g: Grains = { mem_total: 0, swap_total: 0 };
  for (const line of (text ?? '').split('\n')) {
    const comps = line.split(':');
    if (comps.length < 2) continue;
    const kb = Number.parseInt(pySplit(comps[1]!)[0] ?? '', 10);
    if (!Number.isFinite(kb)) continue;
    const key = pyStrip(comps[0]!);
    if (key === 'MemTotal') g.mem_total = Math.floor(kb / 1024);
    if (key === 'SwapTotal') g.swap_total = Math.floor(kb / 1024);
  }
  return g;
}

/** Thrown by {@link shlexSplit} for text Python's `shlex.split` rejects. */
export class ShlexSplitError extends Error {
  override readonly name = 'ShlexSplitError';
  readonly code = 'ESHLEX';
}

/**
 * Python's `shlex.split(text)` (POSIX mode, no comments): words split on whitespace, quotes
 * removed, backslash escapes honoured outside single quotes.
 * @throws ShlexSplitError on an unclosed quote or a trailing backslash.
 */
export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else if (c === '\\' && i + 1 >= text.length) throw new ShlexSplitError('No escaped character');
      else word += c;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new ShlexSplitError('No escaped character');
      word += text[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new ShlexSplitError('No closing quotation');
  if (inWord) words.push(word);
  return words;
}

/**
 * The kernel command line as Salt's `kernelparams` grain: each word split on `=`; exactly two
 * parts give `[key, value]` (value stripped of double quotes), anything else `[first, null]`.
 * @throws ShlexSplitError when the command line cannot be split.
 */
export function parseKernelParams(cmdline: string): Array<[string, string | null]> {
  return shlexSplit(cmdline).map((item) => {
    const parts = item.split('=');
    return [parts[0]!, parts.length === 2 ? parts[1]!.replace(/^"+|"+$/g, '') : null];
  });
}
