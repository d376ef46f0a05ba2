package render

import (
	"bytes"
	"encoding/json"
	"math"
	"net"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/esspec/specgen"
)

// assertEmitsAsYAMLv2 checks emitYAML against yaml.v2's Marshal, which
// it must match byte for byte.
func assertEmitsAsYAMLv2(t *testing.T, tree any) {
	t.Helper()
	want, err := yamlv2.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := emitYAML(tree)
	if !ok {
		t.Fatalf("emitYAML refused %#v", tree)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("emitYAML differs from yaml.v2 for %#v\n--- yaml.v2:\n%s\n--- emitYAML:\n%s", tree, want, got)
	}
}

// trickyStrings are scalars whose style, quoting, escaping or line
// folding yaml.v2 decides character by character.
var trickyStrings = []string{
	"", " ", "a", "a b", " a", "a ", "a  b", "-", "- a", "-a", "--", "---", "--- a", "...", "?", "? a", "?a", ":", ": a", "a:", "a: b", "a:b",
	"#", "#a", "a#b", "a #b", "a# b", ",", "a,b", "[a]", "{a}", "a[b]", "&a", "*a", "!a", "|", ">", "'", "'a'", `"`, `a"b`, "%a", "@a", "`a",
	"a\\b", "\\", "yes", "Yes", "no", "on", "off", "y", "n", "true", "False", "null", "Null", "~", "<<", ".", ".5", "5.", ".inf", "-.Inf", ".nan",
	"0", "00", "007", "0x1F", "0o17", "0b101", "-0b101", "1_000", "1e3", "1E+3", "-1.5e-3", "+1", "+", "-1", "1.2.3", "1:20", "1:20:30.5", "-1:2",
	"190:20:30", "1:60", "12:345", "2026-12-02", "2026-12-02T14:00:00Z", "2026-1-2 3:4:5", "2026-13-45", "1234-", "Infinity", "NaN", "0x", "_1",
	"2001-12-14 21:59:43,10", "2001-12-14T21:59:43,5Z", "2001-12-14t21:59:4,3+01:00", "2024-01-02 10:11:12,345", "1,5",
	"1Gi", "500m", "3rd-rack", "0x1g", "0x1F", "+.INF", "-.inf", "1e3x", "12:30", "1:2:3x", "-Infinity", "+1_0", "2026-12-02t14:00:00.5+01:00",
	"é", "naïve café", "日本語", "a\u00a0b", "\u00a0", "a\u0085b", "a\u2028b", "\u2029", "\ufeffa", "a\ufeff", "\ufffe", "\uffff", "😀", "a😀b",
	"\x00", "a\x01b", "\x7f", "a\tb", "\t", "a\t", "\ta", "a\rb", "a\r", "a\r\nb",
	"a\n", "a\nb", "a\n\n", "\n", "\n\n", "\na", " \na", "a \nb", "a\n b", "a\n\nb\n", "\n a", "a\n ", "é\n", "a\u2028\n",
	"#!/bin/sh\nset -eu\necho \"$HOME\" # comment\n", "  indented\nlines\n", "tab\tin\nblock\n", "trailing space \nline\n",
	strings.Repeat("word ", 30), strings.Repeat("x", 100), strings.Repeat("x", 100) + " y", "a " + strings.Repeat("x", 100),
	strings.Repeat("ab  ", 30), strings.Repeat("é ", 60), strings.Repeat("\"q\" ", 30), strings.Repeat("it's ", 25) + ": x",
	"sysctl -w vm.max_map_count=262144 && sysctl -w vm.swappiness=1 && sysctl -w net.ipv4.tcp_retries2=5",
	strings.Repeat("a", 128), strings.Repeat("a", 129), strings.Repeat("é", 70), "- " + strings.Repeat("z ", 50),
}

// TestEmitMatchesYAMLv2 writes every tricky string as a value, a key, a
// list item and at several depths, each compared with yaml.v2.
func TestEmitMatchesYAMLv2(t *testing.T) {
	for _, s := range trickyStrings {
		assertEmitsAsYAMLv2(t, map[string]any{"k": s})
		assertEmitsAsYAMLv2(t, map[string]any{s: "v"})
		assertEmitsAsYAMLv2(t, map[string]any{s: map[string]any{"a": []any{s, map[string]any{s: s, "z": []any{}}}}})
		assertEmitsAsYAMLv2(t, map[string]any{"list": []any{s, []any{s, s}, map[string]any{}}})
		assertEmitsAsYAMLv2(t, map[string]any{strings.Repeat("deep", 10): map[string]any{strings.Repeat("er", 20): map[string]any{"value": s}}})
	}
	assertEmitsAsYAMLv2(t, map[string]any{
		"n": nil, "t": true, "f": false, "i": int64(-42), "big": int64(math.MaxInt64), "fl": 2.5, "tiny": 1e-9, "huge": 1e300,
		"inf": math.Inf(1), "ninf": math.Inf(-1), "nan": math.NaN(), "empty": map[string]any{}, "none": []any{},
		"nested": []any{[]any{[]any{"a"}}, []any{}, map[string]any{"b": []any{map[string]any{"c": nil}}}},
	})
	// Keys in yaml.v2's order: letters first, digit runs by value.
	assertEmitsAsYAMLv2(t, map[string]any{"a10": 1.0, "a2": 2.0, "a02": 3.0, "b": 4.0, "A": 5.0, "_": 6.0, "1": 7.0, "01": 8.0, "a": 9.0, "é": 10.0, "a-b": 11.0, "a.b": 12.0, "a0": 13.0, "a00": 14.0})
}

// TestEmitRefuses: a value outside the tree's types, or a string yaml.v2
// would write as !!binary, makes emitYAML refuse the document (and its
// callers use yaml.v2), wherever it sits.
func TestEmitRefuses(t *testing.T) {
	for _, tree := range []any{
		map[string]any{"k": "a\xffb"},
		map[string]any{"k": []any{"ok", "\xfe"}},
		map[string]any{"a": map[string]any{"\xff": int64(1)}},
		map[string]any{"k": uint(1)},
		map[string]any{"k": []string{"typed"}},
		[]int{1},
	} {
		if out, ok := emitYAML(tree); ok {
			t.Errorf("emitYAML(%#v) = %q, want a refusal", tree, out)
		}
	}
}

// FuzzEmit compares emitYAML with yaml.v2 on fuzzed strings as keys and
// values (make fuzz runs it).
func FuzzEmit(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s, "v")
	}
	f.Add("a\xffb", "v")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			// yaml.v2 writes these as !!binary; emitYAML refuses them.
			if _, ok := emitYAML(map[string]any{a: b}); ok {
				t.Fatalf("emitYAML wrote invalid UTF-8 %q: %q", a, b)
			}
			return
		}
		assertEmitsAsYAMLv2(t, map[string]any{a: b, "k": []any{a, map[string]any{b: a}}})
	})
}

// TestSettingsMatchYAMLv2 checks that elasticsearch.yml, written through
// settingValue and emitYAML, is what yaml.v2 writes for the settings as
// they are: esgen's own (Go strings, bools, ints, string lists), the
// users' (JSON numbers, lists, maps) and generated specs' configs.
func TestSettingsMatchYAMLv2(t *testing.T) {
	type role string
	cases := []esspec.Settings{
		{"cluster.name": "logs", "node.roles": []string{"master", "data"}, "readiness.port": 9400, "xpack.security.enabled": true,
			"bootstrap.memory_lock": false, "node.attr.rack": role("r1"), "empty": []string{}},
		{"n": json.Number("3"), "f": json.Number("0.75"), "big": json.Number("12345678901234567890"), "l": []any{json.Number("1"), "a", true},
			"m": map[string]any{"x": json.Number("2"), "y": []any{"z"}}, "i8": int8(-3), "u": uint(7), "f32": float32(0.1), "p": "${POD_IP}", "q": "0.0.0.0", "nil": []string(nil)},
		{"d": time.Minute, "ip": net.ParseIP("10.0.0.1"), "s": "x"},
	}
	for seed := range uint64(200) {
		c := specgen.Generate(seed)
		for _, ns := range c.Spec.NodeSets {
			flat, _ := esspec.FlattenSettings(ns.Config)
			cases = append(cases, flat)
		}
	}
	for i, s := range cases {
		got, err := marshalSettings(s)
		if err != nil {
			t.Fatal(err)
		}
		want, err := yamlv2.Marshal(map[string]any(s))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("settings %d: got\n%s\nyaml.v2 writes\n%s", i, got, want)
		}
	}
}

// TestSettingsWithExtra checks marshalSettingsWith, which writes each
// entry once, against writing both documents whole: extra keys first,
// last and between block strings (whose final line break decides whether
// the next entry needs one), absent, and clashing with a setting.
func TestSettingsWithExtra(t *testing.T) {
	imn := esspec.Settings{"cluster.initial_master_nodes": []string{"logs-es-master-0", "logs-es-master-1"}}
	bases := []esspec.Settings{
		{"cluster.name": "logs", "node.roles": []string{"master"}},
		{"a.block": "line\n", "cluster.j": "x", "z.block": "one\ntwo\n\n"},
		{"cluster.h": "ends\n", "cluster.j": "ends without\nbreak"},
		{"cluster.h": "keep\n\n", "zzz": 1},
		{"cluster.initial_master_nodes": []string{"user"}, "x": true},
		{"only": json.Number("1.5")},
		{"u": uint(3), "cluster.name": "falls back to yaml.v2"},
	}
	for i, base := range bases {
		for _, extra := range []esspec.Settings{nil, imn, {"aaa.first": "x"}, {"zzz.last": "y\n"}} {
			without, with, err := marshalSettingsWith(base, extra)
			if err != nil {
				t.Fatal(err)
			}
			wantWithout, err := marshalSettings(base)
			if err != nil {
				t.Fatal(err)
			}
			merged := esspec.Settings{}
			for k, v := range base {
				merged[k] = v
			}
			for k, v := range extra {
				merged[k] = v
			}
			wantWith, err := marshalSettings(merged)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(without, wantWithout) || !bytes.Equal(with, wantWith) {
				t.Fatalf("base %d, extra %v:\nwithout:\n%s\nwant:\n%s\nwith:\n%s\nwant:\n%s", i, extra, without, wantWithout, with, wantWith)
			}
		}
	}
}
