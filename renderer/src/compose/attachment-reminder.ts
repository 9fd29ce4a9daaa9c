/**
 * The attachment reminder: a message whose subject or text says something is attached, with nothing
 * attached, is asked about before it goes (as Gmail and Thunderbird do). The words in English and
 * in the user's language; text quoted from an earlier message (lines starting with ">") does not count.
 */

/** Word stems by language (the first part of the locale); each matches at the start of a word. */
const WORDS: Record<string, readonly string[]> = {
  en: ['attach', 'enclos'],
  de: ['anhang', 'angehängt', 'anbei', 'beigefügt', 'anlage'],
  fr: ['pièce jointe', 'pièces jointes', 'ci-joint', 'joint'],
  es: ['adjunt'],
  it: ['allegat'],
  nl: ['bijlage', 'bijgevoegd'],
  pt: ['anexo', 'anexad', 'em anexo'],
};

/** Whether `subject` or `text` says a file is attached, in English or in `locale`'s language. */
export function mentionsAttachment(subject: string, text: string, locale: string): boolean {
  const stems = [...WORDS.en!, ...(WORDS[locale.split('-')[0]!.toLowerCase()] ?? [])];
  const own = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('>'))
    .join('\n');
  const written = `${subject}\n${own}`.toLocaleLowerCase();
  return stems.some((stem) => new RegExp(`(^|[^\\p{L}])${stem.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}`, 'u').test(written));
}
