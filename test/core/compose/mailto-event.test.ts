/** A mailto: link handed to the app reaches the composer as the contract's mailtoOpened event. */
import { describe, expect, it } from 'vitest';
import type { MailtoView } from '../../../preload/common/contract/index.ts';
import { testCore } from '../../helpers/core.ts';

describe('mailto: links opened by the system', () => {
  it('are parsed and announced to the composer', () => {
    const { core } = testCore(undefined);
    const opened: MailtoView[] = [];
    core.events.on('mailtoOpened', (view) => opened.push(view));
    core.compose.openMailto('mailto:ann@example.org?cc=bob@example.org&subject=Hello%20there&body=Line%201%0D%0ALine%202');
    expect(opened).toEqual([{ to: ['ann@example.org'], cc: ['bob@example.org'], bcc: [], subject: 'Hello there', text: 'Line 1\nLine 2' }]);
  });
});
