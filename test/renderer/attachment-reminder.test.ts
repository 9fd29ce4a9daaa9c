/** The attachment reminder's words: English always, the user's language too, whole words' starts only, quoted text not. */
import { describe, expect, it } from 'vitest';
import { mentionsAttachment } from '../../renderer/src/compose/attachment-reminder.ts';

describe('mentionsAttachment', () => {
  it.each([
    ['Report attached', '', 'en-US', true],
    ['', 'Please find the invoice enclosed.', 'en-GB', true],
    ['', 'See the ATTACHMENT.', 'en', true],
    ['Numbers', 'Die Zahlen anbei.', 'de-DE', true],
    ['Numbers', 'Voir la pièce jointe.', 'fr-FR', true],
    ['Numbers', 'Te envío el archivo adjunto.', 'es', true],
    ['Numbers', 'Die Zahlen anbei.', 'en-US', false], // another language than the user's
    ['Numbers', 'We are attached to this plan… detached.', 'en', true], // "attached" is still the word
    ['Numbers', 'The house is semidetached.', 'en', false],
    ['Re: Numbers', 'Thanks!\n> see the attached file\n> from last week', 'en', false], // quoted
    ['Lunch', 'Noon?', 'de', false],
  ])('%j %j (%s) → %s', (subject, text, locale, expected) => {
    expect(mentionsAttachment(subject, text, locale)).toBe(expected);
  });
});
