package mispsim

import (
	"net/http"
	"testing"
)

// Every answer's Date is the emulator's clock, the one its writes are
// stamped with, as a MISP's web server and PHP read one clock: a client
// can tell MISP's time from it, whatever its own clock says.
func TestDateIsTheEmulatorsClock(t *testing.T) {
	url := serve(t, newServer(t, Options{Now: fixedNow}))
	for _, tc := range []struct{ name, path, key string }{
		{"an answer", "/servers/getVersion", DefaultKey},
		{"a refusal", "/attributes/restSearch", "wrong"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, url+tc.path, nil)
			req.Header.Set("Authorization", tc.key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got, want := resp.Header.Get("Date"), testNow.Format(http.TimeFormat); got != want {
				t.Errorf("Date %q, want %q", got, want)
			}
		})
	}
}
