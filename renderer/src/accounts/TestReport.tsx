import type { ConnectionTestView } from '../../../preload/common/contract/index.ts';

/** The connection test's verdict, what the server offers, its certificate and the transcript; then IMAP's, when the account has it. */
export function TestReport({
  result,
  onPin,
  advice,
}: {
  result: ConnectionTestView;
  onPin: (fingerprint: string) => void;
  /** Where the test's failure is the question (setting up): what to do, under the verdict, and the dialogue shown at once. */
  advice?: string;
}) {
  const c = result.capabilities;
  const cert = result.certificate;
  const offers =
    c &&
    [
      c.starttls && 'STARTTLS',
      c.pipelining && 'PIPELINING',
      c.eightBitMime && '8BITMIME',
      c.smtpUtf8 && 'SMTPUTF8',
      c.dsn && 'DSN',
      `AUTH ${c.auth.join(' ') || '(none)'}`,
      c.size ? `SIZE ${Math.round(c.size / 1048576)} MB` : null,
    ]
      .filter(Boolean)
      .join(' · ');
  return (
    <div className={result.ok ? 'test-report ok' : 'test-report failed'} data-testid="test-report">
      <p className="verdict" role={result.ok ? 'status' : 'alert'}>
        {result.verdict}
      </p>
      {result.code !== null && <p className="muted">Server replied: {result.reply ?? result.code}</p>}
      {advice && <p className="advice">{advice}</p>}
      {offers && <p className="muted">Server offers: {offers}</p>}
      {cert && (
        <div className="certificate">
          <p className="muted">
            Certificate for {cert.names.join(', ') || cert.subject}, issued by {cert.issuer}
            {cert.selfSigned ? ' (self-signed)' : ''}, valid until {cert.validTo.slice(0, 10)}
          </p>
          <p className="fingerprint">
            SHA-256 <code>{cert.fingerprint}</code>
          </p>
          {!result.certificateTrusted && (
            <button type="button" onClick={() => onPin(cert.fingerprint)}>
              Trust this certificate
            </button>
          )}
        </div>
      )}
      <details open={advice !== undefined}>
        <summary>Transcript</summary>
        <pre data-testid="transcript">{result.transcript}</pre>
      </details>
      {result.imap && (
        <div className={result.imap.ok ? 'imap-report' : 'imap-report failed'} data-testid="imap-report">
          <p className="verdict" role={result.imap.ok ? 'status' : 'alert'}>
            IMAP: {result.imap.verdict}
          </p>
          {result.imap.capabilities.length > 0 && <p className="muted">IMAP server offers: {result.imap.capabilities.join(' · ')}</p>}
          <details>
            <summary>IMAP steps</summary>
            <pre>{result.imap.transcript}</pre>
          </details>
        </div>
      )}
    </div>
  );
}
