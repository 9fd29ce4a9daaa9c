/**
 * A received message's body, shown safely: its sanitised HTML in a frame sandboxed to nothing (no
 * scripts, no same origin, no forms; links open nowhere but a new window the sandbox refuses) under
 * the page's own CSP, so nothing remote loads; a plain-text message as text.
 */
export function MailBody({ html, text }: { html: string | null; text: string }) {
  if (html === null) return <pre className="mail-text">{text}</pre>;
  return <iframe className="mail-html" title="The message" sandbox="" srcDoc={`<!doctype html><meta charset="utf-8">${html}`} />;
}
