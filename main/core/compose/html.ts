/**
 * Rich text from the composer: sanitised on the way in to the few things an email body needs, and
 * turned into the plain-text alternative that goes beside it.
 */
import { convert } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';

const SANITISE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'div', 'br', 'b', 'strong', 'i', 'em', 'u', 'ul', 'ol', 'li', 'a', 'blockquote', 'img'],
  allowedAttributes: { a: ['href'], img: ['src', 'alt'] },
  allowedSchemes: [],
  allowedSchemesByTag: { a: ['http', 'https', 'mailto'], img: ['cid'] },
  allowProtocolRelative: false,
  // Script and style contents are dropped with their tags, not kept as text.
  disallowedTagsMode: 'discard',
  // An image without a cid: source (a remote image, a data: URL) goes entirely.
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^cid:/i.test(frame.attribs.src ?? ''),
};

/** Only formatting, http/https/mailto links, and images pasted into the message (cid:). */
export function sanitiseHtml(html: string): string {
  return sanitizeHtml(html, SANITISE);
}

/** The plain-text alternative: links as "text [url]", lists and quotes kept readable. */
export function textFromHtml(html: string): string {
  return convert(html, {
    wordwrap: 78,
    selectors: [{ selector: 'img', format: 'skip' }],
  });
}
