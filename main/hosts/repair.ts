/** Repair, for a host that runs it with no core open (the CLI), on the data directory the hosts share. */
import { defaultHome } from '../core/paths.ts';
import { repairDatabase, type RepairReport } from '../core/repair.ts';

export const repairDataDirectory = (home = defaultHome()): Promise<RepairReport> => repairDatabase(home);
