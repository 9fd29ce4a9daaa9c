/**
 * The HTML a message body may hold, defined once: the composer keeps only this while the user edits
 * (renderer/src/compose/editor-html.ts) and the core keeps only this in what it sends and stores
 * (main/core/compose/body-html.ts), so what the user sees is what is sent. Plain data without imports:
 * preload/common/ is code that runs everywhere (Node, Chromium, the preload).
 */

/**
 * The class that marks the signature block (a div), so that choosing another From replaces it.
 * Kept in what is sent and stored too: a restored draft still knows its signature, and in the
 * recipient's client a class is inert (no styles go with the message), like Thunderbird's moz-signature.
 */
export const SIGNATURE_CLASS = 'signature';

/** What a pasted image's Content-ID may be, as the HTML refers to it (`cid:<cid>`): the contract's rule for `inline`. */
export const INLINE_CID = /^[A-Za-z0-9._-]{1,100}(@[A-Za-z0-9.-]{1,100})?$/;

/** The elements kept, each with the attributes it keeps; any other element gives way to its children. */
export const MAIL_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  p: [],
  div: ['class'],
  br: [],
  b: [],
  strong: [],
  i: [],
  em: [],
  u: [],
  s: [],
  code: [],
  h1: [],
  h2: [],
  h3: [],
  pre: [],
  blockquote: [],
  ul: [],
  ol: [],
  li: [],
  a: ['href'],
  img: ['src', 'alt'],
};

/** The values a `class` attribute may hold, by element. */
export const MAIL_CLASSES: Readonly<Record<string, readonly string[]>> = { div: [SIGNATURE_CLASS] };

/**
 * The URL schemes a URL attribute may hold, by element: links to the web and to mail; images only
 * from the message's own parts (`cid:`), since a remote image tells the sender when the mail is read.
 */
export const MAIL_URL_SCHEMES = { a: ['http', 'https', 'mailto'], img: ['cid'] } as const;

/**
 * Elements dropped with everything inside them: what would run, load, take input or draw, and a
 * document's head. Their text is not the message's (a script's source, a form's labels, a title).
 */
export const MAIL_DROPPED_WITH_CONTENT: readonly string[] = [
  'script',
  'style',
  'template',
  'noscript',
  'iframe',
  'frame',
  'object',
  'embed',
  'head',
  'title',
  'meta',
  'link',
  'svg',
  'math',
  'form',
  'input',
  'button',
  'select',
  'option',
  'textarea',
  'xmp',
  'video',
  'audio',
  'canvas',
];
