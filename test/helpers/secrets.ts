/**
 * The test suite's secrets, for the scan that runs after every other test file
 * (test/security/secrets-scan.test.ts; vitest.config.ts orders it last). A test registers each
 * password or token it uses, keeps the data directories that saw them with `keptHome()`, and records
 * output it captured itself (a child process's stdout); the scan then proves that none of the
 * secrets is in any data directory, transcript or log of the run, in plain text or base64.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { runLayout } from '../security/secrets-run.ts';

export interface RegisteredSecret {
  value: string;
  /** Set when the secret is this user's password: the scan also looks for AUTH PLAIN's `\0user\0pass`. */
  user?: string;
}

/** Shorter values turn up by chance in binary files, and their base64 is only a few characters. */
const MIN_SECRET_LENGTH = 8;

function layout(): ReturnType<typeof runLayout> {
  const dir = inject('secretsRunDir');
  if (!dir) throw new Error('No secrets run directory: run the tests with vitest.config.ts, whose globalSetup provides it.');
  return runLayout(dir);
}

/** Register a password or token the test uses; returns it, so a constant can be declared in one line. */
export function registerTestSecret(value: string, login: { user?: string } = {}): string {
  if (value.length < MIN_SECRET_LENGTH) throw new Error(`A test secret needs at least ${MIN_SECRET_LENGTH} characters, or the scan would find it by chance.`);
  const entry: RegisteredSecret = login.user === undefined ? { value } : { value, user: login.user };
  appendFileSync(layout().secretsFile, `${JSON.stringify(entry)}\n`);
  return value;
}

/** A fresh data directory that stays until the scan has searched it (the run's teardown removes it). */
export function keptHome(): string {
  return mkdtempSync(path.join(layout().homesDir, 'home-'));
}

/**
 * A password command (msmtp's passwordeval) that prints `password` from a file outside every data
 * directory: the command's text, which the account stores, does not contain the password itself.
 */
export function passwordCommandFor(password: string): string {
  const dir = path.join(path.dirname(layout().secretsFile), 'passwords');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, randomUUID());
  writeFileSync(file, password, { mode: 0o600 });
  return `cat '${file}'`;
}

/** Output the test captured rather than printed (a child process's stdout and stderr): the scan reads it as a log. */
export function recordTestOutput(text: string): void {
  appendFileSync(path.join(layout().logsDir, `output-${process.pid}.log`), `${text}\n`);
}

/**
 * Every secret registered in this run, once each. The run's setup creates the file, so a file that
 * cannot be read is a broken run, never "no secrets": the scan must fail rather than find nothing.
 */
export function registeredSecrets(secretsFile = layout().secretsFile): RegisteredSecret[] {
  let lines: string[];
  try {
    lines = readFileSync(secretsFile, 'utf8').split('\n').filter(Boolean);
  } catch (cause) {
    throw new Error(
      `The secrets scan cannot read the run's list of secrets (${secretsFile}); the suite's globalSetup (test/security/secrets-run.ts) creates it.`,
      { cause },
    );
  }
  return [...new Set(lines)].map((line) => JSON.parse(line) as RegisteredSecret);
}
