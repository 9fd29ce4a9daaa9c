import { useEffect, useState } from 'react';
import type { OAuthProviderView } from '../../../preload/common/contract/index.ts';

/** The providers Outbound signs in with (Google, Microsoft 365), with their servers; empty until main has answered. */
export function useProviders(): OAuthProviderView[] {
  const [providers, setProviders] = useState<OAuthProviderView[]>([]);
  useEffect(() => {
    void window.outbound.accounts.providers().then((result) => result.ok && setProviders(result.value));
  }, []);
  return providers;
}
