package testtool

import "log/slog"

// JSONLogger returns a logger writing JSON records at the info level and
// above into a new LogBuffer, and that buffer to read them back.
func JSONLogger() (*slog.Logger, *LogBuffer) {
	logs := &LogBuffer{}
	return slog.New(slog.NewJSONHandler(logs, nil)), logs
}
