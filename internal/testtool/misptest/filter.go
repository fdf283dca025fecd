package misptest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
)

// ServeFiltered serves r from sim, a restSearch of attributes, answering
// only the attributes keep returns of those sim answered (an answer of
// none when it returns nil): a MISP whose tag was mostly removed.
func ServeFiltered(w http.ResponseWriter, r *http.Request, sim http.Handler, keep func([]json.RawMessage) []json.RawMessage) {
	r.Header.Del("Accept-Encoding")
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, r)
	var page struct {
		Response struct {
			Attribute []json.RawMessage `json:"Attribute"`
		} `json:"response"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	page.Response.Attribute = keep(page.Response.Attribute)
	if page.Response.Attribute == nil {
		page.Response.Attribute = []json.RawMessage{}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(page)
}
