package vodemu

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SearchMedia's Match is a small SQL-like filter. The emulator implements
// the subset the API reference documents for images (doc.go has the
// grammar) and rejects everything else with the offset of the first
// problem, so that a client's malformed filter fails here as it would in
// the cloud instead of silently matching something.

// matchKind is how a field compares.
type matchKind int

const (
	matchExact matchKind = iota // equal to one of the values
	matchFuzzy                  // contains one of the values, ignoring case
	matchRange                  // CreationTime within [from, to]
)

// matchFields are the image fields Match may name (case-sensitive).
var matchFields = map[string]matchKind{
	"ImageId": matchExact, "CateId": matchExact, "StorageLocation": matchExact,
	"AppId": matchExact, "Status": matchExact,
	"Title": matchFuzzy, "Tags": matchFuzzy, "Description": matchFuzzy,
	"CreationTime": matchRange,
}

// matchFieldList names matchFields in error messages.
var matchFieldList = func() string {
	names := make([]string, 0, len(matchFields))
	for name := range matchFields {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}()

// matchQuery is a parsed Match: clauses that must all hold. Empty matches
// every image.
type matchQuery []matchClause

type matchClause struct {
	field  string
	kind   matchKind
	values []string // exact and fuzzy: any of; CateId values in canonical decimal
	from   string   // range bounds, yyyy-MM-ddTHH:mm:ssZ or "" for open
	to     string
}

// matchError is a Match syntax error at a byte offset.
type matchError struct {
	offset int
	msg    string // already names the offset
}

func (e *matchError) Error() string { return e.msg }

// match reports whether img satisfies every clause.
func (q matchQuery) match(img Image) bool {
	for _, c := range q {
		if !c.match(img) {
			return false
		}
	}
	return true
}

func (c matchClause) match(img Image) bool {
	if c.kind == matchRange {
		t, ok := parseStrictTime(img.CreationTime)
		if !ok { // an image without a (valid) CreationTime is in no range
			return false
		}
		from, fromOK := parseStrictTime(c.from)
		to, toOK := parseStrictTime(c.to)
		return (!fromOK || !t.Before(from)) && (!toOK || !t.After(to))
	}
	have := matchFieldValue(img, c.field)
	if c.kind == matchFuzzy {
		have = strings.ToLower(have)
		return slices.ContainsFunc(c.values, func(v string) bool { return strings.Contains(have, strings.ToLower(v)) })
	}
	return slices.Contains(c.values, have)
}

func matchFieldValue(img Image, field string) string {
	switch field {
	case "ImageId":
		return img.ImageId
	case "CateId":
		return strconv.FormatInt(img.CateId, 10)
	case "StorageLocation":
		return img.StorageLocation
	case "AppId":
		return img.AppId
	case "Status":
		return img.Status
	case "Title":
		return img.Title
	case "Tags":
		return img.Tags
	case "Description":
		return img.Description
	}
	return ""
}

// parseStrictTime parses yyyy-MM-ddTHH:mm:ssZ and nothing else (time.Parse
// alone would also take fractional seconds).
func parseStrictTime(s string) (time.Time, bool) {
	t, err := time.Parse(timestampLayout, s)
	return t, err == nil && t.Format(timestampLayout) == s
}

// parseMatch parses a Match value. It is a pure function of s.
func parseMatch(s string) (matchQuery, *matchError) {
	p := &matchParser{s: s}
	p.skipSpace()
	if p.eof() {
		return nil, nil
	}
	var q matchQuery
	for {
		c, err := p.clause()
		if err != nil {
			return nil, err
		}
		q = append(q, c)
		before := p.skipSpace()
		if p.eof() {
			return q, nil
		}
		at := p.pos
		word := p.word()
		switch {
		case strings.EqualFold(word, "and"):
			if before == 0 {
				return nil, p.errorf(at, "", "%q must be preceded by whitespace", word)
			}
			if p.skipSpace() == 0 && !p.eof() {
				return nil, p.errorf(at, "", "%q must be followed by whitespace", word)
			}
		case strings.EqualFold(word, "or"):
			return nil, p.errorf(at, `; clauses can only be joined by "and"`, "%q is not supported", word)
		default:
			p.pos = at
			return nil, p.errorf(at, "", "Expected \"and\" or the end of Match, found %s", p.found())
		}
	}
}

type matchParser struct {
	s   string
	pos int
}

func (p *matchParser) eof() bool { return p.pos >= len(p.s) }

func (p *matchParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.pos]
}

// errorf builds an error at offset at: the message, " at offset N", then
// the tail (which may be empty), then a full stop.
func (p *matchParser) errorf(at int, tail, format string, args ...any) *matchError {
	return &matchError{offset: at, msg: fmt.Sprintf(format, args...) + " at offset " + strconv.Itoa(at) + tail + "."}
}

func isMatchSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// skipSpace skips whitespace and returns how many bytes it skipped.
func (p *matchParser) skipSpace() int {
	start := p.pos
	for !p.eof() && isMatchSpace(p.s[p.pos]) {
		p.pos++
	}
	return p.pos - start
}

// word reads a run of letters, digits and underscores.
func (p *matchParser) word() string {
	start := p.pos
	for !p.eof() && isWordByte(p.s[p.pos]) {
		p.pos++
	}
	return p.s[start:p.pos]
}

// found describes what is at the current position, for error messages.
func (p *matchParser) found() string {
	if p.eof() {
		return "the end of Match"
	}
	if isWordByte(p.s[p.pos]) {
		end := p.pos
		for end < len(p.s) && isWordByte(p.s[end]) {
			end++
		}
		return strconv.Quote(p.s[p.pos:end])
	}
	r, size := utf8.DecodeRuneInString(p.s[p.pos:])
	if r == utf8.RuneError && size <= 1 {
		return strconv.Quote(p.s[p.pos : p.pos+1])
	}
	return strconv.Quote(string(r))
}

// clause reads Field ("=" Value | "=" Range | "in" List).
func (p *matchParser) clause() (matchClause, *matchError) {
	at := p.pos
	if p.peek() == '(' {
		return matchClause{}, p.errorf(at, "", "Parentheses grouping is not supported")
	}
	name := p.word()
	if name == "" || strings.EqualFold(name, "and") || strings.EqualFold(name, "or") {
		p.pos = at
		return matchClause{}, p.errorf(at, "", "Expected a field name, found %s", p.found())
	}
	kind, ok := matchFields[name]
	if !ok {
		hint := ""
		for known := range matchFields {
			if strings.EqualFold(known, name) {
				hint = " (field names are case-sensitive: " + known + ")"
			}
		}
		return matchClause{}, p.errorf(at, "; supported: "+matchFieldList, "Unknown field %q%s", name, hint)
	}
	c := matchClause{field: name, kind: kind}
	p.skipSpace()
	opAt := p.pos
	switch op := p.word(); {
	case op == "" && p.peek() == '=':
		p.pos++
		p.skipSpace()
		if p.peek() != '(' {
			if kind == matchRange {
				return c, p.errorf(p.pos, "; write "+name+" = ('from','to'), either bound may be ''", "%s takes only a range", name)
			}
			v, err := p.value(name)
			if err != nil {
				return c, err
			}
			c.values = []string{v}
			return c, nil
		}
		if kind != matchRange {
			return c, p.errorf(p.pos, "; only CreationTime does", "%s does not take a range ('from','to')", name)
		}
		return p.rangeBounds(c)
	case strings.EqualFold(op, "in"):
		if kind == matchRange {
			return c, p.errorf(opAt, "; write "+name+" = ('from','to')", "%s does not take %q", name, op)
		}
		p.skipSpace()
		vals, err := p.list(name)
		if err != nil {
			return c, err
		}
		c.values = vals
		return c, nil
	default:
		p.pos = opAt
		return c, p.errorf(opAt, "", "Expected \"=\" or \"in\" after %s, found %s", name, p.found())
	}
}

// rangeBounds reads ('from','to') for a range field.
func (p *matchParser) rangeBounds(c matchClause) (matchClause, *matchError) {
	at := p.pos
	p.pos++ // (
	var bounds []string
	for {
		p.skipSpace()
		vAt := p.pos
		if q := p.peek(); q != '\'' && q != '"' {
			return c, p.errorf(vAt, "", "Expected a quoted %s bound, found %s", c.field, p.found())
		}
		v, err := p.str()
		if err != nil {
			return c, err
		}
		if _, ok := parseStrictTime(v); v != "" && !ok {
			return c, p.errorf(vAt, "", "%s bound %q is not yyyy-MM-ddTHH:mm:ssZ", c.field, v)
		}
		bounds = append(bounds, v)
		if done, err := p.listSep(); err != nil {
			return c, err
		} else if done {
			break
		}
	}
	if len(bounds) != 2 {
		return c, p.errorf(at, "", "A %s range has exactly two bounds ('from','to'), not %d", c.field, len(bounds))
	}
	c.from, c.to = bounds[0], bounds[1]
	return c, nil
}

// list reads ( Value {, Value} ).
func (p *matchParser) list(field string) ([]string, *matchError) {
	if p.peek() != '(' {
		return nil, p.errorf(p.pos, "", "Expected \"(\" after \"in\", found %s", p.found())
	}
	p.pos++
	var vals []string
	for {
		p.skipSpace()
		v, err := p.value(field)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		if done, err := p.listSep(); err != nil {
			return nil, err
		} else if done {
			return vals, nil
		}
	}
}

// listSep reads the "," or ")" after a list item.
func (p *matchParser) listSep() (done bool, err *matchError) {
	p.skipSpace()
	switch p.peek() {
	case ',':
		p.pos++
		return false, nil
	case ')':
		p.pos++
		return true, nil
	}
	if p.eof() {
		return false, p.errorf(p.pos, "", "Unterminated list: expected \",\" or \")\", found %s", p.found())
	}
	return false, p.errorf(p.pos, "", "Expected \",\" or \")\", found %s", p.found())
}

// value reads a quoted string, or for CateId also a bare integer.
func (p *matchParser) value(field string) (string, *matchError) {
	at := p.pos
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		v, err := p.str()
		if err != nil || field != "CateId" {
			return v, err
		}
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return "", p.errorf(at, "", "CateId value %q is not an integer", v)
		}
		return strconv.FormatInt(n, 10), nil
	case field == "CateId" && (c == '-' || c >= '0' && c <= '9'):
		p.pos++
		for !p.eof() && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
		}
		n, perr := strconv.ParseInt(p.s[at:p.pos], 10, 64)
		if perr != nil {
			return "", p.errorf(at, "", "CateId value %q is not an integer", p.s[at:p.pos])
		}
		return strconv.FormatInt(n, 10), nil
	case field == "CateId":
		return "", p.errorf(at, "", "Expected a number or a quoted string for CateId, found %s", p.found())
	}
	return "", p.errorf(at, "", "Expected a quoted string for %s, found %s", field, p.found())
}

// str reads a string in single or double quotes; a backslash makes the
// next byte literal.
func (p *matchParser) str() (string, *matchError) {
	start := p.pos
	quote := p.s[p.pos]
	p.pos++
	var b strings.Builder
	for !p.eof() {
		switch c := p.s[p.pos]; c {
		case '\\':
			if p.pos+1 >= len(p.s) {
				p.pos = len(p.s)
				return "", p.errorf(start, "", "Unterminated string")
			}
			b.WriteByte(p.s[p.pos+1])
			p.pos += 2
		case quote:
			p.pos++
			return b.String(), nil
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", p.errorf(start, "", "Unterminated string")
}
