import { useQueries } from '@tanstack/react-query'
import { isSessionExpiredError } from 'authfetch'
import { getJSON } from './api.js'

// useRecords loads n records with one query each, all at once, when round is 1 or more,
// and sums up how they ended: "20 loaded, 0 session expired, 0 failed".
export function useRecords (fetch, round, n) {
  return useQueries({
    queries: Array.from({ length: n }, (_, i) => ({
      queryKey: ['record', round, i],
      queryFn: () => getJSON(fetch, `/user/info?record=${i}`),
      enabled: round > 0,
      staleTime: Infinity // a round is loaded once; the next click loads the next round
    })),
    combine (results) {
      if (round === 0) return ''
      if (results.some((r) => r.isPending)) return 'loading'
      const ok = results.filter((r) => r.isSuccess).length
      const expired = results.filter((r) => r.isError && isSessionExpiredError(r.error)).length
      return `${ok} loaded, ${expired} session expired, ${results.length - ok - expired} failed`
    }
  })
}
