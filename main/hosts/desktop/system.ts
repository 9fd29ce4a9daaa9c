/**
 * The contract's `desktop` methods in the desktop app, over what the shell gives (Electron's login
 * items or the XDG autostart entry; Electron's mailto: client), and the one question asked on the
 * first start: whether Outbound should open mailto: links. Never taken without asking. No Electron.
 */
import type { ApiImplementation, DesktopView } from '../../../preload/common/contract/index.ts';
import { AppError } from '../../core/app-error.ts';
import type { SettingsStore } from '../../core/settings.ts';
import type { LoginItem } from './login-item.ts';

export interface MailApp {
  isDefault(): boolean;
  /** False when the system refused. */
  makeDefault(): boolean;
}

export interface SystemPorts {
  loginItem: LoginItem;
  mailApp: MailApp;
}

export function desktopApi(settings: Pick<SettingsStore, 'firstTime'>, { loginItem, mailApp }: SystemPorts): ApiImplementation['desktop'] {
  const view = (): DesktopView => ({ startAtLogin: loginItem.get(), defaultMailApp: mailApp.isDefault() });
  return {
    get: view,
    setStartAtLogin(on) {
      loginItem.set(on);
      return view();
    },
    makeDefaultMailApp() {
      if (!mailApp.makeDefault()) {
        throw new AppError(
          'unavailable',
          'The system did not let Outbound become the default mail app. Choose it in your system’s default apps settings instead.',
        );
      }
      return view();
    },
    offerStartAtLogin: () => !loginItem.get() && settings.firstTime('startAtLogin'),
  };
}

/** A question (or a notice, with one button) as the shell asks it: a native dialog. */
export interface Question {
  title: string;
  message: string;
  detail: string;
  buttons: readonly string[];
  /** The button Escape answers; the first is the default. */
  cancelId: number;
}

export const DEFAULT_MAIL_APP_QUESTION = {
  title: 'Default mail app',
  message: 'Make Outbound your default mail app?',
  detail: 'Links to email addresses (mailto:) in your browser and other apps would then open a new message in Outbound. You can change this later in Settings.',
  buttons: ['Make Default', 'Not Now'],
  /** Escape: not now. */
  cancelId: 1,
} as const;

/** On the first start on this data directory, while Outbound is not the default: ask, and do what the answer says. */
export async function askToBeDefaultOnce(
  settings: Pick<SettingsStore, 'firstTime'>,
  mailApp: MailApp,
  ask: (question: typeof DEFAULT_MAIL_APP_QUESTION) => Promise<boolean>,
): Promise<void> {
  if (mailApp.isDefault() || !settings.firstTime('defaultMailApp')) return;
  if (await ask(DEFAULT_MAIL_APP_QUESTION)) mailApp.makeDefault();
}
