/**
 * Rich text from the composer: sanitised on the way in to the few things an email body needs, and
 * turned into the plain-text alternative that goes beside it.
 */
import { convert } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';
import { MAIL_CLASSES, MAIL_DROPPED_WITH_CONTENT, MAIL_ELEMENTS, MAIL_URL_SCHEMES } from '../../../preload/common/mail-html.ts';

/** sanitize-html wants its own (mutable) copy of each list. */
const copyOf = (table: Readonly<Record<string, readonly string[]>>) => Object.fromEntries(Object.entries(table).map(([key, list]) => [key, [...list]]));

const SANITISE: sanitizeHtml.IOptions = {
  allowedTags: Object.keys(MAIL_ELEMENTS),
  allowedAttributes: copyOf(MAIL_ELEMENTS),
  allowedClasses: copyOf(MAIL_CLASSES),
  allowedSchemes: [],
  allowedSchemesByTag: copyOf(MAIL_URL_SCHEMES),
  allowProtocolRelative: false,
  // Any other element gives way to its children, and these go with their contents, as in the composer.
  disallowedTagsMode: 'discard',
  nonTextTags: [...MAIL_DROPPED_WITH_CONTENT],
  // An image without a cid: source (a remote image, a data: URL) goes entirely.
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^cid:/i.test(frame.attribs.src ?? ''),
};

/** Only the elements of preload/common/mail-html.ts: formatting, http/https/mailto links, images pasted into the message (cid:). */
export function sanitiseHtml(html: string): string {
  return sanitizeHtml(html, SANITISE);
}

/** The plain-text alternative: links as "text [url]", lists and quotes kept readable, preformatted text as it is. */
export function textFromHtml(html: string): string {
  return convert(html, {
    wordwrap: 78,
    selectors: [
      { selector: 'img', format: 'skip' },
      // A heading stays a block of its own, in the words as typed: html-to-text would put it in capitals.
      ...['h1', 'h2', 'h3'].map((selector) => ({ selector, options: { uppercase: false } })),
    ],
  });
}
