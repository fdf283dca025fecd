package mispsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// marshal encodes v as MISP does: no HTML escaping, slashes and non-ASCII
// left alone.
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only fixed, encodable types reach here
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

func versionJSON() []byte {
	return marshal(struct {
		Version                  string   `json:"version"`
		PyMISPRecommendedVersion string   `json:"pymisp_recommended_version"`
		PermSync                 bool     `json:"perm_sync"`
		PermSighting             bool     `json:"perm_sighting"`
		PermGalaxyEditor         bool     `json:"perm_galaxy_editor"`
		PermAnalystData          bool     `json:"perm_analyst_data"`
		UUID                     string   `json:"uuid"`
		RequestEncoding          []string `json:"request_encoding"`
		FilterSightings          bool     `json:"filter_sightings"`
	}{Version, Version, false, true, false, true, "-", []string{"gzip", "br"}, true})
}

// userJSON is /users/view/me for API user u.
func (s *Server) userJSON(u User) []byte {
	now := s.opts.Now().Unix()
	ts := func(d int64) string { return strconv.FormatInt(now-d, 10) }
	type user struct {
		ID                   string  `json:"id"`
		OrgID                string  `json:"org_id"`
		Email                string  `json:"email"`
		Autoalert            bool    `json:"autoalert"`
		InvitedBy            string  `json:"invited_by"`
		GPGKey               *string `json:"gpgkey"`
		CertifPublic         *string `json:"certif_public"`
		NidsSid              string  `json:"nids_sid"`
		Termsaccepted        bool    `json:"termsaccepted"`
		Newsread             string  `json:"newsread"`
		RoleID               string  `json:"role_id"`
		ChangePw             bool    `json:"change_pw"`
		Contactalert         bool    `json:"contactalert"`
		Disabled             bool    `json:"disabled"`
		Expiration           *string `json:"expiration"`
		CurrentLogin         string  `json:"current_login"`
		LastLogin            string  `json:"last_login"`
		LastAPIAccess        string  `json:"last_api_access"`
		ForceLogout          bool    `json:"force_logout"`
		DateCreated          string  `json:"date_created"`
		DateModified         string  `json:"date_modified"`
		LastPwChange         string  `json:"last_pw_change"`
		ExternalAuthRequired bool    `json:"external_auth_required"`
		ExternalAuthKey      *string `json:"external_auth_key"`
		Sub                  *string `json:"sub"`
		NotificationDaily    bool    `json:"notification_daily"`
		NotificationWeekly   bool    `json:"notification_weekly"`
		NotificationMonthly  bool    `json:"notification_monthly"`
		Password             string  `json:"password"`
		TOTP                 string  `json:"totp"`
		HOTPCounter          *string `json:"hotp_counter"`
	}
	type role struct {
		ID                    string `json:"id"`
		Name                  string `json:"name"`
		Created               string `json:"created"`
		Modified              string `json:"modified"`
		PermAdd               bool   `json:"perm_add"`
		PermModify            bool   `json:"perm_modify"`
		PermModifyOrg         bool   `json:"perm_modify_org"`
		PermPublish           bool   `json:"perm_publish"`
		PermDelegate          bool   `json:"perm_delegate"`
		PermSync              bool   `json:"perm_sync"`
		PermAdmin             bool   `json:"perm_admin"`
		PermAudit             bool   `json:"perm_audit"`
		PermFull              bool   `json:"perm_full"`
		PermAuth              bool   `json:"perm_auth"`
		PermSiteAdmin         bool   `json:"perm_site_admin"`
		PermRegexpAccess      bool   `json:"perm_regexp_access"`
		PermTagger            bool   `json:"perm_tagger"`
		PermTemplate          bool   `json:"perm_template"`
		PermSharingGroup      bool   `json:"perm_sharing_group"`
		PermTagEditor         bool   `json:"perm_tag_editor"`
		PermSighting          bool   `json:"perm_sighting"`
		PermObjectTemplate    bool   `json:"perm_object_template"`
		DefaultRole           bool   `json:"default_role"`
		MemoryLimit           string `json:"memory_limit"`
		MaxExecutionTime      string `json:"max_execution_time"`
		RestrictedToSiteAdmin bool   `json:"restricted_to_site_admin"`
		PermPublishZmq        bool   `json:"perm_publish_zmq"`
		PermPublishKafka      bool   `json:"perm_publish_kafka"`
		PermDecaying          bool   `json:"perm_decaying"`
		EnforceRateLimit      bool   `json:"enforce_rate_limit"`
		RateLimitCount        string `json:"rate_limit_count"`
		PermGalaxyEditor      bool   `json:"perm_galaxy_editor"`
		PermWarninglist       bool   `json:"perm_warninglist"`
		PermViewFeedCorr      bool   `json:"perm_view_feed_correlations"`
		PermAnalystData       bool   `json:"perm_analyst_data"`
		PermSkipOTP           bool   `json:"perm_skip_otp"`
		PermServerSign        bool   `json:"perm_server_sign"`
		PermSyncInternal      bool   `json:"perm_sync_internal"`
		PermSyncAuthoritative bool   `json:"perm_sync_authoritative"`
	}
	type org struct {
		ID          string  `json:"id"`
		Name        string  `json:"name"`
		DateCreated string  `json:"date_created"`
		DateMod     string  `json:"date_modified"`
		Description string  `json:"description"`
		Type        string  `json:"type"`
		Nationality string  `json:"nationality"`
		Sector      string  `json:"sector"`
		CreatedBy   string  `json:"created_by"`
		UUID        string  `json:"uuid"`
		Contacts    string  `json:"contacts"`
		Local       bool    `json:"local"`
		Restricted  string  `json:"restricted_to_domain"`
		Landingpage *string `json:"landingpage"`
	}
	created := "2024-01-15 09:30:00"
	orgName, orgUUID := localOrgName, localOrgUUID
	if u.OrgID != 1 {
		orgName, orgUUID = fmt.Sprintf("ORG%d", u.OrgID), fmt.Sprintf("5c6983c8-3af8-4b9e-8a3e-%012d", u.OrgID)
	}
	return marshal(struct {
		User         user  `json:"User"`
		Role         role  `json:"Role"`
		UserSetting  []any `json:"UserSetting"`
		Organisation org   `json:"Organisation"`
	}{
		User: user{
			ID: strconv.FormatInt(u.ID, 10), OrgID: strconv.FormatInt(u.OrgID, 10), Email: u.Email, InvitedBy: "0",
			NidsSid: "4000000", Termsaccepted: true, Newsread: "0", RoleID: "3",
			CurrentLogin: ts(3600), LastLogin: ts(86400), LastAPIAccess: ts(0),
			DateCreated: ts(400 * 86400), DateModified: ts(30 * 86400), LastPwChange: ts(90 * 86400),
			Password: "*****", TOTP: "*****",
		},
		Role: role{
			ID: "3", Name: "User", Created: created, Modified: created,
			PermAdd: true, PermModify: true, PermModifyOrg: true, PermAuth: true, PermTagger: true,
			PermSighting: true, DefaultRole: true, PermDecaying: true, RateLimitCount: "0",
			PermAnalystData: true,
		},
		UserSetting: []any{},
		Organisation: org{
			ID: strconv.FormatInt(u.OrgID, 10), Name: orgName, DateCreated: created, DateMod: created,
			Type: "ADMIN", CreatedBy: "0", UUID: orgUUID, Local: true, Restricted: "[]",
		},
	})
}

// describeTypesJSON lists the known types plus any other type in the data.
func (s *Server) describeTypesJSON() []byte {
	s.mu.RLock()
	names := slices.Clone(s.st.typeNames)
	s.mu.RUnlock()
	defs := slices.Clone(knownTypes)
	for _, n := range names[len(knownTypes):] {
		defs = append(defs, typeDef{name: n, defaultCategory: "Other", cats: cOther})
	}
	b := []byte(`{"result":{"sane_defaults":{`)
	for i, d := range defs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, d.name)
		b = append(b, `:{"default_category":`...)
		b = appendJSONString(b, d.defaultCategory)
		b = append(b, `,"to_ids":`...)
		if d.toIDs {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
		b = append(b, '}')
	}
	b = append(b, `},"types":[`...)
	for i, d := range defs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, d.name)
	}
	b = append(b, `],"categories":[`...)
	for i, c := range categories {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, c)
	}
	b = append(b, `],"category_type_mappings":{`...)
	for ci, c := range categories {
		if ci > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, c)
		b = append(b, `:[`...)
		first := true
		for _, d := range defs {
			if d.cats&(1<<ci) == 0 {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, d.name)
		}
		b = append(b, ']')
	}
	return append(b, `}}}`...)
}

// statisticsJSON counts attributes (deleted ones included, as MISP does)
// per type or category, sorted by key; an empty store gives [].
func (s *Server) statisticsJSON(byCategory, percentage bool) []byte {
	s.mu.RLock()
	counts := map[string]int{}
	for i := range s.st.attrs {
		a := &s.st.attrs[i]
		if byCategory {
			counts[s.st.catNames[a.cat]]++
		} else {
			counts[s.st.typeNames[a.typ]]++
		}
	}
	total := len(s.st.attrs)
	s.mu.RUnlock()
	if len(counts) == 0 {
		return []byte("[]")
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		if percentage {
			p := math.Round(100*float64(counts[k])/float64(total)*1000) / 1000
			b = appendJSONString(b, strconv.FormatFloat(p, 'f', -1, 64)+"%")
		} else {
			b = appendJSONString(b, strconv.Itoa(counts[k]))
		}
	}
	return append(b, '}')
}

type wlJSON struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Type            string `json:"type"`
	Description     string `json:"description"`
	Version         string `json:"version"`
	Enabled         bool   `json:"enabled"`
	Default         bool   `json:"default"`
	Category        string `json:"category"`
	EntryCount      string `json:"warninglist_entry_count,omitempty"`
	ValidAttributes string `json:"valid_attributes,omitempty"`
}

type wlView struct {
	wlJSON
	WarninglistEntry []wlEntryJSON `json:"WarninglistEntry"`
	WarninglistType  []wlTypeJSON  `json:"WarninglistType"`
}

type wlEntryJSON struct {
	ID            string  `json:"id"`
	Value         string  `json:"value"`
	WarninglistID string  `json:"warninglist_id"`
	Comment       *string `json:"comment"`
}

type wlTypeJSON struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	WarninglistID string `json:"warninglist_id"`
}

func (w *warninglist) base() wlJSON {
	return wlJSON{
		ID: strconv.FormatInt(w.id, 10), Name: w.name, Type: w.kind, Description: w.description,
		Version: strconv.FormatInt(w.version, 10), Enabled: w.enabled, Default: true, Category: w.category,
	}
}

// warninglistIndexJSON is /warninglists/index: newest id first.
func (s *Server) warninglistIndexJSON() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	type item struct {
		Warninglist wlJSON `json:"Warninglist"`
	}
	out := struct {
		Warninglists []item `json:"Warninglists"`
	}{Warninglists: []item{}}
	for i := len(s.st.wls) - 1; i >= 0; i-- {
		w := s.st.wls[i]
		j := w.base()
		j.EntryCount = strconv.Itoa(len(w.entries))
		j.ValidAttributes = strings.Join(w.types, ", ")
		out.Warninglists = append(out.Warninglists, item{j})
	}
	return marshal(out)
}

// warninglistViewJSON is /warninglists/view/{id}, or nil for an unknown id.
func (s *Server) warninglistViewJSON(id int64) []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id < 1 || id > int64(len(s.st.wls)) {
		return nil
	}
	w := s.st.wls[id-1]
	j := wlView{wlJSON: w.base()}
	wid := j.ID
	j.WarninglistEntry = make([]wlEntryJSON, len(w.entries))
	for i, e := range w.entries {
		ej := wlEntryJSON{ID: strconv.FormatInt(w.firstEntry+int64(i), 10), Value: e.value, WarninglistID: wid}
		if e.hasNote {
			ej.Comment = &w.entries[i].comment
		}
		j.WarninglistEntry[i] = ej
	}
	j.WarninglistType = make([]wlTypeJSON, len(w.types))
	for i, t := range w.types {
		j.WarninglistType[i] = wlTypeJSON{ID: strconv.FormatInt(w.firstType+int64(i), 10), Type: t, WarninglistID: wid}
	}
	return marshal(struct {
		Warninglist wlView `json:"Warninglist"`
	}{j})
}
