module github.com/authfetch/authfetch/bench

go 1.26.0

require github.com/authfetch/authfetch v0.0.0-00010101000000-000000000000

require (
	github.com/andybalholm/brotli v1.3.0
	github.com/authfetch/authfetch/internal/chromium v0.0.0-00010101000000-000000000000
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.23.0
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/hack-pad/safejs v0.1.1
)

require github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect

replace (
	github.com/authfetch/authfetch => ../
	github.com/authfetch/authfetch/internal/chromium => ../internal/chromium
)
