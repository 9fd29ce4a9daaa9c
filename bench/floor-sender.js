/**
 * The floor under `outbound send`, for `npm run bench:cli`: the least a sender on Outbound's stack does
 * — record the message in SQLite (WAL, synchronous=FULL), compose it and hand it to the server with
 * nodemailer's SMTP client, record the server's answer — with nothing of Outbound (no contract, no
 * validation, no core). Plain JavaScript on the same Node with the compile cache, as the CLI runs: its
 * time and memory are what the stack costs before any of our code.
 *
 *   node bench/floor-sender.js DATABASE PORT
 */
import { enableCompileCache, createRequire } from 'node:module';

enableCompileCache();
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
// The CommonJS build the CLI's bundle uses (vite.cli.config.ts): not nodemailer's index, which loads every transport.
const SMTPConnection = require('nodemailer/lib/smtp-connection');
const MailComposer = require('nodemailer/lib/mail-composer');

const [database, port] = process.argv.slice(2);
const db = new Database(database);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS sent (id INTEGER PRIMARY KEY, state TEXT, reply TEXT)');
const { lastInsertRowid: id } = db.prepare(`INSERT INTO sent (state) VALUES ('queued')`).run();

const envelope = { from: 'bench@outbound.test', to: ['sink@outbound.test'] };
const message = new MailComposer({ from: envelope.from, to: envelope.to, subject: 'bench', text: 'A small message.' }).compile();
const connection = new SMTPConnection({ host: '127.0.0.1', port: Number(port), secure: false, ignoreTLS: true });
await new Promise((resolve, reject) => {
  connection.once('error', reject);
  connection.connect(resolve);
});
const info = await new Promise((resolve, reject) =>
  connection.send(envelope, message.createReadStream(), (error, info) => (error ? reject(error) : resolve(info))),
);
connection.quit();
db.prepare(`UPDATE sent SET state = 'sent', reply = ? WHERE id = ?`).run(info.response, id);
db.close();
