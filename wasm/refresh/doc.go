// Package refresh is authfetch's engine: the rules that decide when an access token is
// refreshed, which requests wait for that refresh, what is replayed and what the app is told.
//
// It is pure Go and knows nothing of the browser. The browser bridge hands it small
// interfaces: a [Store] for the token pair, a [Transport] for the refresh call and a
// [Locker] that serialises refreshes across tabs. Everything here builds and tests natively.
//
// A request goes through the session in steps, which [Client.Do] composes for Go callers
// (its [Attempt] gets the [Header] to send) and the browser's loader takes one by one:
//
//	TokenNow (or Token, which may wait)  which access token to send
//	the request goes out                 the caller sends it and reads status and code
//	Judge                                PassThrough, or Expired
//	Renew, then the replay               the token to send it again with, once
//
// From Go, with a Transport that makes the refresh call and an Attempt that sends the
// request once with the header it is given (see the example of [Client.Do]):
//
//	client, err := refresh.New(&refresh.MemoryStore{}, transport, refresh.WithBaseURL("/api"))
//	client.SetTokens(refresh.Tokens{AccessToken: access, RefreshToken: refreshToken})
//	reply, err := client.Do(ctx, "GET /user/info", func(ctx context.Context, h refresh.Header) (refresh.Reply, error) {
//		// send the request with h.Name: h.Value, and return its status and body code
//	})
//
// TokenNow and Judge never block, so on the happy path the browser gets both answers
// synchronously. [Settings] are the options as data (what the loader sends as JSON), and
// [Client.Plan] what the loader needs to do its part.
//
// The contract, kept by [Client]:
//
//   - One refresh per expiry, however many requests are in flight. A request whose reply
//     says "expired" for a token older than the stored one is replayed with the stored one
//     and starts no refresh.
//   - Requests started while a refresh runs wait for it and go out with the new token.
//   - Each request is replayed at most once.
//   - A refresh that fails leaves the tokens in place and fails its waiters with
//     [ErrRefreshFailed]; a refresh the server refuses clears the tokens, fails its waiters
//     with [ErrSessionExpired] and reports one relogin [Event] per lost session.
//   - Nothing waits forever: the refresh has a deadline, a waiter whose context ends leaves
//     at once, and a panic inside the refresh reaches every waiter as an error.
package refresh
