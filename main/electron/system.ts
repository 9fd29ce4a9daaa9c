/** What the operating system lets Outbound be (main/hosts/desktop/system.ts decides), and its questions as native dialogs. */
import { app, dialog, type BrowserWindow } from 'electron';
import { HIDDEN_FLAG, launchCommand, xdgAutostart, type LoginItem } from '../hosts/desktop/login-item.ts';
import type { Question, SystemPorts } from '../hosts/desktop/system.ts';

export function systemPorts(): SystemPorts {
  // Electron writes login items on macOS and Windows only; Linux desktops read XDG autostart entries.
  const loginItem: LoginItem =
    process.platform === 'linux'
      ? xdgAutostart(launchCommand({ packaged: app.isPackaged, execPath: process.execPath, appImage: process.env.APPIMAGE, appPath: app.getAppPath() }))
      : { get: () => app.getLoginItemSettings().openAtLogin, set: (on) => app.setLoginItemSettings({ openAtLogin: on, args: [HIDDEN_FLAG] }) };
  return {
    loginItem,
    mailApp: {
      isDefault: () => app.isDefaultProtocolClient('mailto'),
      makeDefault: () => app.setAsDefaultProtocolClient('mailto'), // eng-disable PROTOCOL_HANDLER_JS_CHECK reviewed only when the user asks and a link only prefills the composer and sends nothing
    },
  };
}

/** Resolves with the index of the button chosen. */
export async function ask({ buttons, ...question }: Question, window: BrowserWindow | undefined): Promise<number> {
  // One button: a notice, not a question.
  const options = { ...question, type: buttons.length === 1 ? ('info' as const) : ('question' as const), buttons: [...buttons], defaultId: 0, noLink: true };
  const { response } = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  return response;
}
