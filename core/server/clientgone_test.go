package server

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

func TestClientCtx(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	cases := []struct {
		name string
		run  func(t *testing.T, w *clientCtx, client net.Conn)
	}{
		{"stopped unwatched is cancelled", func(t *testing.T, w *clientCtx, _ net.Conn) {
			w.Stop()
			if !errors.Is(w.Err(), context.Canceled) {
				t.Errorf("Err after Stop: %v, want context.Canceled", w.Err())
			}
			select {
			case <-w.Done():
			default:
				t.Error("Done not closed after Stop")
			}
			if w.timer != nil {
				t.Error("a watch started after Stop")
			}
		}},
		{"watched while the client stays", func(t *testing.T, w *clientCtx, _ net.Conn) {
			if err := w.Err(); err != nil {
				t.Errorf("Err with the client connected: %v", err)
			}
			w.Stop()
			if !errors.Is(w.Err(), context.Canceled) {
				t.Errorf("Err after Stop: %v, want context.Canceled", w.Err())
			}
		}},
		{"watched until the client leaves", func(t *testing.T, w *clientCtx, client net.Conn) {
			done := w.Done()
			_ = client.(*net.TCPConn).SetLinger(0) // the close resets the connection
			client.Close()
			select {
			case <-done:
			case <-time.After(30 * clientGonePoll):
				t.Fatal("context not cancelled after the client closed")
			}
			if !errors.Is(w.Err(), context.Canceled) {
				t.Errorf("Err: %v, want context.Canceled", w.Err())
			}
			w.Stop()
		}},
		{"a half-close is not a leave", func(t *testing.T, w *clientCtx, client net.Conn) {
			done := w.Done()
			if err := client.(*net.TCPConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-done:
				t.Fatal("context cancelled after the client closed its sending side")
			case <-time.After(4 * clientGonePoll):
			}
			w.Stop()
		}},
		{"a close after the first check is a leave", func(t *testing.T, w *clientCtx, client net.Conn) {
			done := w.Done()
			for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
				w.mu.Lock()
				checked := w.checks > 0
				w.mu.Unlock()
				if checked {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("no check in a minute")
				}
			}
			client.Close() // a device's timeout: a plain close, no reset
			select {
			case <-done:
			case <-time.After(time.Minute):
				t.Fatal("context not cancelled after the client closed")
			}
			w.Stop()
		}},
		{"values of the request's context", func(t *testing.T, w *clientCtx, _ net.Conn) {
			if got := w.Value(ctxKeyTest{}); got != "v" {
				t.Errorf("Value: %v, want v", got)
			}
			w.Stop()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			server, client, _ := tcpPair(t)
			parent := context.WithValue(context.Background(), ctxKeyTest{}, "v")
			tc.run(t, &clientCtx{Context: parent, conn: server}, client)
		})
	}
}

type ctxKeyTest struct{}
