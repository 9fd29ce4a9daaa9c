/**
 * The message body's HTML, kept to what a mail needs and nothing that could run or reach out: an
 * allowlist of elements, links only to http(s) and mailto, images only from the message itself
 * (`cid:` parts). Every way HTML comes in — a paste, a restored draft, the preview — goes
 * through `sanitize`, and every way it goes out through `serialize`, so the renderer never hands a
 * string to the page's HTML parser (the static test forbids innerHTML) and the CSP is never tested
 * by an inline style or handler.
 */

import { INLINE_CID, MAIL_DROPPED_WITH_CONTENT, MAIL_ELEMENTS, MAIL_URL_SCHEMES, SIGNATURE_CLASS } from '../../../preload/common/mail-html.ts';

export { SIGNATURE_CLASS };

/** The allowlist the core sends by (preload/common/mail-html.ts), in DOM tag names. */
const KEPT = new Set(Object.keys(MAIL_ELEMENTS).map((tag) => tag.toUpperCase()));
/** Dropped with everything inside them; any other element is replaced by its children. */
const DROPPED = new Set(MAIL_DROPPED_WITH_CONTENT.map((tag) => tag.toUpperCase()));
const VOID = new Set(['BR', 'IMG']);

const LINK_SCHEMES = new Set(MAIL_URL_SCHEMES.a.map((scheme) => `${scheme}:`));
const INLINE_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/;

/**
 * The pictures of inline images pasted in this session, by cid. The message refers to them as
 * `cid:` (what the core sends); the editor shows them from here, since the CSP lets the page show
 * data: images but not cid: ones. A draft restored after a reload has no picture: its alt text shows.
 */
const inlinePictures = new Map<string, string>();
export function rememberInlinePicture(cid: string, dataUrl: string): void {
  if (INLINE_IMAGE.test(dataUrl)) inlinePictures.set(cid, dataUrl);
}

/** The link as it may go in the message, or null for anything but http(s) and mailto. */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href.trim());
    return LINK_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function cleanElement(source: Element, into: Document): Node | null {
  const tag = source.tagName.toUpperCase();
  if (DROPPED.has(tag)) return null;
  if (!KEPT.has(tag)) return sanitize(source, into);
  if (tag === 'IMG') {
    const cid = source.getAttribute('data-cid') ?? (source.getAttribute('src') ?? '').replace(/^cid:/i, '');
    // Only the message's own parts: a remote image would tell the sender when the mail is read.
    if (!INLINE_CID.test(cid)) return into.createTextNode(source.getAttribute('alt') ?? '');
    const image = into.createElement('img');
    image.setAttribute('data-cid', cid);
    image.setAttribute('alt', source.getAttribute('alt') ?? '');
    const picture = inlinePictures.get(cid);
    if (picture) image.setAttribute('src', picture);
    return image;
  }
  const element = into.createElement(tag.toLowerCase());
  if (tag === 'A') {
    const href = safeHref(source.getAttribute('href') ?? '');
    if (!href) return sanitize(source, into);
    element.setAttribute('href', href);
  }
  if (tag === 'DIV' && isSignature(source)) element.className = SIGNATURE_CLASS;
  element.append(sanitize(source, into));
  return element;
}

/** The signature block, also in a draft stored before the core kept its class: it starts with "-- ". */
const isSignature = (element: Element) => element.classList.contains(SIGNATURE_CLASS) || element.firstChild?.textContent === '-- ';

/** A clean copy of `source`'s children, built in `into` from the allowlist. */
export function sanitize(source: Node, into: Document = document): DocumentFragment {
  const fragment = into.createDocumentFragment();
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) fragment.append(into.createTextNode(child.textContent ?? ''));
    else if (child.nodeType === Node.ELEMENT_NODE) {
      const clean = cleanElement(child as Element, into);
      if (clean) fragment.append(clean);
    }
  }
  return fragment;
}

/** Parse HTML in an inert document (nothing runs or loads there) and keep only the allowlist. */
export function parseHtml(html: string): DocumentFragment {
  const inert = new DOMParser().parseFromString(html, 'text/html');
  return sanitize(inert.body);
}

const escapeText = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\u00a0/g, '&nbsp;');
const escapeAttribute = (text: string) => escapeText(text).replace(/"/g, '&quot;');

/** `node`'s children as HTML, through the same allowlist, images as the `cid:` parts they are. */
export function serialize(node: Node): string {
  let html = '';
  for (const child of Array.from(sanitize(node).childNodes)) html += serializeNode(child);
  return html;
}

function serializeNode(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return escapeText(node.textContent ?? '');
  const element = node as Element;
  const tag = element.tagName.toLowerCase();
  const attributes = Array.from(element.attributes)
    .filter((a) => tag !== 'img' || a.name !== 'src')
    .map((a) => (a.name === 'data-cid' ? ` src="cid:${escapeAttribute(a.value)}"` : ` ${a.name}="${escapeAttribute(a.value)}"`))
    .join('');
  if (VOID.has(element.tagName)) return `<${tag}${attributes}>`;
  return `<${tag}${attributes}>${Array.from(element.childNodes).map(serializeNode).join('')}</${tag}>`;
}

/** Plain text as rich text: one paragraph per blank-line-separated block, line breaks kept. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .filter((block) => block !== '')
    .map((block) => `<p>${block.split('\n').map(escapeText).join('<br>')}</p>`)
    .join('');
}

/** The signature block as the rich editor holds it: the "-- " separator, then the lines. */
export function signatureHtml(signature: string): string {
  return signature === '' ? '' : `<div class="${SIGNATURE_CLASS}">-- <br>${signature.split('\n').map(escapeText).join('<br>')}</div>`;
}

/** The plain-text separator before a signature (RFC 3676 §4.3). */
const TEXT_SEPARATOR = '\n\n-- \n';

/** `text` with `previous` signature (if it still ends the text) replaced by `next`; unchanged when `next` already ends it. */
export function replaceTextSignature(text: string, previous: string, next: string): string {
  const block = (signature: string) => (signature === '' ? '' : `${TEXT_SEPARATOR}${signature}`);
  if (next !== '' && text.endsWith(block(next))) return text;
  const old = block(previous);
  const body = old !== '' && text.endsWith(old) ? text.slice(0, -old.length) : text;
  return body + block(next);
}

const BLOCKS = new Set(['P', 'DIV', 'UL', 'OL', 'BLOCKQUOTE', 'PRE', 'H1', 'H2', 'H3']);

/** Rich text as plain text, for switching the composer to plain text: blocks, lists, quotes and link targets kept. */
export function htmlToText(html: string): string {
  const walk = (node: Node): string => {
    if (node.nodeType === Node.TEXT_NODE) return (node.textContent ?? '').replace(/\u00a0/g, ' ');
    const element = node as Element;
    const inner = Array.from(element.childNodes).map(walk).join('');
    switch (element.tagName) {
      case 'BR':
        return '\n';
      case 'LI':
        return `${element.parentElement?.tagName === 'OL' ? `${Array.from(element.parentElement.children).indexOf(element) + 1}.` : '-'} ${inner.trim()}\n`;
      case 'BLOCKQUOTE':
        return `\n${inner
          .trim()
          .split('\n')
          .map((l) => `> ${l}`)
          .join('\n')}\n\n`;
      case 'A': {
        const href = element.getAttribute('href') ?? '';
        return href === '' || href.replace(/^mailto:/, '') === inner ? inner : `${inner} <${href}>`;
      }
      case 'IMG':
        return `[${element.getAttribute('alt') || 'image'}]`;
      default:
        return BLOCKS.has(element.tagName) ? `\n${inner.replace(/\n+$/, '')}\n\n` : inner;
    }
  };
  return walk(parseHtml(html))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
