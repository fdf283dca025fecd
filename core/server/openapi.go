package server

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/indicator"
)

var pathParam = regexp.MustCompile(`:([A-Za-z]+)`)

// openAPIDoc builds the OpenAPI 3.0 document of every served route.
func (s *Server) openAPIDoc() map[string]any {
	paths := map[string]any{}
	for _, r := range s.table() {
		p := pathParam.ReplaceAllString(r.path, "{$1}")
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		op := map[string]any{
			"summary":     r.summary,
			"operationId": strings.ToLower(r.method) + strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_").Replace(p),
			"responses":   openAPIResponses(r),
		}
		if r.auth {
			op["security"] = []any{map[string]any{"tokenQuery": []any{}}, map[string]any{"tokenHeader": []any{}}, map[string]any{"basic": []any{}}, map[string]any{"bearer": []any{}}}
		}
		var params []any
		for _, pa := range r.params {
			schema := map[string]any{"type": "string"}
			if pa.integer {
				schema = map[string]any{"type": "integer", "minimum": pa.min, "maximum": pa.max}
			}
			if len(pa.enum) > 0 {
				schema["enum"] = pa.enum
			}
			if pa.pattern != "" {
				schema["pattern"] = pa.pattern
			}
			params = append(params, map[string]any{"name": pa.name, "in": pa.in, "required": pa.in == "path", "description": pa.desc, "schema": schema})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.path == "/v1/generate_token_json" || r.path == "/v1/generate_token_form" && r.method == "POST" {
			op["requestBody"] = mintRequestBody(r.path == "/v1/generate_token_json")
		}
		item[strings.ToLower(r.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "Cratos",
			"version":     Version,
			"description": "Export hub for MISP threat intelligence: vendor-specific indicator lists for firewalls, DNS servers, IDS, proxies and SIEMs.",
			"license":     map[string]any{"name": "MIT"},
		},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"tokenQuery":  map[string]any{"type": "apiKey", "in": "query", "name": "token"},
				"tokenHeader": map[string]any{"type": "apiKey", "in": "header", "name": "token"},
				"basic":       map[string]any{"type": "http", "scheme": "basic", "description": "user cratos and the token as password, or the token split across user and password"},
				"bearer":      map[string]any{"type": "http", "scheme": "bearer", "description": "the token; used only when neither the query nor the token header gives one"},
			},
		},
	}
}

func openAPIResponses(r route) map[string]any {
	out := map[string]any{}
	for _, resp := range r.responses {
		entry := map[string]any{"description": resp.text}
		if resp.code == 200 && r.contentType != "" {
			entry["content"] = map[string]any{r.contentType: map[string]any{}}
		} else if resp.code >= 400 && resp.code != 422 {
			entry["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{
				"type": "object", "properties": map[string]any{"detail": map[string]any{"type": "string"}}}}}
		}
		out[strconv.Itoa(resp.code)] = entry
	}
	return out
}

func mintRequestBody(json bool) map[string]any {
	props := map[string]any{
		"proto":  map[string]any{"type": "string", "enum": []string{"https", "http"}},
		"domain": map[string]any{"type": "string", "description": "MISP host name, IPv4 or bracketed IPv6"},
		"port":   map[string]any{"type": "integer", "minimum": 1, "maximum": 65535},
		"auth":   map[string]any{"type": "string", "pattern": "^[a-zA-Z0-9]{40,72}$"},
		"expire": map[string]any{"type": "string", "format": "date"},
	}
	ct := "application/x-www-form-urlencoded"
	if json {
		ct = "application/json"
	}
	return map[string]any{"required": true, "content": map[string]any{ct: map[string]any{"schema": map[string]any{"type": "object", "properties": props}}}}
}

func (s *Server) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.JSON(s.openAPIDoc())
}

type helpOp struct {
	ID, Method, Path, Summary string
	Params                    []helpParam
	Responses                 []helpResp
}

type helpParam struct{ Name, In, Values string }

type helpResp struct {
	Code int
	Text string
}

func (s *Server) help(c *fiber.Ctx) error {
	var ops []helpOp
	for i, r := range s.table() {
		op := helpOp{ID: fmt.Sprintf("op%d", i), Method: r.method, Path: pathParam.ReplaceAllString(r.path, "{$1}"), Summary: r.summary}
		if r.auth {
			op.Summary += " Needs a token (query token, header token, HTTP Basic or Bearer)."
		}
		for _, p := range r.params {
			v := p.desc
			if len(p.enum) > 0 {
				v += ": " + strings.Join(p.enum, ", ")
			}
			if p.integer {
				v += fmt.Sprintf(" (%d-%d)", p.min, p.max)
			}
			op.Params = append(op.Params, helpParam{Name: p.name, In: p.in, Values: v})
		}
		for _, rs := range r.responses {
			op.Responses = append(op.Responses, helpResp{Code: rs.code, Text: rs.text})
		}
		ops = append(ops, op)
	}
	return sendHTML(c, fiber.StatusOK, "help.html", map[string]any{
		"Title": "Cratos", "Version": Version, "Ops": ops,
		"Description": "Vendor-format export hub for MISP. Lists are addressed by feed, indicator kind, age and output format.",
	})
}

// dataTypesFor lists the data types whose indicators a renderer of types
// can carry.
func dataTypesFor(types []indicator.Type) []string {
	set := indicator.SetOf(types...)
	var out []string
	for _, dt := range indicator.DataTypes() {
		if dt.Yields&set != 0 {
			out = append(out, dt.Name)
		}
	}
	return out
}
