package devhost

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

func appWithValues(values map[string]string) *funcapp.App {
	app := itemsApp()
	app.Settings = &funcapp.Settings{Values: values}
	return app
}

func TestSettingsPrecedence(t *testing.T) {
	file := map[string]string{
		"FUNCTIONS_WORKER_RUNTIME": "Custom",
		"AzureWebJobsStorage":      "UseDevelopmentStorage=true",
		"FIXTURE_MAX_BYTES":        "100",
	}
	tests := []struct {
		name        string
		environ     []string
		storage     string
		wantStorage string
		wantFile    bool
	}{
		{"local.settings.json alone", nil, "", "UseDevelopmentStorage=true", true},
		{"environment overrides the file", []string{"AzureWebJobsStorage=FromEnv"}, "", "FromEnv", false},
		{"-storage overrides both", []string{"AzureWebJobsStorage=FromEnv"}, "FromFlag", "FromFlag", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSettings(appWithValues(file), append(tt.environ, "PATH=/bin", KeyEnv+"=secret"), tt.storage)
			got, ok := s.Lookup(funcapp.StorageSetting)
			require.True(t, ok)
			assert.Equal(t, tt.wantStorage, got)
			assert.Equal(t, tt.wantFile, s.FromFile(funcapp.StorageSetting))
			env := s.Environ()
			assert.Contains(t, env, "AzureWebJobsStorage="+tt.wantStorage, "the handler sees the same storage")
			assert.Contains(t, env, "FIXTURE_MAX_BYTES=100")
			assert.Contains(t, env, "PATH=/bin")
			assert.True(t, slices.IsSorted(env))
			_, hasKey := s.Lookup(KeyEnv)
			assert.False(t, hasKey, "devhost's key never reaches the handler")
		})
	}
}

func TestOpenStorage(t *testing.T) {
	t.Run("devstore shortcut", func(t *testing.T) {
		s := NewSettings(appWithValues(map[string]string{"AzureWebJobsStorage": "UseDevelopmentStorage=true"}), nil, "")
		stores, infos, err := OpenStorage(itemsApp(), s, nil)
		require.NoError(t, err)
		require.Contains(t, stores, "AzureWebJobsStorage")
		require.Len(t, infos, 1, "one entry per connection, however many bindings use it")
		assert.Equal(t, StorageInfo{Connection: "AzureWebJobsStorage", Endpoint: "http://127.0.0.1:10000/devstoreaccount1/", FromFile: true}, infos[0])
	})
	t.Run("connection from -storage", func(t *testing.T) {
		conn := "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;BlobEndpoint=http://127.0.0.1:21000/devstoreaccount1"
		s := NewSettings(appWithValues(map[string]string{"AzureWebJobsStorage": "UseDevelopmentStorage=true"}), nil, conn)
		_, infos, err := OpenStorage(itemsApp(), s, nil)
		require.NoError(t, err)
		assert.Equal(t, "http://127.0.0.1:21000/devstoreaccount1/", infos[0].Endpoint)
		assert.False(t, infos[0].FromFile)
	})
	t.Run("missing setting", func(t *testing.T) {
		_, _, err := OpenStorage(itemsApp(), NewSettings(appWithValues(nil), nil, ""), nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "AzureWebJobsStorage")
	})
	t.Run("malformed connection string, key not echoed", func(t *testing.T) {
		s := NewSettings(appWithValues(nil), nil, "AccountName=x;AccountKey=not-base64-SECRET")
		_, _, err := OpenStorage(itemsApp(), s, nil)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "SECRET")
	})
}
