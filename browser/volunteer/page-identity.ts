import { browserApi } from '@/lib/api/api-call';
import { IdentityKeeper } from './identity-keeper';
import { usableLocalStorage } from './identity-storage';

let keeper: IdentityKeeper | null = null;

/**
 * The app's own pages' one anonymous identity (submitting jobs, linking a wallet, donating from the
 * donate page all share it: docs/api.md "Identity"), kept in `localStorage` under
 * `spare-cycles.volunteer` when the browser allows, else for this page only. Created on first use,
 * in the browser only.
 */
export function pageIdentity(): IdentityKeeper {
  keeper ??= new IdentityKeeper(browserApi, usableLocalStorage());
  return keeper;
}
