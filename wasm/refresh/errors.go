package refresh

import (
	"errors"
	"fmt"
)

// Sentinels, checked with errors.Is.
var (
	// ErrSessionExpired: the refresh token is dead (or there is none) and the user must log
	// in again. The stored tokens have been cleared.
	ErrSessionExpired = errors.New("authfetch: session expired, log in again")
	// ErrRefreshFailed: the refresh could not complete (network, timeout, 5xx, malformed
	// reply). The tokens are kept and the next request tries again. It wraps the cause.
	ErrRefreshFailed = errors.New("authfetch: token refresh failed")
	// ErrInvalidOption: an option has a value the client cannot work with. The error is an
	// *OptionError naming the option.
	ErrInvalidOption = errors.New("authfetch: invalid option")
	// ErrInvalidTokens: SetTokens was given a pair it cannot store.
	ErrInvalidTokens = errors.New("authfetch: invalid tokens")
)

// OptionError names the option (by its JavaScript name, as the app wrote it) and says what
// is wrong with the value it got.
type OptionError struct {
	Option string
	Reason string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("authfetch: option %s: %s", e.Option, e.Reason)
}

// Is makes every OptionError match ErrInvalidOption.
func (e *OptionError) Is(target error) bool { return target == ErrInvalidOption }

func optionErrorf(option, format string, args ...any) *OptionError {
	return &OptionError{Option: option, Reason: fmt.Sprintf(format, args...)}
}

// panicError carries a panic out of the refresh goroutine to every waiter, as
// golang.org/x/sync/singleflight does, except that it is returned instead of re-panicked:
// in the browser a panic would end the Go runtime for the whole page.
type panicError struct {
	value any
}

func (p *panicError) Error() string { return fmt.Sprintf("panic during refresh: %v", p.value) }

// RefreshError is what a request gets when authentication could not be restored. Kind is
// ErrSessionExpired or ErrRefreshFailed; errors.Is finds both Kind and Cause.
type RefreshError struct {
	Kind   error
	Status int   // the refresh reply's HTTP status, 0 when there was none
	Code   int   // the refresh reply's body code, 0 when there was none
	Cause  error // why
}

func (e *RefreshError) Error() string { return e.Kind.Error() + ": " + e.Cause.Error() }

// Unwrap returns Kind and Cause.
func (e *RefreshError) Unwrap() []error { return []error{e.Kind, e.Cause} }

// refreshFailed wraps cause so that errors.Is finds both ErrRefreshFailed and the cause.
func refreshFailed(cause error) error {
	return &RefreshError{Kind: ErrRefreshFailed, Cause: cause}
}
