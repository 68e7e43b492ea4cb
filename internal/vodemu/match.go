package vodemu

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SearchMedia's Match is the media-search protocol's filter [Protocol]. The
// emulator implements what that page's syntax table, image table and
// special-character table allow, and rejects everything else with the
// offset of the first problem, so that a client's malformed filter fails
// here as it would in the cloud instead of silently matching something.
// The grammar it accepts:
//
//	Match  = [Expr]
//	Expr   = Term {WS "and" WS Term}                   "and", "or", "in": any case
//	Term   = Clause | "(" Expr {WS "or" WS Expr} ")"   "or" only inside parentheses
//	Clause = Field "=" Value | Field "in" List | Field "=" Range
//	List   = "(" Value {"," Value} ")"
//	Range  = ("(" | "[") [Bound] "," [Bound] (")" | "]")   at least one bound
//	Value  = String | Integer                          Integer: [-]digits, CateId only
//	Bound  = String holding yyyy-MM-ddTHH:mm:ssZ
//	String = "'" ... "'" | '"' ... '"'                 a backslash makes the next byte literal
//
// Undocumented, and accepted on purpose ([Protocol] asks only for
// single-byte punctuation): double quotes, backslash escapes, a bare or
// quoted integer for CateId, and free whitespace. Field names are
// case-sensitive, as [Protocol] spells them. Anything else is
// ErrorMatchSyntax [Search] (matchError.apiError).

// matchOps is what a field takes: "=" as an exact or fuzzy match, "in" as
// a multi-value query (fuzzy for fuzzy fields), "=" with a range.
type matchOps struct {
	exact, fuzzy, in, rng bool
	kind                  matchValueKind
}

type matchValueKind int

const (
	stringValue matchValueKind = iota
	integerValue
	timeValue
)

// imageMatchFields is [Protocol]'s Image table: which fields take an exact
// match, a fuzzy match, a multi-value query or a range query. ImageId and
// CateId take "=" (exact); AppId and Status "in" only; StorageLocation "="
// and "in" (exact); FileName, Title, Tags and Description "=" and "in",
// both fuzzy (case-insensitive substring, any of the values); CreationTime
// and ModificationTime a range. CateName and URL are returned fields only.
var imageMatchFields = map[string]matchOps{
	"ImageId":          {exact: true},
	"AppId":            {in: true},
	"CateId":           {exact: true, kind: integerValue},
	"StorageLocation":  {exact: true, in: true},
	"FileName":         {fuzzy: true, in: true},
	"Title":            {fuzzy: true, in: true},
	"Tags":             {fuzzy: true, in: true},
	"Description":      {fuzzy: true, in: true},
	"Status":           {in: true},
	"CreationTime":     {rng: true, kind: timeValue},
	"ModificationTime": {rng: true, kind: timeValue},
}

// returnedOnly are image fields that can be returned but not searched.
var returnedOnly = []string{"CateName", "URL"}

var matchFieldList = func() string {
	names := make([]string, 0, len(imageMatchFields))
	for name := range imageMatchFields {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}()

// matchExpr is a parsed Match: a disjunction of conjunctions of clauses
// and groups. A nil *matchExpr matches every image.
type matchExpr struct {
	or [][]matchTerm // any of: all of
}

type matchTerm struct {
	clause *matchClause
	group  *matchExpr
}

type matchClause struct {
	field  string
	fuzzy  bool
	values []string // exact or fuzzy: any of; CateId in canonical decimal
	// range bounds: "" for none; inclusive when the bracket was [ or ]
	from, to       string
	fromIn, toIn   bool
	isRange        bool
	fromT, toT     time.Time
	hasFrom, hasTo bool
}

// matchError is a Match syntax error at a byte offset, about a field if
// one was being read.
type matchError struct {
	offset int
	field  string
	msg    string // already names the offset
}

func (e *matchError) Error() string { return e.msg }

// apiError is the documented answer to a bad Match: 400 ErrorMatchSyntax
// [Search, Common errors], its message naming the field as Match.<field>,
// then the reason and its byte offset (the emulator's addition).
func (e *matchError) apiError() *apiError {
	name := "Match"
	if e.field != "" {
		name += "." + e.field
	}
	return errMatchSyntax(name, e.msg)
}

func (m *matchExpr) match(img Image) bool {
	if m == nil {
		return true
	}
	for _, all := range m.or {
		ok := true
		for _, t := range all {
			if t.group != nil {
				ok = t.group.match(img)
			} else {
				ok = t.clause.match(img)
			}
			if !ok {
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (c *matchClause) match(img Image) bool {
	if c.isRange {
		t, ok := parseStrictTime(matchFieldValue(img, c.field))
		if !ok { // an image without the time is in no range
			return false
		}
		if c.hasFrom && (t.Before(c.fromT) || !c.fromIn && t.Equal(c.fromT)) {
			return false
		}
		if c.hasTo && (t.After(c.toT) || !c.toIn && t.Equal(c.toT)) {
			return false
		}
		return true
	}
	have := matchFieldValue(img, c.field)
	if c.fuzzy {
		have = strings.ToLower(have)
		return slices.ContainsFunc(c.values, func(v string) bool { return strings.Contains(have, strings.ToLower(v)) })
	}
	return slices.Contains(c.values, have)
}

// matchFieldValue is what a Match field compares. FileName is the source
// file's name, Mezzanine.OriginalFileName (undocumented: [Protocol] lists
// the field but no response model carries it, and the source file's name
// is the image's file name).
func matchFieldValue(img Image, field string) string {
	switch field {
	case "ImageId":
		return img.ImageID
	case "CateId":
		return strconv.FormatInt(img.CateID, 10)
	case "StorageLocation":
		return img.StorageLocation
	case "AppId":
		return img.AppID
	case "Status":
		return img.Status
	case "Title":
		return img.Title
	case "Tags":
		return img.Tags
	case "Description":
		return img.Description
	case "FileName":
		if img.Mezzanine != nil {
			return img.Mezzanine.OriginalFileName
		}
	case "CreationTime":
		return img.CreationTime
	case "ModificationTime":
		return img.ModificationTime
	}
	return ""
}

// parseStrictTime parses yyyy-MM-ddTHH:mm:ssZ and nothing else (time.Parse
// alone would also take fractional seconds).
func parseStrictTime(s string) (time.Time, bool) {
	t, err := time.Parse(timestampLayout, s)
	return t, err == nil && t.Format(timestampLayout) == s
}

// parseMatch parses a Match value. It is a pure function of s. Whitespace
// only is no filter (undocumented).
func parseMatch(s string) (*matchExpr, *matchError) {
	p := &matchParser{s: s}
	p.skipSpace()
	if p.eof() {
		return nil, nil
	}
	e, err := p.expr(false)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.eof() {
		p.field = ""
		return nil, p.errorf(p.pos, "", "Expected \"and\" or the end of Match, found %s", p.found())
	}
	return e, nil
}

type matchParser struct {
	s     string
	pos   int
	depth int
	field string // the field being read, for the error's Match.<field>
}

// maxMatchDepth bounds parenthesis nesting (undocumented; it keeps a hostile
// Match from exhausting the stack).
const maxMatchDepth = 32

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
	return &matchError{offset: at, field: p.field,
		msg: fmt.Sprintf(format, args...) + " at offset " + strconv.Itoa(at) + tail + "."}
}

func isMatchSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func (p *matchParser) skipSpace() int {
	start := p.pos
	for !p.eof() && isMatchSpace(p.s[p.pos]) {
		p.pos++
	}
	return p.pos - start
}

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

// keyword reads "and" or "or" (any case) if it comes next, as a word of its
// own, and reports which; the position is unchanged otherwise.
func (p *matchParser) keyword() (string, int) {
	save := p.pos
	before := p.skipSpace()
	at := p.pos
	w := strings.ToLower(p.word())
	if (w == "and" || w == "or") && (before > 0 || at == 0 || !isWordByte(p.s[at-1])) {
		return w, at
	}
	p.pos = save
	return "", at
}

// expr reads Term {"and" Term}, and inside parentheses also {"or" ...}:
// "and" binds tighter than "or" (undocumented: the usual precedence).
// Outside parentheses "or" is an error, as [Protocol] requires "or"
// conditions to be enclosed.
func (p *matchParser) expr(inGroup bool) (*matchExpr, *matchError) {
	e := &matchExpr{}
	var all []matchTerm
	for {
		p.skipSpace()
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		all = append(all, t)
		save := p.pos
		switch kw, at := p.keyword(); kw {
		case "and":
			continue
		case "or":
			if !inGroup {
				p.field = ""
				return nil, p.errorf(at, "; enclose the conditions joined by \"or\" in parentheses: (a or b)",
					"\"or\" outside parentheses")
			}
			e.or = append(e.or, all)
			all = nil
			continue
		default:
			p.pos = save
		}
		e.or = append(e.or, all)
		return e, nil
	}
}

// term reads a clause or a parenthesised group.
func (p *matchParser) term() (matchTerm, *matchError) {
	p.field = ""
	if p.peek() == '(' {
		at := p.pos
		if p.depth >= maxMatchDepth {
			return matchTerm{}, p.errorf(at, "", "Parentheses nested deeper than %d", maxMatchDepth)
		}
		p.pos++
		p.depth++
		g, err := p.expr(true)
		if err != nil {
			return matchTerm{}, err
		}
		p.skipSpace()
		if p.peek() != ')' {
			p.field = ""
			return matchTerm{}, p.errorf(p.pos, "", "Expected \")\" closing the group at offset %d, found %s", at, p.found())
		}
		p.pos++
		p.depth--
		return matchTerm{group: g}, nil
	}
	c, err := p.clause()
	if err != nil {
		return matchTerm{}, err
	}
	return matchTerm{clause: c}, nil
}

// clause reads Field ("=" Value | "=" Range | "in" List).
func (p *matchParser) clause() (*matchClause, *matchError) {
	at := p.pos
	name := p.word()
	if name == "" || strings.EqualFold(name, "and") || strings.EqualFold(name, "or") {
		p.pos = at
		return nil, p.errorf(at, "", "Expected a field name or \"(\", found %s", p.found())
	}
	ops, ok := imageMatchFields[name]
	if !ok {
		p.field = name
		if slices.Contains(returnedOnly, name) {
			return nil, p.errorf(at, "; searchable: "+matchFieldList, "%s is a returned field only and cannot be searched", name)
		}
		hint := ""
		for known := range imageMatchFields {
			if strings.EqualFold(known, name) {
				hint = " (field names are case-sensitive: " + known + ")"
			}
		}
		return nil, p.errorf(at, "; image fields: "+matchFieldList, "Unknown image field %q%s", name, hint)
	}
	p.field = name
	c := &matchClause{field: name}
	p.skipSpace()
	opAt := p.pos
	switch op := p.word(); {
	case op == "" && p.peek() == '=':
		p.pos++
		p.skipSpace()
		if q := p.peek(); q == '(' || q == '[' {
			if !ops.rng {
				return nil, p.errorf(p.pos, "", "%s does not take a range", name)
			}
			return p.rangeBounds(c)
		}
		if ops.rng {
			return nil, p.errorf(p.pos, "; write "+name+" = ('from','to'), with [ ] for closed ends and an empty side for none",
				"%s takes only a range", name)
		}
		if !ops.exact && !ops.fuzzy {
			return nil, p.errorf(opAt, "; write "+name+" in ('a','b')", "%s takes only \"in\", not \"=\"", name)
		}
		v, err := p.value(name, ops.kind)
		if err != nil {
			return nil, err
		}
		c.values, c.fuzzy = []string{v}, ops.fuzzy
		return c, nil
	case strings.EqualFold(op, "in"):
		if !ops.in {
			fix := name + " = 'value'"
			if ops.rng {
				fix = name + " = ('from','to')"
			}
			return nil, p.errorf(opAt, "; write "+fix, "%s does not take %q", name, op)
		}
		p.skipSpace()
		vals, err := p.list(name, ops.kind)
		if err != nil {
			return nil, err
		}
		c.values, c.fuzzy = vals, ops.fuzzy
		return c, nil
	default:
		p.pos = opAt
		return nil, p.errorf(opAt, "", "Expected \"=\" or \"in\" after %s, found %s", name, p.found())
	}
}

// rangeBounds reads ( or [, an optional bound, ",", an optional bound, then
// ) or ]. "(" and ")" exclude a bound, "[" and "]" include it [Protocol,
// special characters]. An absent bound is left out, not quoted empty, as in
// ('2018-01-01T00:00:00Z',) [Guide]; an empty quoted bound is an error.
func (p *matchParser) rangeBounds(c *matchClause) (*matchClause, *matchError) {
	at := p.pos
	c.isRange = true
	c.fromIn = p.s[p.pos] == '['
	p.pos++
	var bounds [2]string
	var have [2]bool
	for i := range 2 {
		p.skipSpace()
		if q := p.peek(); q == '\'' || q == '"' {
			vAt := p.pos
			v, err := p.str()
			if err != nil {
				return nil, err
			}
			if v == "" {
				return nil, p.errorf(vAt, "; leave an absent bound out, as in "+c.field+" = ('2024-01-01T00:00:00Z',)",
					"An empty quoted %s bound", c.field)
			}
			if _, ok := parseStrictTime(v); !ok {
				return nil, p.errorf(vAt, "", "%s bound %q is not yyyy-MM-ddTHH:mm:ssZ", c.field, v)
			}
			bounds[i], have[i] = v, true
			p.skipSpace()
		}
		if i == 0 {
			if p.peek() != ',' {
				return nil, p.errorf(p.pos, "", "Expected a quoted %s bound or \",\", found %s", c.field, p.found())
			}
			p.pos++
		}
	}
	switch p.peek() {
	case ')':
	case ']':
		c.toIn = true
	default:
		return nil, p.errorf(p.pos, "", "Expected \")\" or \"]\" closing the %s range, found %s", c.field, p.found())
	}
	p.pos++
	if !have[0] && !have[1] {
		return nil, p.errorf(at, "", "A %s range needs at least one bound", c.field)
	}
	c.from, c.to, c.hasFrom, c.hasTo = bounds[0], bounds[1], have[0], have[1]
	c.fromT, _ = parseStrictTime(c.from)
	c.toT, _ = parseStrictTime(c.to)
	return c, nil
}

// list reads ( Value {, Value} ).
func (p *matchParser) list(field string, kind matchValueKind) ([]string, *matchError) {
	if p.peek() != '(' {
		return nil, p.errorf(p.pos, "", "Expected \"(\" after \"in\", found %s", p.found())
	}
	p.pos++
	var vals []string
	for {
		p.skipSpace()
		v, err := p.value(field, kind)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
			continue
		case ')':
			p.pos++
			return vals, nil
		}
		if p.eof() {
			return nil, p.errorf(p.pos, "", "Unterminated list: expected \",\" or \")\", found %s", p.found())
		}
		return nil, p.errorf(p.pos, "", "Expected \",\" or \")\", found %s", p.found())
	}
}

// value reads a quoted string, or for an integer field also a bare integer.
func (p *matchParser) value(field string, kind matchValueKind) (string, *matchError) {
	at := p.pos
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		v, err := p.str()
		if err != nil || kind != integerValue {
			return v, err
		}
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return "", p.errorf(at, "", "%s value %q is not an integer", field, v)
		}
		return strconv.FormatInt(n, 10), nil
	case kind == integerValue && (c == '-' || c >= '0' && c <= '9'):
		p.pos++
		for !p.eof() && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
		}
		n, perr := strconv.ParseInt(p.s[at:p.pos], 10, 64)
		if perr != nil {
			return "", p.errorf(at, "", "%s value %q is not an integer", field, p.s[at:p.pos])
		}
		return strconv.FormatInt(n, 10), nil
	case kind == integerValue:
		return "", p.errorf(at, "", "Expected a number for %s, found %s", field, p.found())
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
