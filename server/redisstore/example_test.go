package redisstore_test

import (
	"log"
	"net/http"
	"os"

	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/redisstore"
	"github.com/redis/go-redis/v9"
)

// ExampleNew chooses the Redis store: every instance of the backend points at the same
// Redis and has the same key, and a refresh token rotated on one is spent on all.
func ExampleNew() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()

	s, err := server.New(server.Config{
		Key:   []byte(os.Getenv("AUTHFETCH_KEY")), // 32 bytes or more, the same on every instance
		Store: redisstore.New(client),
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", s.Handler())
	log.Fatal(http.ListenAndServe(":8080", mux))
}
