package server_test

import (
	"testing"

	"github.com/authfetch/authfetch/server"
	"github.com/authfetch/authfetch/server/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) server.Store { return server.NewMemoryStore() })
}
