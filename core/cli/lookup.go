package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cratos-project/cratos/core/export"
)

// runLookup asks a running Cratos why a value is or is not on the lists
// of the token's site (GET /v1/lookup) and prints the answer.
func runLookup(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lookup", "lookup [-server URL] [-token TOKEN] [-age AGE] [-json] VALUE", stderr)
	server := fs.String("server", "http://127.0.0.1:8080", "base URL of the Cratos service")
	token := fs.String("token", "", "API token (default: $CRATOS_TOKEN; shown in the process list while the command runs: prefer $CRATOS_TOKEN)")
	age := fs.String("age", "1y", "lists of this age")
	asJSON := fs.Bool("json", false, "print the service's JSON answer")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("lookup: want exactly one value")
	}
	if *token == "" {
		*token = os.Getenv("CRATOS_TOKEN")
	}
	if *token == "" {
		return usageError("lookup: no token (-token or $CRATOS_TOKEN)")
	}
	u, err := url.Parse(strings.TrimRight(*server, "/") + "/v1/lookup")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError("lookup: -server %q is not an http(s) URL", *server)
	}
	u.RawQuery = url.Values{"value": {fs.Arg(0)}, "age": {*age}}.Encode()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("lookup: %w", err)
	}
	req.Header.Set("token", *token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("lookup: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("lookup: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var d struct {
			Detail any `json:"detail"`
		}
		msg := strings.TrimSpace(string(body))
		if json.Unmarshal(body, &d) == nil && d.Detail != nil {
			msg = fmt.Sprint(d.Detail)
		}
		return fmt.Errorf("lookup: %s: %s", resp.Status, msg)
	}
	if *asJSON {
		var out bytes.Buffer
		if json.Indent(&out, body, "", "  ") != nil {
			return fmt.Errorf("lookup: the answer is not JSON")
		}
		out.WriteByte('\n')
		_, err := stdout.Write(out.Bytes())
		return err
	}
	var res export.LookupResult
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("lookup: the answer is not a lookup result: %w", err)
	}
	return printLookup(stdout, &res)
}

// printLookup writes a lookup result for a person.
func printLookup(w io.Writer, r *export.LookupResult) error {
	fmt.Fprintf(w, "%q on %s (lists of age %s)\n", r.Input, r.Site, r.Age)
	for _, c := range r.Canonical {
		fmt.Fprintf(w, "canonical: %s %s\n", c.Type, c.Value)
	}
	if r.Guard != nil {
		fmt.Fprintf(w, "guard: never on a list: %s (%s)\n", r.Guard.Rule, r.Guard.Detail)
	}
	fmt.Fprintln(w, "\nlists:")
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, l := range r.Lists {
		state := "not in MISP's answer"
		switch {
		case l.Error != "":
			state = "unknown: " + l.Error
		case l.KeptOut != nil:
			state = "kept out: " + l.KeptOut.Rule + " (" + l.KeptOut.Detail + ")"
		case l.Carried:
			state = "carried"
		}
		if l.As != "" {
			state += " as " + l.As
		}
		from := ""
		if l.Source != nil {
			from = fmt.Sprintf("attribute %s, event %d", l.Source.AttributeUUID, l.Source.EventID)
		}
		fmt.Fprintf(tw, "  %s/%s\t%s\t%s\n", l.Feed, l.DataType, state, from)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nMISP sources:")
	if r.SourcesError != "" {
		fmt.Fprintf(w, "  (MISP could not be searched: %s)\n", r.SourcesError)
	}
	if len(r.Sources) == 0 && r.SourcesError == "" {
		fmt.Fprintln(w, "  none found by value")
	}
	for _, s := range r.Sources {
		fmt.Fprintf(w, "  event %s (%s) attribute %s: %s %q to_ids=%t changed %s tags=[%s]\n", s.EventID, s.EventUUID, s.AttributeUUID,
			s.Type, s.Value, s.ToIDS, time.Unix(s.Timestamp, 0).UTC().Format(time.RFC3339), strings.Join(s.Tags, ", "))
	}
	return nil
}
