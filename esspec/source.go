package esspec

import "strings"

// sourceMap records the source line of each field path of a loaded spec.
type sourceMap map[string]int

func (m sourceMap) add(path string, line int) {
	if _, ok := m[path]; !ok {
		m[path] = line
	}
}

// LineOf returns the source line of a field path such as
// spec.nodeSets[1].heap, as printed in a field.Error. A field that was not
// in the file (a default, or a required field left out) gets the line of
// its nearest enclosing field; 0 means unknown, e.g. for a Cluster that was
// not loaded from YAML.
func (c *Cluster) LineOf(path string) int {
	for path != "" {
		if line, ok := c.source[path]; ok {
			return line
		}
		path = parentPath(path)
	}
	return 0
}

// parentPath drops the last element of a field path: a.b[2] → a.b, a.b → a,
// a[k.x] → a.
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}
