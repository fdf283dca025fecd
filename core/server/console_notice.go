package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// A login refused for a token in the URL redirects to /ui/, so that the
// token leaves the address bar and the history. The refusal travels to
// that page in a short-lived cookie, sealed with a key of this process
// so that the page shows only what the server wrote.
const (
	noticeCookie = "cratos_console_notice"
	noticeMaxAge = time.Minute
	noticeMaxLen = 512
)

// sealNotice returns the cookie value carrying msg.
func (st *sessionStore) sealNotice(msg string) string {
	if len(msg) > noticeMaxLen {
		msg = msg[:noticeMaxLen]
	}
	body := base64.RawURLEncoding.EncodeToString([]byte(msg))
	return body + "." + st.noticeMAC(body)
}

// openNotice returns the message a cookie value sealed by sealNotice
// carries.
func (st *sessionStore) openNotice(v string) (string, bool) {
	body, mac, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(st.noticeMAC(body))) {
		return "", false
	}
	msg, err := base64.RawURLEncoding.DecodeString(body)
	return string(msg), err == nil
}

func (st *sessionStore) noticeMAC(body string) string {
	m := hmac.New(sha256.New, st.noticeKey)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// refuseLogin answers a refused console login. A token in the URL gets a
// redirect to /ui/ carrying msg; one in a header or the login form gets
// the login page with msg at once.
func (s *Server) refuseLogin(c *fiber.Ctx, status int, msg string) error {
	if c.Query("token") == "" {
		return s.loginPage(c, status, msg)
	}
	// Lax, not Strict: a token link opened from another site's page is
	// redirected within that navigation, which carries only Lax cookies.
	c.Cookie(&fiber.Cookie{Name: noticeCookie, Value: s.sessions.sealNotice(msg), Path: "/ui", Secure: true, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(noticeMaxAge.Seconds())})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect("/ui/", fiber.StatusSeeOther)
}

// takeNotice returns the refusal a redirect carried to this request, and
// clears it so that it shows once.
func (s *Server) takeNotice(c *fiber.Ctx) (string, bool) {
	v := c.Cookies(noticeCookie)
	if v == "" {
		return "", false
	}
	c.Cookie(&fiber.Cookie{Name: noticeCookie, Value: "", Path: "/ui", Secure: true, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: -1, Expires: time.Unix(1, 0)})
	return s.sessions.openNotice(v)
}
