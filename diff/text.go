package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report for people: the changes, one object a line
// with its changed fields below, then the findings, unsafe first, each as
// "severity: FILE:LINE: FIELD: summary" with what to do on the next line.
// file names the new side in locations; "" leaves file and line out.
func (r *Report) WriteText(w io.Writer, file string) error {
	var b strings.Builder
	r.writeChanges(&b)
	b.WriteString("\n")
	r.writeFindings(&b, file)
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) writeChanges(b *strings.Builder) {
	if len(r.Changes) == 0 {
		b.WriteString("No changes.\n")
		return
	}
	counts := map[string]int{}
	namespaces := map[string]bool{}
	for _, ch := range r.Changes {
		counts[ch.Action]++
		namespaces[ch.Namespace] = true
	}
	var parts []string
	for _, a := range []string{Changed, Added, Removed} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a], a))
		}
	}
	fmt.Fprintf(b, "Changes: %s\n", strings.Join(parts, ", "))
	for _, ch := range r.Changes {
		name := ch.Name
		// Name the namespace only when objects of several are listed: a
		// cluster that moves namespace removes and adds objects of one name.
		if len(namespaces) > 1 && ch.Namespace != "" {
			name = ch.Namespace + "/" + name
		}
		fmt.Fprintf(b, "  %s %s/%s\n", ch.Action, ch.Kind, name)
		for _, fc := range ch.Fields {
			switch {
			case len(fc.Old) == 0:
				fmt.Fprintf(b, "    %s: added %s\n", fc.Path, shortValue(fc.New))
			case len(fc.New) == 0:
				fmt.Fprintf(b, "    %s: removed %s\n", fc.Path, shortValue(fc.Old))
			default:
				fmt.Fprintf(b, "    %s\n", describeChange(fc))
			}
		}
	}
}

func (r *Report) writeFindings(b *strings.Builder, file string) {
	if len(r.Findings) == 0 {
		b.WriteString("No findings.\n")
		return
	}
	var parts []string
	for _, s := range Severities {
		if n := r.Count(s); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	fmt.Fprintf(b, "Findings: %s\n", strings.Join(parts, ", "))
	for _, f := range r.Findings {
		fmt.Fprintf(b, "  %s: %s%s: %s\n", f.Severity, location(file, f.Line), f.Field, f.Summary)
		fmt.Fprintf(b, "    what to do: %s\n", f.Action)
	}
}

// location writes "FILE:LINE: " for a finding with a known line.
func location(file string, line int) string {
	if file == "" || line == 0 {
		return ""
	}
	return fmt.Sprintf("%s:%d: ", file, line)
}

// JSON writes the report as indented JSON, with the number of findings of
// each severity under "summary".
func (r *Report) JSON() ([]byte, error) {
	type counts struct {
		Unsafe     int `json:"unsafe"`
		Disruptive int `json:"disruptive"`
		Info       int `json:"info"`
	}
	out, err := json.MarshalIndent(struct {
		*Report
		Summary counts `json:"summary"`
	}{r, counts{r.Count(Unsafe), r.Count(Disruptive), r.Count(Info)}}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
