package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"

	"github.com/authfetch/authfetch/server"
)

// post sends a JSON body and decodes the reply's code and message.
func post(url, body string) (code int, message string, data json.RawMessage) {
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	defer res.Body.Close()
	var reply struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&reply); err != nil {
		log.Fatal(err)
	}
	return reply.Code, reply.Message, reply.Data
}

func ExampleNew() {
	s, err := server.New(server.Config{}) // one user, demo / demo
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", s.Handler())
	ts := httptest.NewServer(mux)
	defer ts.Close()

	code, msg, _ := post(ts.URL+"/api/login", `{"username":"demo","password":"nope"}`)
	fmt.Println(code, msg)
	code, msg, data := post(ts.URL+"/api/login", `{"username":"demo","password":"demo"}`)
	fmt.Println(code, msg)

	var pair struct{ Token, RefreshToken string }
	if err := json.Unmarshal(data, &pair); err != nil {
		log.Fatal(err)
	}
	refresh := func(token string) (next string) {
		code, msg, data := post(ts.URL+"/api/refreshJwt/"+token, "")
		var p struct{ RefreshToken string }
		_ = json.Unmarshal(data, &p)
		fmt.Println(code, msg)
		return p.RefreshToken
	}
	next := refresh(pair.RefreshToken)
	// A retry within the grace window (its reply was lost) gets the same successor.
	fmt.Println("same successor:", refresh(pair.RefreshToken) == next)
	refresh(next)
	// Once the successor was used, presenting the old token is reuse: the session ends.
	refresh(pair.RefreshToken)
	// Output:
	// 60204 wrong username or password
	// 0 ok
	// 0 ok
	// 0 ok
	// same successor: true
	// 0 ok
	// 10007 refresh token expired, please log in again
}

// ExampleServer_Middleware mounts the protocol's routes (login, refresh) under /api/ and
// protects an app's own route: the handler runs only for a valid access token, and finds
// its user with Subject.
func ExampleServer_Middleware() {
	s, err := server.New(server.Config{})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", s.Handler())
	mux.Handle("GET /orders", s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := server.Subject(r.Context())
		fmt.Fprintf(w, "orders of %s", user)
	})))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	access, _, err := s.IssuePair("ann")
	if err != nil {
		log.Fatal(err)
	}
	for _, token := range []string{access, ""} {
		req, _ := http.NewRequest("GET", ts.URL+"/orders", nil)
		req.Header.Set("X-Token", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(strings.TrimSpace(string(body)))
	}
	// Output:
	// orders of ann
	// {"code":50008,"message":"missing token"}
}

// ExampleConfig_onEvent feeds a metrics system: here a count of refreshes and of the
// answers that told a client to log in again.
func ExampleConfig_onEvent() {
	var refreshed, relogin atomic.Int64
	s, err := server.New(server.Config{OnEvent: func(e server.Event) {
		switch e {
		case server.EventRefreshed:
			refreshed.Add(1)
		case server.EventRelogin:
			relogin.Add(1)
		}
	}})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	_, refreshToken, err := s.IssuePair("ann")
	if err != nil {
		log.Fatal(err)
	}
	post(ts.URL+"/api/refreshJwt/"+refreshToken, "")
	post(ts.URL+"/api/refreshJwt/not-a-token", "")
	fmt.Println("refreshed:", refreshed.Load(), "relogin answers:", relogin.Load())
	// Output:
	// refreshed: 1 relogin answers: 1
}
