/**
 * A message about the whole screen. The live region is always in the page (empty when there is
 * nothing to say) so screen readers announce the message when it appears.
 */
export function Banner({ kind, children }: { kind: 'error' | 'success'; children: string | null }) {
  return (
    <div
      className={children ? `banner ${kind}` : 'banner-empty'}
      role={kind === 'error' ? 'alert' : 'status'}
      data-testid={kind === 'error' ? 'error-banner' : 'status-banner'}
    >
      {children}
    </div>
  );
}
