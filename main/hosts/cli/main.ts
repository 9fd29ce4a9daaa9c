/**
 * `outbound`: the same core and data directory as the app, for scripts and cron. Calls go only
 * through the contract (validated by the same dispatch as the app), so the CLI and the UI cannot
 * disagree. Exit codes follow sysexits(3) (see common.ts).
 */
import { parseArgs } from 'node:util';
import type { InProcessCore } from '../in-process.ts';
import { accountCommands } from './accounts.ts';
import { daemonCommands } from './daemon.ts';
import { EXIT, UsageError, list, report, type CliIo, type Command, type Context } from './common.ts';
import { outboxCommands } from './outbox.ts';
import { repairCommands } from './repair.ts';
import { sentCommands } from './sent.ts';
import { testInboxCommands } from './test-inbox.ts';
import { sendmailCommands } from './sendmail.ts';

const COMMANDS: Record<string, Command> = {
  ...accountCommands,
  ...outboxCommands,
  ...sentCommands,
  ...sendmailCommands,
  ...daemonCommands,
  ...repairCommands,
  ...testInboxCommands,
};

const USAGE = `Usage: outbound <command> [options]

${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name} ${command.usage}`)
  .join('\n')}

Data directory: OUTBOUND_HOME, or the app's own (shared with the desktop app).`;

const HELP = ['--help', '-h', 'help'];

/** Whether a command line starting with `word` is the CLI's (the installed app runs it with no window then). */
export const isCliCommand = (word: string | undefined): boolean =>
  word !== undefined && (HELP.includes(word) || Object.keys(COMMANDS).some((name) => name.split(' ')[0] === word));

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || HELP.includes(argv[0]!)) {
    io.stdout(USAGE);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const name = COMMANDS[`${argv[0]} ${argv[1]}`] ? `${argv[0]} ${argv[1]}` : argv[0]!;
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`outbound: unknown command "${argv.slice(0, 2).join(' ')}".\n\n${USAGE}`);
    return EXIT.usage;
  }
  let values: Context['values'];
  let positionals: string[];
  try {
    const args = argv.slice(name.split(' ').length);
    ({ values, positionals } = command.parse ? command.parse(args) : parseArgs({ args, options: command.options, strict: true, allowPositionals: true }));
    if (!command.parse && positionals.length !== (command.operands ?? 0))
      throw new UsageError(`takes ${command.operands ?? 'no'} operand(s), got: ${positionals.join(' ') || 'none'}.`);
  } catch (error) {
    io.stderr(`outbound ${name}: ${(error as Error).message}\nUsage: outbound ${name} ${command.usage}`);
    return EXIT.usage;
  }
  let core: InProcessCore | undefined;
  try {
    if ('withoutCore' in command) return await command.withoutCore({ values, positionals, io });
    // Loaded here, not above: the usage and a mistyped flag are answered without opening the core.
    const { openInProcess } = await import('../in-process.ts');
    core = openInProcess(
      {
        autoSend: false,
        ...command.core?.(values),
        // Sign-in (`account add --oauth`): the person opens the address in a browser on this machine; the loopback redirect comes back here.
        oauth: { openExternal: (url) => io.stdout(`Open this address in a browser on this machine to sign in; Outbound waits for it:\n${url}`) },
        // The CLI's file dialog: files named on the command line (`send --attach`) are the user's own choice, as the app's dialog is.
        pickFiles: () => Promise.resolve(list(values.attach)),
      },
      io.stderr,
    );
    return await command.run({ values, positionals, io, api: core.api });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`outbound ${name}: ${error.message}`);
      return EXIT.usage;
    }
    const { machineFault } = await import('../machine-faults.ts');
    const fault = machineFault(error);
    if (fault) return report(io, fault.toApiError());
    throw error;
  } finally {
    await core?.close();
  }
}
