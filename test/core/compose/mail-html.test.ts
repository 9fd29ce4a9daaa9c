/**
 * What the user sees is what is sent: every element the composer keeps (the one allowlist,
 * preload/common/mail-html.ts) reaches a real SMTP server with its attributes, and the plain-text
 * alternative beside it reads as the user wrote it. Judged with mailparser on what the server received.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanitiseHtml } from '../../../main/core/compose/body-html.ts';
import { MAIL_DROPPED_WITH_CONTENT, MAIL_ELEMENTS, SIGNATURE_CLASS } from '../../../preload/common/mail-html.ts';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer;
beforeAll(async () => {
  server = await startSmtpServer();
});
afterAll(() => server?.close());

/** Compose `html` through the contract (with a staged picture for each of `cids`), send it through the outbox, and return what the server received. */
async function send(html: string, cids: string[] = []): Promise<ReceivedMessage> {
  const t = testCore(server);
  const account = await value(t.api.accounts.save(accountFor(server, { username: '', passwordCommand: '' })));
  const inline = [];
  for (const cid of cids) inline.push({ cid, path: (await value(t.api.attachments.stage(`${cid}.png`, Buffer.from(cid).toString('base64')))).path });
  const queued = await value(t.api.outbox.send({ delaySeconds: 0, accountId: account.id, to: ['ann@example.org'], subject: 'Rich', html, inline }));
  const before = server.messages.length;
  expect((await t.core.sender.sendNow(queued.id)).state).toBe('sent');
  return (await server.waitForMessages(before + 1))[before]!;
}

/** Each element as the composer would hand it over, with every attribute it may keep. */
const SAMPLES: Record<string, string> = {
  br: 'one line<br>the next',
  a: '<a href="https://example.org/page">a link</a>',
  img: '<img src="cid:picture-1" alt="a picture">',
  div: `<div class="${SIGNATURE_CLASS}">-- <br>Me Myself</div>`,
  li: '<ul><li>In li</li></ul>',
  ul: '<ul><li>In ul</li></ul>',
  ol: '<ol><li>In ol</li></ol>',
};
const sampleOf = (tag: string) => SAMPLES[tag] ?? `<${tag}>In ${tag}</${tag}>`;

describe('the HTML part', () => {
  it('holds every element the composer keeps, each with the attributes it keeps', async () => {
    for (const [tag, attributes] of Object.entries(MAIL_ELEMENTS)) {
      for (const attribute of attributes) expect(sampleOf(tag), `the sample of <${tag}> sets ${attribute}`).toContain(` ${attribute}="`);
    }
    const pieces = Object.keys(MAIL_ELEMENTS).map(sampleOf);
    const received = await send(pieces.join(''), ['picture-1']);
    // mailparser would turn cid: sources into data: URLs; the part as sent refers to the message's own image.
    const { html } = await simpleParser(received.raw, { keepCidLinks: true });
    if (typeof html !== 'string') throw new Error('no HTML part arrived');
    // The core writes void elements XHTML-style (<br />), the composer as HTML (<br>): the same element.
    const asHtml = html.replace(/ \/>/g, '>');
    for (const piece of pieces) expect(asHtml, piece).toContain(piece);
  });

  it('keeps the signature class and no other, on a div only; drops with its content what the composer drops', async () => {
    // HTML's void elements among them have no content to lose.
    const VOID = new Set(['frame', 'embed', 'meta', 'link', 'input']);
    const dropped = MAIL_DROPPED_WITH_CONTENT.map((tag) => (VOID.has(tag) ? `<${tag} src="cid:x">` : `<${tag}>gone with ${tag}</${tag}>`)).join('');
    const html = sanitiseHtml(`<div class="signature wide">-- <br>Me</div><p class="signature">kept text</p>${dropped}<span>kept too</span>`);
    expect(html).toBe('<div class="signature">-- <br />Me</div><p>kept text</p>kept too');
  });
});

describe('the plain-text alternative', () => {
  it('gives headings a block of their own in the words as typed, and preformatted text as it is', async () => {
    const code = '  function greet() {\n    return "a line longer than the 78 columns the rest of the text is wrapped at, kept whole";\n  }';
    const mail = (
      await send(
        `<h1>Größe matters</h1><p>Before <code>x = 1</code> and <s>struck</s>.</p><h2>Second level</h2><pre>${code}</pre><h3>Third level</h3><p>After.</p>`,
      )
    ).parsed;
    const text = (mail.text ?? '').replace(/\r\n/g, '\n');
    expect(text).toBe(`Größe matters\n\nBefore x = 1 and struck.\n\n\nSecond level\n\n${code}\n\n\nThird level\n\nAfter.`);
  });
});
