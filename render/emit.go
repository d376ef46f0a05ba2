package render

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// emitYAML writes a JSON-shaped tree (maps with string keys, lists,
// strings, bools, nil, int64 and float64) exactly as go.yaml.in/yaml/v2's
// Marshal does - the encoder under sigs.k8s.io/yaml, whose output esgen's
// goldens and users' diffs are made of - but into one buffer, without
// yaml.v2's reflection and per-event allocations: in a short-lived
// process every allocated page is a page fault. It follows libyaml's
// emitter as yaml.v2 configures it (indent 2, width 80, unicode, block
// styles, "{}" and "[]" for empty collections, keys in yaml.v2's order)
// for the events yaml.v2 would send it. ok is false for a value it does
// not know; the caller then uses yaml.v2.
func emitYAML(tree any) (out []byte, ok bool) {
	e := newEmitter()
	ok = e.document(tree)
	return e.buf, ok
}

// document appends tree as one document to the buffer, after what it
// holds, and reports whether it could; when not, the buffer is as it was.
func (e *emitter) document(tree any) bool {
	start := len(e.buf)
	e.column, e.indent, e.indents = 0, -1, e.indents[:0]
	e.whitespace, e.indention, e.refused = true, true, false
	e.node(tree, false, false)
	// The implicit document end.
	e.writeIndent()
	if e.refused {
		e.buf = e.buf[:start]
		return false
	}
	return true
}

func newEmitter() *emitter {
	return &emitter{buf: make([]byte, 0, 4096), indent: -1, whitespace: true, indention: true}
}

const (
	bestIndent = 2
	bestWidth  = 80
)

// emitter is libyaml's emitter state, as far as block documents need it.
type emitter struct {
	buf     []byte
	column  int // in characters, as libyaml counts them
	indent  int
	indents []int

	whitespace bool // the last character written was whitespace
	indention  bool // only indentation since the line began

	// The context of the node being written: a mapping's value (or
	// key), and a simple key, which must stay on one line.
	mapping, simpleKey bool

	// refused is set, and writing stops, at a value the emitter does not
	// know (a type other than the tree's, a string that is not UTF-8):
	// the caller then uses yaml.v2 and drops what was written.
	refused bool
}

type scalarStyle int

const (
	plainStyle scalarStyle = iota
	singleQuotedStyle
	doubleQuotedStyle
	literalStyle
)

func (e *emitter) node(v any, mapping, simpleKey bool) {
	if e.refused {
		return
	}
	e.mapping, e.simpleKey = mapping, simpleKey
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			e.emptyFlow("{", "}")
			return
		}
		e.increaseIndent(false, false)
		for _, k := range sortedKeys(v) {
			e.mappingEntry(k, v[k])
		}
		e.popIndent()
	case fieldMap:
		if len(v) == 0 {
			e.emptyFlow("{", "}")
			return
		}
		e.increaseIndent(false, false)
		for _, item := range v {
			k, ok := item.Key.(string)
			if !ok {
				e.refused = true
				return
			}
			e.mappingEntry(k, item.Value)
		}
		e.popIndent()
	case []any:
		if len(v) == 0 {
			e.emptyFlow("[", "]")
			return
		}
		e.increaseIndent(false, e.mapping && !e.indention)
		for _, item := range v {
			e.writeIndent()
			e.writeIndicator("-", true, false, true)
			e.node(item, false, false)
		}
		e.popIndent()
	case string:
		e.stringScalar(v)
	case nil:
		e.scalar("null", plainStyle)
	case bool:
		e.scalar(strconv.FormatBool(v), plainStyle)
	case int64:
		e.scalar(strconv.FormatInt(v, 10), plainStyle)
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 64)
		switch {
		case math.IsInf(v, 1):
			s = ".inf"
		case math.IsInf(v, -1):
			s = "-.inf"
		case math.IsNaN(v):
			s = ".nan"
		}
		e.scalar(s, plainStyle)
	default:
		e.refused = true
	}
}

// emptyFlow writes an empty collection, the only one yaml.v2 writes in
// flow style; so no scalar is ever in a flow context here.
func (e *emitter) emptyFlow(open, end string) {
	e.writeIndicator(open, true, true, false)
	e.writeIndicator(end, false, false, false)
}

// mappingEntry writes one key and its value of a block mapping: a simple
// "key: value" when the key fits on a line of 128 characters, else the
// explicit "? key" and ": value".
func (e *emitter) mappingEntry(k string, v any) {
	if e.refused || !utf8.ValidString(k) {
		e.refused = true
		return
	}
	e.writeIndent()
	if a := analyze(k); !a.multiline && len(k) <= 128 {
		e.node(k, true, true)
		e.writeIndicator(":", false, false, false)
	} else {
		e.writeIndicator("?", true, false, true)
		e.node(k, true, false)
		e.writeIndent()
		e.writeIndicator(":", true, false, true)
	}
	e.node(v, true, false)
}

func (e *emitter) increaseIndent(flow, indentless bool) {
	e.indents = append(e.indents, e.indent)
	switch {
	case e.indent < 0 && flow:
		e.indent = bestIndent
	case e.indent < 0:
		e.indent = 0
	case !indentless:
		e.indent += bestIndent
	}
}

func (e *emitter) popIndent() {
	e.indent = e.indents[len(e.indents)-1]
	e.indents = e.indents[:len(e.indents)-1]
}

// stringScalar picks a string's style as yaml.v2 does: literal when it
// has a line break, plain when it would read back as the same string,
// else double-quoted.
func (e *emitter) stringScalar(s string) {
	switch {
	case !utf8.ValidString(s):
		e.refused = true
	case strings.Contains(s, "\n"):
		e.scalar(s, literalStyle)
	case readsAsString(s) && !isBase60Float(s):
		e.scalar(s, plainStyle)
	default:
		e.scalar(s, doubleQuotedStyle)
	}
}

// scalar writes a scalar in the style asked for, or the next one the
// emitter allows for its characters and context.
func (e *emitter) scalar(s string, style scalarStyle) {
	a := analyze(s)
	if e.simpleKey && a.multiline {
		style = doubleQuotedStyle
	}
	if style == plainStyle && (!a.blockPlain || s == "" && e.simpleKey) {
		style = singleQuotedStyle
	}
	if style == singleQuotedStyle && !a.singleQuoted {
		style = doubleQuotedStyle
	}
	if style == literalStyle && (!a.block || e.simpleKey) {
		style = doubleQuotedStyle
	}
	e.increaseIndent(true, false)
	switch style {
	case plainStyle:
		e.writePlain(s, !e.simpleKey)
	case singleQuotedStyle:
		e.writeSingleQuoted(s, !e.simpleKey)
	case doubleQuotedStyle:
		e.writeDoubleQuoted(s, !e.simpleKey)
	case literalStyle:
		e.writeLiteral(s)
	}
	e.popIndent()
}

// analysis is what a scalar's characters allow (plain in block context,
// single-quoted, literal block).
type analysis struct {
	multiline                       bool
	blockPlain, singleQuoted, block bool
}

func analyze(s string) analysis {
	if s == "" {
		return analysis{blockPlain: true, singleQuoted: true}
	}
	if isWord(s) {
		return analysis{blockPlain: true, singleQuoted: true, block: true}
	}
	var blockIndicators, lineBreaks, special bool
	var leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak bool
	var previousSpace, previousBreak bool
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		blockIndicators = true
	}
	precededByWhitespace := true
	for i, w := 0, 0; i < len(s); i += w {
		w = charWidth(s[i])
		followedByWhitespace := i+w >= len(s) || s[i+w] == ' ' || s[i+w] == '\t'
		c := s[i]
		if i == 0 {
			switch c {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				blockIndicators = true
			case '?', ':', '-':
				if followedByWhitespace {
					blockIndicators = true
				}
			}
		} else if c == ':' && followedByWhitespace || c == '#' && precededByWhitespace {
			blockIndicators = true
		}
		if !isPrintable(s, i) {
			special = true
		}
		switch {
		case c == ' ':
			if i == 0 {
				leadingSpace = true
			}
			if i+w == len(s) {
				trailingSpace = true
			}
			if previousBreak {
				breakSpace = true
			}
			previousSpace, previousBreak = true, false
		case isBreak(s, i):
			lineBreaks = true
			if i == 0 {
				leadingBreak = true
			}
			if i+w == len(s) {
				trailingBreak = true
			}
			if previousSpace {
				spaceBreak = true
			}
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		precededByWhitespace = isBlankOrBreak(s, i)
	}
	a := analysis{multiline: lineBreaks, blockPlain: true, singleQuoted: true, block: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks || blockIndicators {
		a.blockPlain = false
	}
	if trailingSpace {
		a.block = false
	}
	if breakSpace {
		a.blockPlain, a.singleQuoted = false, false
	}
	if spaceBreak || special {
		a.blockPlain, a.singleQuoted, a.block = false, false, false
	}
	return a
}

// isWord reports whether s is made of letters, digits and "._/" only
// (most names, labels and values): no indicator, space, break or special
// character, so every style allows it.
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '/') {
			return false
		}
	}
	return !strings.HasPrefix(s, "...")
}

// charWidth is the length of the UTF-8 sequence that starts with b.
func charWidth(b byte) int {
	switch {
	case b&0x80 == 0:
		return 1
	case b&0xE0 == 0xC0:
		return 2
	case b&0xF0 == 0xE0:
		return 3
	case b&0xF8 == 0xF0:
		return 4
	}
	return 0
}

// at is s[i], or 0 past its end, where libyaml reads its terminating NUL.
func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// isPrintable is libyaml's test of a character YAML may hold unescaped.
func isPrintable(s string, i int) bool {
	b, b1, b2 := s[i], at(s, i+1), at(s, i+2)
	return b == 0x0A || b >= 0x20 && b <= 0x7E ||
		b == 0xC2 && b1 >= 0xA0 ||
		b > 0xC2 && b < 0xED ||
		b == 0xED && b1 < 0xA0 ||
		b == 0xEE ||
		b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF))
}

// isBreak: CR, LF, NEL, LS or PS at s[i].
func isBreak(s string, i int) bool {
	b, b1, b2 := s[i], at(s, i+1), at(s, i+2)
	return b == '\r' || b == '\n' || b == 0xC2 && b1 == 0x85 || b == 0xE2 && b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9)
}

func isBlankOrBreak(s string, i int) bool {
	return s[i] == ' ' || s[i] == '\t' || s[i] == 0 || isBreak(s, i)
}

// put writes one ASCII character.
func (e *emitter) put(c byte) {
	e.buf = append(e.buf, c)
	e.column++
}

func (e *emitter) putBreak() {
	e.buf = append(e.buf, '\n')
	e.column = 0
}

// write copies the character at s[i] and returns the index after it.
func (e *emitter) write(s string, i int) int {
	w := charWidth(s[i])
	e.buf = append(e.buf, s[i:i+w]...)
	e.column++
	return i + w
}

func (e *emitter) writeString(s string) {
	for i := 0; i < len(s); {
		i = e.write(s, i)
	}
}

// writeBreak copies the line break at s[i].
func (e *emitter) writeBreak(s string, i int) int {
	if s[i] == '\n' {
		e.putBreak()
		return i + 1
	}
	i = e.write(s, i)
	e.column = 0
	return i
}

func (e *emitter) writeIndent() {
	indent := max(e.indent, 0)
	if !e.indention || e.column > indent || e.column == indent && !e.whitespace {
		e.putBreak()
	}
	for e.column < indent {
		e.put(' ')
	}
	e.whitespace, e.indention = true, true
}

func (e *emitter) writeIndicator(indicator string, needWhitespace, isWhitespace, isIndention bool) {
	if needWhitespace && !e.whitespace {
		e.put(' ')
	}
	e.writeString(indicator)
	e.whitespace = isWhitespace
	e.indention = e.indention && isIndention
}

func (e *emitter) writePlain(s string, allowBreaks bool) {
	if !e.whitespace {
		e.put(' ')
	}
	spaces, breaks := false, false
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ':
			if allowBreaks && !spaces && e.column > bestWidth && at(s, i+1) != ' ' {
				e.writeIndent()
				i++
			} else {
				i = e.write(s, i)
			}
			spaces = true
		case isBreak(s, i):
			if !breaks && s[i] == '\n' {
				e.putBreak()
			}
			i = e.writeBreak(s, i)
			e.indention = true
			breaks = true
		default:
			if breaks {
				e.writeIndent()
			}
			i = e.write(s, i)
			e.indention, spaces, breaks = false, false, false
		}
	}
	e.whitespace, e.indention = false, false
}

func (e *emitter) writeSingleQuoted(s string, allowBreaks bool) {
	e.writeIndicator("'", true, false, false)
	spaces, breaks := false, false
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ':
			if allowBreaks && !spaces && e.column > bestWidth && i > 0 && i < len(s)-1 && at(s, i+1) != ' ' {
				e.writeIndent()
				i++
			} else {
				i = e.write(s, i)
			}
			spaces = true
		case isBreak(s, i):
			if !breaks && s[i] == '\n' {
				e.putBreak()
			}
			i = e.writeBreak(s, i)
			e.indention = true
			breaks = true
		default:
			if breaks {
				e.writeIndent()
			}
			if s[i] == '\'' {
				e.put('\'')
			}
			i = e.write(s, i)
			e.indention, spaces, breaks = false, false, false
		}
	}
	e.writeIndicator("'", false, false, false)
	e.whitespace, e.indention = false, false
}

func (e *emitter) writeDoubleQuoted(s string, allowBreaks bool) {
	spaces := false
	e.writeIndicator(`"`, true, false, false)
	// libyaml tests for a byte order mark at the start of the value for
	// every character: with one, it escapes them all.
	bom := strings.HasPrefix(s, "\uFEFF")
	for i := 0; i < len(s); {
		switch {
		case bom || !isPrintable(s, i) || isBreak(s, i) || s[i] == '"' || s[i] == '\\':
			r, w := utf8.DecodeRuneInString(s[i:])
			i += w
			e.put('\\')
			e.escape(r)
			spaces = false
		case s[i] == ' ':
			if allowBreaks && !spaces && e.column > bestWidth && i > 0 && i < len(s)-1 {
				e.writeIndent()
				if at(s, i+1) == ' ' {
					e.put('\\')
				}
				i++
			} else {
				i = e.write(s, i)
			}
			spaces = true
		default:
			i = e.write(s, i)
			spaces = false
		}
	}
	e.writeIndicator(`"`, false, false, false)
	e.whitespace, e.indention = false, false
}

// shortEscapes are the one-letter escapes of double-quoted YAML.
var shortEscapes = map[rune]byte{0: '0', 7: 'a', 8: 'b', 9: 't', 0x0A: 'n', 0x0B: 'v', 0x0C: 'f', 0x0D: 'r',
	0x1B: 'e', '"': '"', '\\': '\\', 0x85: 'N', 0xA0: '_', 0x2028: 'L', 0x2029: 'P'}

// escape writes the escape of r after its backslash.
func (e *emitter) escape(r rune) {
	if c, ok := shortEscapes[r]; ok {
		e.put(c)
		return
	}
	var digits int
	switch {
	case r <= 0xFF:
		e.put('x')
		digits = 2
	case r <= 0xFFFF:
		e.put('u')
		digits = 4
	default:
		e.put('U')
		digits = 8
	}
	for k := (digits - 1) * 4; k >= 0; k -= 4 {
		d := byte(r>>uint(k)) & 0x0F
		if d < 10 {
			e.put('0' + d)
		} else {
			e.put('A' + d - 10)
		}
	}
}

func (e *emitter) writeLiteral(s string) {
	e.writeIndicator("|", true, false, false)
	if s[0] == ' ' || isBreak(s, 0) {
		e.writeIndicator(string(rune('0'+bestIndent)), false, false, false)
	}
	if chomp := chompHint(s); chomp != "" {
		e.writeIndicator(chomp, false, false, false)
	}
	e.putBreak()
	e.indention, e.whitespace = true, true
	breaks := true
	for i := 0; i < len(s); {
		if isBreak(s, i) {
			i = e.writeBreak(s, i)
			e.indention = true
			breaks = true
		} else {
			if breaks {
				e.writeIndent()
			}
			i = e.write(s, i)
			e.indention, breaks = false, false
		}
	}
}

// chompHint is "-" for a block scalar without a final line break, "+"
// for one that ends with two (or is one), else none.
func chompHint(s string) string {
	i := len(s) - 1
	for s[i]&0xC0 == 0x80 {
		i--
	}
	switch {
	case !isBreak(s, i):
		return "-"
	case i == 0:
		return "+"
	}
	i--
	for s[i]&0xC0 == 0x80 {
		i--
	}
	if isBreak(s, i) {
		return "+"
	}
	return ""
}

// sortedKeys orders a mapping's keys as yaml.v2 does: rune by rune,
// letters before other characters, and runs of digits by their value.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, keyCompare)
	return keys
}

// keyCompare is keyLess as a comparison.
func keyCompare(a, b string) int {
	switch {
	case keyLess(a, b):
		return -1
	case keyLess(b, a):
		return 1
	}
	return 0
}

func keyLess(a, b string) bool {
	if isASCII(a) && isASCII(b) {
		return keyLessRunes([]byte(a), []byte(b))
	}
	return keyLessRunes([]rune(a), []rune(b))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// keyLessRunes is yaml.v2's order on two keys as runes; on ASCII keys,
// bytes are the runes and need no conversion.
func keyLessRunes[R rune | byte](ar, br []R) bool {
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		al, bl := unicode.IsLetter(rune(ar[i])), unicode.IsLetter(rune(br[i]))
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			return bl
		}
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			for j := i - 1; j >= 0 && unicode.IsDigit(rune(ar[j])); j-- {
				if ar[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		ai, bi := i, i
		for ; ai < len(ar) && unicode.IsDigit(rune(ar[ai])); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for ; bi < len(br) && unicode.IsDigit(rune(br[bi])); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}

// readsAsString reports whether s, written plain, reads back as a string
// in YAML 1.1 as yaml.v2 resolves it: not null, a bool, a number or a
// timestamp.
func readsAsString(s string) bool {
	if s == "" {
		return false
	}
	switch c := s[0]; {
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		if yaml11Words[s] {
			return false
		}
		if strings.IndexFunc(s, notInNumber) >= 0 {
			// Quantities (1Gi), names (3rd-rack): no number or
			// timestamp has such a character; parsing would only
			// allocate errors.
			return true
		}
		if isTimestamp(s) {
			return false
		}
		plain := strings.ReplaceAll(s, "_", "")
		if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return false
		}
		if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return false
		}
		if isYAMLFloat(plain) {
			if _, err := strconv.ParseFloat(plain, 64); err == nil {
				return false
			}
		}
		if rest, ok := strings.CutPrefix(plain, "0b"); ok {
			if _, err := strconv.ParseInt(rest, 2, 64); err == nil {
				return false
			}
			if _, err := strconv.ParseUint(rest, 2, 64); err == nil {
				return false
			}
		} else if rest, ok := strings.CutPrefix(plain, "-0b"); ok {
			if _, err := strconv.ParseInt("-"+rest, 2, 64); err == nil {
				return false
			}
		}
		return true
	case c == '.':
		if yaml11Words[s] {
			return false
		}
		_, err := strconv.ParseFloat(s, 64)
		return err != nil
	case strings.IndexByte("yYnNtTfFoO~", c) >= 0:
		return !yaml11Words[s]
	}
	return true
}

// notInNumber reports a character that no integer (in any base), float
// or timestamp YAML 1.1 reads has (time.Parse takes a comma before
// fractional seconds too).
func notInNumber(r rune) bool {
	return !strings.ContainsRune("0123456789+-._:, xXoObBaAcCdDeEfFtTzZ", r)
}

// yaml11Words are the plain scalars YAML 1.1 reads as bools, null,
// infinities and not-a-number.
var yaml11Words = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"true": true, "True": true, "TRUE": true, "on": true, "On": true, "ON": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"false": true, "False": true, "FALSE": true, "off": true, "Off": true, "OFF": true,
	"~": true, "null": true, "Null": true, "NULL": true,
	".nan": true, ".NaN": true, ".NAN": true, ".inf": true, ".Inf": true, ".INF": true,
	"+.inf": true, "+.Inf": true, "+.INF": true, "-.inf": true, "-.Inf": true, "-.INF": true,
}

// isYAMLFloat matches ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$.
func isYAMLFloat(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		if digits() == 0 {
			return false
		}
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// isBase60Float matches ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$:
// sexagesimal numbers, which yaml.v2 quotes for older parsers.
func isBase60Float(s string) bool {
	if s == "" || !(s[0] == '+' || s[0] == '-' || s[0] >= '0' && s[0] <= '9') || strings.IndexByte(s, ':') < 0 {
		return false
	}
	i := 0
	if s[i] == '+' || s[i] == '-' {
		i++
	}
	isDigit := func(j int) bool { return j < len(s) && s[j] >= '0' && s[j] <= '9' }
	if !isDigit(i) {
		return false
	}
	for i++; i < len(s) && (isDigit(i) || s[i] == '_'); i++ {
	}
	groups := 0
	for i < len(s) && s[i] == ':' {
		i++
		// [0-5]?[0-9]: one digit, or two with the first 0-5.
		switch {
		case isDigit(i) && isDigit(i+1) && s[i] <= '5':
			// Two digits, unless the second begins the next group's
			// separator-less tail: the regexp backtracks, so one digit
			// followed by something else must also be tried.
			if i+2 == len(s) || s[i+2] == ':' || s[i+2] == '.' {
				i += 2
			} else {
				return false
			}
		case isDigit(i):
			i++
		default:
			return false
		}
		groups++
	}
	if groups == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && (isDigit(i) || s[i] == '_'); i++ {
		}
	}
	return i == len(s)
}

// isTimestamp reports whether yaml.v2 reads s as a timestamp.
func isTimestamp(s string) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, layout := range []string{"2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
