/**
 * The composer's HTML helpers that need no page: plain text to rich text, the signature block, the
 * plain-text signature swap, and which links may go in a message. (The sanitiser itself walks DOM
 * nodes; the e2e tests drive it in Chromium.)
 */
import { describe, expect, it } from 'vitest';
import { replaceTextSignature, safeHref, signatureHtml, textToHtml } from '../../renderer/src/compose/editor-html.ts';

describe('textToHtml', () => {
  it('makes a paragraph of each block, keeps line breaks and escapes what HTML would read', () => {
    expect(textToHtml('Hi <b>&\u00a0you</b>\nsecond line\n\n\nnext')).toBe('<p>Hi &lt;b&gt;&amp;&nbsp;you&lt;/b&gt;<br>second line</p><p>next</p>');
    expect(textToHtml('')).toBe('');
  });
});

describe('signatureHtml', () => {
  it('is the "-- " separator and the lines, escaped, in the signature block', () => {
    expect(signatureHtml('Ann <CEO>\nOutbound')).toBe('<div class="signature">-- <br>Ann &lt;CEO&gt;<br>Outbound</div>');
    expect(signatureHtml('')).toBe('');
  });
});

describe('replaceTextSignature', () => {
  it('replaces the signature that ends the text, after the RFC 3676 separator', () => {
    expect(replaceTextSignature('Hello\n\n-- \nAnn', 'Ann', 'Sales')).toBe('Hello\n\n-- \nSales');
    expect(replaceTextSignature('Hello\n\n-- \nAnn', 'Ann', '')).toBe('Hello');
  });

  it('adds the new one when the old no longer ends the text, and changes nothing when the new one is there already', () => {
    expect(replaceTextSignature('Hello', 'Ann', 'Sales')).toBe('Hello\n\n-- \nSales');
    expect(replaceTextSignature('Hello\n\n-- \nSales', 'Ann', 'Sales')).toBe('Hello\n\n-- \nSales');
    expect(replaceTextSignature('', '', 'Ann')).toBe('\n\n-- \nAnn');
  });
});

describe('safeHref', () => {
  it('keeps http(s) and mailto links, normalised', () => {
    expect(safeHref(' https://example.org/a b ')).toBe('https://example.org/a%20b');
    expect(safeHref('mailto:ann@example.org')).toBe('mailto:ann@example.org');
  });

  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'cid:x@outbound', '/relative', 'not a url'])('drops %j', (href) => {
    expect(safeHref(href)).toBeNull();
  });
});
