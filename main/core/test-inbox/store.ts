/** What the test inbox received: a row each (who, what, when) and its bytes in the data directory's test-inbox/ folder. */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestInboxFault, TestInboxMessageDetail, TestInboxMessageView } from '../../../preload/common/contract/index.ts';
import { notFound } from '../app-error.ts';
import { summaryOf, readMessage } from '../compose/read.ts';
import { statements, type Db } from '../db/index.ts';
import type { Received } from './server.ts';

interface MessageRow {
  id: number;
  envelope_from: string;
  envelope_to: string;
  from_header: string;
  subject: string;
  size: number;
  file: string;
  received_at: number;
}

export interface TestInboxConfig {
  accountId: number;
  port: number;
  fault: TestInboxFault;
}

export class TestInboxStore {
  private readonly sql: ReturnType<typeof statements>;
  /** The folder the messages' bytes are kept in (beside the certificate). */
  readonly dir: string;

  constructor(db: Db, dir: string) {
    this.sql = statements(db);
    this.dir = dir;
  }

  config(): TestInboxConfig | undefined {
    const row = this.sql('SELECT account_id AS accountId, port, fault FROM test_inbox WHERE id = 1').get() as TestInboxConfig | undefined;
    return row && { ...row };
  }

  configure(accountId: number, port: number): void {
    this.sql(
      'INSERT INTO test_inbox (id, account_id, port) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, port = excluded.port',
    ).run(accountId, port);
  }

  setFault(fault: TestInboxFault): void {
    this.sql('UPDATE test_inbox SET fault = ? WHERE id = 1').run(fault);
  }

  async keep({ envelopeFrom, envelopeTo, bytes }: Received, now = Date.now()): Promise<number> {
    const { from, subject } = await summaryOf(bytes);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = `${randomUUID()}.eml`;
    writeFileSync(join(this.dir, file), bytes, { mode: 0o600 });
    const { lastInsertRowid } = this.sql(
      'INSERT INTO test_inbox_messages (envelope_from, envelope_to, from_header, subject, size, file, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(envelopeFrom, JSON.stringify(envelopeTo), from, subject, bytes.length, file, now);
    return Number(lastInsertRowid);
  }

  list(): TestInboxMessageView[] {
    return (this.sql('SELECT * FROM test_inbox_messages ORDER BY received_at DESC, id DESC').all() as MessageRow[]).map(view);
  }

  async get(id: number): Promise<TestInboxMessageDetail> {
    const row = this.sql('SELECT * FROM test_inbox_messages WHERE id = ?').get(id) as MessageRow | undefined;
    if (!row) throw notFound(`There is no message ${id} in the test inbox.`);
    return { ...view(row), ...(await readMessage(readFileSync(join(this.dir, row.file)))) };
  }

  empty(): void {
    const files = this.sql('DELETE FROM test_inbox_messages RETURNING file').pluck().all() as string[];
    for (const file of files) rmSync(join(this.dir, file), { force: true });
  }
}

function view(row: MessageRow): TestInboxMessageView {
  return {
    id: row.id,
    envelopeFrom: row.envelope_from,
    envelopeTo: JSON.parse(row.envelope_to) as string[],
    from: row.from_header,
    subject: row.subject,
    size: row.size,
    receivedAt: new Date(row.received_at).toISOString(),
  };
}
