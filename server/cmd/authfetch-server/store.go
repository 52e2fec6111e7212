package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/redisstore"
)

// redisEnv names the environment variable that -redis defaults to. It is read after the
// flags, so that -help never prints its value, which may hold a password.
const redisEnv = "AUTHFETCH_REDIS_URL"

// redisURL is the -redis flag, else $AUTHFETCH_REDIS_URL.
func redisURL(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	return os.Getenv(redisEnv)
}

// openStore returns the Store for a Redis URL: nil (the Server's in-memory default) when
// it is empty, else a Redis store and the function that closes its client.
func openStore(redisURL string, key []byte) (server.Store, func(), error) {
	if redisURL == "" {
		return nil, func() {}, nil
	}
	if key == nil {
		return nil, nil, errors.New("-redis needs -key: instances that share Redis must sign with one key, or each refuses the others' tokens")
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		// The URL is not repeated: it may hold a password.
		return nil, nil, fmt.Errorf("-redis: %w", err)
	}
	client := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	// An unreachable Redis is not fatal: the server starts, answers logins and refreshes
	// 503 (clients keep their tokens and retry), and works once Redis answers.
	if err := client.Ping(ctx).Err(); err != nil {
		log.Printf("refresh-token families: Redis at %s does not answer (%v); logins and refreshes answer 503 until it does", opt.Addr, err)
	} else {
		log.Printf("refresh-token families: Redis at %s", opt.Addr)
	}
	return redisstore.New(client), func() { client.Close() }, nil
}
