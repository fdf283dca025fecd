// Package mdsafe turns the Markdown of the project's README files into
// HTML that cannot carry markup of its own: headings, paragraphs, lists,
// tables, fenced code blocks, inline code and bold. Every byte of the
// source is escaped; raw HTML and links are shown as text, so no file can
// put a tag, an attribute or a URL into a page.
package mdsafe

import (
	"html"
	"html/template"
	"strings"
)

// Render returns src as safe HTML. Headings are shifted by shift levels
// (a page that has its own h1 passes 1), at most h6.
func Render(src string, shift int) template.HTML {
	var b strings.Builder
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>")
			b.WriteString(inline(strings.Join(para, " ")))
			b.WriteString("</p>\n")
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trim := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trim, "```"):
			flush()
			b.WriteString("<pre><code>")
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				b.WriteString(html.EscapeString(lines[i]))
				b.WriteByte('\n')
			}
			b.WriteString("</code></pre>\n")
		case trim == "":
			flush()
		case heading(trim) > 0:
			flush()
			n := heading(trim)
			level := min(n+shift, 6)
			tag := string(rune('0' + level))
			b.WriteString("<h" + tag + ">" + inline(strings.TrimSpace(trim[n:])) + "</h" + tag + ">\n")
		case strings.HasPrefix(trim, "|"):
			flush()
			var rows []string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				rows = append(rows, strings.TrimSpace(lines[i]))
			}
			i--
			table(&b, rows)
		case listItem(trim) != "":
			flush()
			b.WriteString("<ul>\n")
			for i < len(lines) && listItem(strings.TrimSpace(lines[i])) != "" {
				item := []string{listItem(strings.TrimSpace(lines[i]))}
				// Indented lines continue the item.
				for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") && strings.TrimSpace(lines[i+1]) != "" &&
					listItem(strings.TrimSpace(lines[i+1])) == "" {
					i++
					item = append(item, strings.TrimSpace(lines[i]))
				}
				b.WriteString("<li>" + inline(strings.Join(item, " ")) + "</li>\n")
				i++
			}
			i--
			b.WriteString("</ul>\n")
		default:
			para = append(para, trim)
		}
	}
	flush()
	// Every piece of text above went through html.EscapeString.
	return template.HTML(b.String())
}

// heading returns the number of leading '#' of an ATX heading, else 0.
func heading(s string) int {
	n := 0
	for n < len(s) && s[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n >= len(s) || s[n] != ' ' {
		return 0
	}
	return n
}

// listItem returns the text of a "- ", "* " or "N. " item, else "".
func listItem(s string) string {
	if strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") {
		return strings.TrimSpace(s[2:])
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(s) && s[i] == '.' && s[i+1] == ' ' {
		return strings.TrimSpace(s[i+2:])
	}
	return ""
}

// table writes pipe-table rows; the first row is the header and a
// separator row (|---|) is skipped.
func table(b *strings.Builder, rows []string) {
	b.WriteString("<table>\n")
	for n, row := range rows {
		cells := splitRow(row)
		if isSeparator(cells) {
			continue
		}
		tag := "td"
		if n == 0 {
			tag = "th"
		}
		b.WriteString("<tr>")
		for _, c := range cells {
			b.WriteString("<" + tag + ">" + inline(c) + "</" + tag + ">")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}

// splitRow splits "| a | b |" at pipes outside code spans and not escaped
// with a backslash.
func splitRow(row string) []string {
	row = strings.TrimPrefix(row, "|")
	if strings.HasSuffix(row, "|") && !strings.HasSuffix(row, `\|`) {
		row = row[:len(row)-1]
	}
	var cells []string
	var cur strings.Builder
	code := false
	for i := 0; i < len(row); i++ {
		switch c := row[i]; {
		case c == '\\' && i+1 < len(row) && row[i+1] == '|':
			cur.WriteByte('|')
			i++
		case c == '`':
			code = !code
			cur.WriteByte(c)
		case c == '|' && !code:
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

func isSeparator(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, ":- ") != "" || !strings.Contains(c, "-") {
			return false
		}
	}
	return len(cells) > 0
}

// inline escapes s and marks up `code` and **bold**; a link shows its
// text only.
func inline(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		switch {
		case s[0] == '`':
			if end := strings.IndexByte(s[1:], '`'); end >= 0 {
				b.WriteString("<code>" + html.EscapeString(s[1:1+end]) + "</code>")
				s = s[end+2:]
				continue
			}
		case strings.HasPrefix(s, "**"):
			if end := strings.Index(s[2:], "**"); end > 0 {
				b.WriteString("<strong>" + inline(s[2:2+end]) + "</strong>")
				s = s[end+4:]
				continue
			}
		case s[0] == '[':
			if mid := strings.Index(s, "]("); mid > 0 && !strings.ContainsAny(s[1:mid], "[]") {
				if end := strings.IndexByte(s[mid:], ')'); end > 0 {
					b.WriteString(inline(s[1:mid]))
					s = s[mid+end+1:]
					continue
				}
			}
		}
		// Copy up to the next character that may start markup.
		next := strings.IndexAny(s[1:], "`*[")
		if next < 0 {
			next = len(s) - 1
		}
		b.WriteString(html.EscapeString(s[:next+1]))
		s = s[next+1:]
	}
	return b.String()
}
