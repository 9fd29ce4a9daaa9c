/** The app's screens, in the order the navigation lists them, with their titles. */
export const SCREENS = ['compose', 'drafts', 'outbox', 'sent', 'testInbox', 'accounts', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

export const TITLES: Record<Screen, string> = {
  compose: 'Compose',
  drafts: 'Drafts',
  outbox: 'Outbox',
  sent: 'Sent',
  testInbox: 'Test inbox',
  accounts: 'Accounts',
  settings: 'Settings',
};
