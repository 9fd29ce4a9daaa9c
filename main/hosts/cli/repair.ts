/** `outbound repair`: a damaged or lost database repaired, not replaced (main/core/repair.ts). */
import { EXIT, type Command, type Context } from './common.ts';

async function repair({ io }: Omit<Context, 'api'>): Promise<number> {
  // Loaded here, not with every command: it brings the database code, which `--help` never needs.
  const { repairDataDirectory } = await import('../repair.ts');
  const report = await repairDataDirectory();
  if (report.sound) {
    io.stdout('outbound repair: the database is sound (PRAGMA quick_check found nothing wrong); nothing was changed.');
    return EXIT.ok;
  }
  const lines = [
    report.damagedCopy
      ? `outbound repair: the damaged database was moved aside, untouched, to ${report.damagedCopy}, and a new one made.`
      : 'outbound repair: there was no database; a new one was made.',
  ];
  if (report.tables.length > 0)
    lines.push(`Kept of the damaged one: ${report.tables.map((t) => `${t.table} ${t.kept}${t.lossy ? ' (some unreadable)' : ''}`).join(', ')}.`);
  const { count, unreadable } = report.broughtBack;
  lines.push(
    count === 0
      ? 'No message had to be brought back from its file.'
      : `${count} message${count === 1 ? ' was' : 's were'} brought back from ${count === 1 ? 'its file' : 'their files'} as uncertain: nothing is resent by itself. ` +
          'See them with `outbound outbox list`, then `outbound outbox resend ID` or `outbound outbox mark-sent ID`.',
  );
  if (unreadable.length > 0)
    lines.push(`These envelope files could not be read; their messages stay in the messages folder, untouched:\n  ${unreadable.join('\n  ')}`);
  io.stdout(lines.join('\n'));
  return EXIT.ok;
}

export const repairCommands: Record<string, Command> = {
  repair: {
    usage: `   Check the database; when it is damaged, move it aside untouched, keep what can be read, and bring
              back every message not known to be sent as uncertain.`,
    options: {},
    withoutCore: repair,
  },
};
