/**
 * Looks up local users and groups (`/etc/passwd`, `/etc/group`, then `getent` for NSS sources),
 * for `runas`/`group` in the cmd module.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
}

function getent(db: string, key: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('getent', [db, key], { timeout: 5000 }, (err, stdout) => resolve(err ? undefined : stdout.split('\n')[0]));
  });
}

async function findLine(file: string, db: string, name: string): Promise<string[] | undefined> {
  try {
    const text = await readFile(file, 'utf8');
    for (const line of text.split('\n')) {
      const fields = line.split(':');
      if (fields[0] === name) return fields;
    }
  } catch {
    /* fall through to getent */
  }
  const line = await getent(db, name);
  return line ? line.split(':') : undefined;
}

/** The passwd entry of a user (by name), or undefined when there is no such user. */
export async function getUser(name: string): Promise<PasswdEntry | undefined> {
  const f = await findLine('/etc/passwd', 'passwd', name);
  if (!f || f.length < 7) return undefined;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6] };
}

/** The group entry of a group (by name), or undefined when there is no such group. */
export async function getGroup(name: string): Promise<GroupEntry | undefined> {
  const f = await findLine('/etc/group', 'group', name);
  if (!f || f.length < 3) return undefined;
  return { name: f[0], gid: Number(f[2]) };
}
