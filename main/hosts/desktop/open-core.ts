/**
 * The app's core, its database checked first (quick_check). A damaged one is not replaced: the
 * person is told, and asked whether to repair it (main/core/repair.ts) or quit; after a repair, told
 * what was kept and what came back.
 */
import { AppError } from '../../core/app-error.ts';
import { openCore, type Core, type CoreOptions } from '../../core/index.ts';
import { defaultHome } from '../../core/paths.ts';
import { repairDatabase, type RepairReport } from '../../core/repair.ts';
import { machineFault } from '../machine-faults.ts';
import type { Question } from './system.ts';

export const repairQuestion = (why: string): Question => ({
  title: 'Outbound',
  message: "Outbound's database is damaged.",
  detail: `${why}\n\nRepair keeps the damaged file, untouched, beside the new one.`,
  buttons: ['Repair', 'Quit'],
  cancelId: 1,
});

export function repairedQuestion(report: RepairReport): Question {
  const { count } = report.broughtBack;
  return {
    title: 'Outbound',
    message: 'The database was repaired.',
    detail: [
      report.damagedCopy && `The damaged file is kept at ${report.damagedCopy}.`,
      count > 0
        ? `${count} message${count === 1 ? '' : 's'} came back from ${count === 1 ? 'its file' : 'their files'} as uncertain: check the Outbox, then send again or mark as sent. Nothing is resent by itself.`
        : 'No message had to be brought back from its file.',
    ]
      .filter(Boolean)
      .join('\n\n'),
    buttons: ['OK'],
    cancelId: 0,
  };
}

/** Resolves with the core, or undefined when the person chose to quit rather than repair. `ask` resolves with the button's index. */
export async function openCheckedCore(options: CoreOptions, ask: (notice: Question) => Promise<number>): Promise<Core | undefined> {
  const home = options.home ?? defaultHome();
  try {
    return openCore({ ...options, checkDatabase: true });
  } catch (error) {
    const fault = error instanceof AppError ? error : machineFault(error, home);
    if (fault?.code !== 'database_damaged') throw error;
    if ((await ask(repairQuestion(fault.message))) !== 0) return undefined;
  }
  const report = await repairDatabase(home);
  await ask(repairedQuestion(report));
  return openCore({ ...options, checkDatabase: true });
}
