/**
 * After the whole suite (vitest.config.ts runs this file in a later group than every other): search
 * the data directories the tests kept, the transcripts in their databases and the logs of the run
 * for every password and token a test registered (test/helpers/secrets.ts), as typed, URL-encoded and
 * base64-encoded at any offset — which covers AUTH PLAIN and AUTH LOGIN payloads — and AUTH PLAIN's
 * whole `\0user\0pass`.
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { registeredSecrets, type RegisteredSecret } from '../helpers/secrets.ts';
import { runLayout } from './secrets-run.ts';

interface Form {
  name: string;
  bytes: Buffer;
}

/**
 * Base64 of `value` as it appears inside a longer base64 text: for each of the three offsets the
 * value can start at, the characters that depend on its bytes alone.
 */
function base64Cores(value: Buffer): Buffer[] {
  const CHARS_SHARED_WITH_PREFIX = [0, 2, 3];
  return [0, 1, 2].map((offset) => {
    let encoded = Buffer.concat([Buffer.alloc(offset), value])
      .toString('base64')
      .replace(/=+$/, '');
    encoded = encoded.slice(CHARS_SHARED_WITH_PREFIX[offset]);
    // The last character of an unfinished group also holds bits of whatever follows.
    if ((offset + value.length) % 3 !== 0) encoded = encoded.slice(0, -1);
    return Buffer.from(encoded);
  });
}

function formsOf(secret: RegisteredSecret): Form[] {
  const value = Buffer.from(secret.value);
  const urlEncoded = encodeURIComponent(secret.value);
  const forms: Form[] = [
    { name: 'plain', bytes: value },
    ...(urlEncoded === secret.value ? [] : [{ name: 'URL-encoded', bytes: Buffer.from(urlEncoded) }]),
    ...base64Cores(value).map((bytes, offset) => ({ name: `base64 at offset ${offset}`, bytes })),
  ];
  if (secret.user !== undefined) {
    for (const authzid of ['', secret.user]) {
      forms.push({
        name: `AUTH PLAIN base64${authzid ? ' with authzid' : ''}`,
        bytes: Buffer.from(Buffer.from(`${authzid}\0${secret.user}\0${secret.value}`).toString('base64')),
      });
    }
  }
  return forms;
}

interface Target {
  name: string;
  bytes: Buffer;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every value of every table, one target per table: what a transcript or a row holds, whatever pages it spans on disk. */
function databaseTargets(file: string): Target[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    return tables.map((table) => {
      const rows = db
        .prepare(`SELECT * FROM "${table.replaceAll('"', '""')}"`)
        .raw()
        .all() as unknown[][];
      const values = rows.flat().map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v))));
      return { name: `${file} (table ${table})`, bytes: Buffer.concat(values.flatMap((v) => [v, Buffer.from('\n')])) };
    });
  } finally {
    db.close();
  }
}

/** Each secret form found in each file or table, as `where: which secret (form)`. */
function findLeaks(secrets: readonly RegisteredSecret[], dirs: { homesDir: string; logsDir: string }): string[] {
  const files = [...filesUnder(dirs.homesDir), ...filesUnder(dirs.logsDir)];
  const targets: Target[] = [
    ...files.map((file) => ({ name: file, bytes: readFileSync(file) })),
    ...files.filter((file) => file.endsWith('.sqlite')).flatMap(databaseTargets),
  ];
  return secrets.flatMap((secret, index) =>
    formsOf(secret).flatMap((form) =>
      targets
        .filter((t) => t.bytes.includes(form.bytes))
        .map((t) => `${path.relative(path.dirname(dirs.homesDir), t.name)}: secret #${index + 1} (${form.name})`),
    ),
  );
}

describe('the secrets scan', () => {
  it('finds a planted secret in plain text, base64 at any offset, AUTH PLAIN, and a transcript spanning database pages', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'outbound-scan-'));
    try {
      const dirs = { homesDir: path.join(scratch, 'homes'), logsDir: path.join(scratch, 'logs') };
      mkdirSync(path.join(dirs.homesDir, 'home-1', 'messages'), { recursive: true });
      mkdirSync(dirs.logsDir);
      const canary: RegisteredSecret = { value: 'canary Pa55 wörd', user: 'canary@example.org' };
      const authPlain = Buffer.from(`\0${canary.user}\0${canary.value}`).toString('base64');
      const db = new Database(path.join(dirs.homesDir, 'home-1', 'outbound.sqlite'));
      db.exec('CREATE TABLE attempts (transcript TEXT)');
      db.prepare('INSERT INTO attempts VALUES (?)').run(`${'S: 250 filler\n'.repeat(2000)}C: AUTH PLAIN ${authPlain}`);
      db.close();
      writeFileSync(path.join(dirs.homesDir, 'home-1', 'messages', 'a.eml'), `Subject: ${canary.value}\r\n`);
      writeFileSync(path.join(dirs.logsDir, 'console.log'), `token=${Buffer.from(`xy${canary.value}`).toString('base64')}\n`);

      const leaks = findLeaks([canary], dirs);
      expect(leaks).toEqual(
        expect.arrayContaining([
          'homes/home-1/outbound.sqlite (table attempts): secret #1 (AUTH PLAIN base64)',
          'homes/home-1/outbound.sqlite (table attempts): secret #1 (base64 at offset 2)',
          'homes/home-1/messages/a.eml: secret #1 (plain)',
          'logs/console.log: secret #1 (base64 at offset 2)',
        ]),
      );
      expect(findLeaks([{ value: 'not anywhere at all' }], dirs)).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('fails, rather than finding nothing, when it cannot read the list of secrets', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'outbound-scan-'));
    try {
      expect(() => registeredSecrets(path.join(scratch, 'secrets.jsonl'))).toThrow(/cannot read the run's list of secrets/);
      writeFileSync(path.join(scratch, 'secrets.jsonl'), `${JSON.stringify({ value: 'a secret here' })}\n${JSON.stringify({ value: 'a secret here' })}\n`);
      expect(registeredSecrets(path.join(scratch, 'secrets.jsonl'))).toEqual([{ value: 'a secret here' }]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("finds none of the suite's passwords and tokens in its data directories, transcripts and logs", (context) => {
    const secrets = registeredSecrets();
    if (secrets.length === 0) context.skip('no test registered a secret in this run: run the whole suite');
    expect(findLeaks(secrets, runLayout(inject('secretsRunDir')))).toEqual([]);
  });
});
