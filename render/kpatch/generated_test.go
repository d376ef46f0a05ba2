package kpatch_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/esgen/esgen/render/kpatch"
)

// genPatch writes a random patch for one object of stream: a strategic
// merge patch built from the object itself (fields kept, changed,
// nulled, list elements kept by key, changed or added, $patch
// directives, values of the wrong kind) or a JSON 6902 patch over its
// paths, with a target or by the object's id.
func genPatch(r *rand.Rand, stream []byte) (string, *kpatch.Target) {
	docs, err := parseStream(stream)
	if err != nil {
		panic(err)
	}
	obj := docs[r.IntN(len(docs))]
	var plain map[string]any
	if err := obj.Decode(&plain); err != nil {
		panic(err)
	}
	meta, _ := plain["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	kind, _ := plain["kind"].(string)
	var target *kpatch.Target
	switch r.IntN(6) {
	case 0:
		target = nil
	case 1:
		target = &kpatch.Target{Kind: kind, Name: name}
	case 2:
		target = &kpatch.Target{Kind: kind}
	case 3:
		target = &kpatch.Target{Name: name[:1+r.IntN(len(name))] + ".*"}
	case 4:
		target = &kpatch.Target{LabelSelector: "app.kubernetes.io/component=" + []string{"master", "data", "coordinating", "kibana"}[r.IntN(4)]}
	default:
		target = &kpatch.Target{Kind: kind, Namespace: []string{"search", "default", ".*", "other"}[r.IntN(4)]}
	}
	if r.IntN(4) == 0 {
		if target == nil {
			target = &kpatch.Target{Kind: kind}
		}
		return genJSON(r, plain), target
	}
	p := genMap(r, plain, 0).(map[string]any)
	p["kind"] = kind
	pm, _ := p["metadata"].(map[string]any)
	if pm == nil {
		pm = map[string]any{}
	}
	pm["name"] = name
	if target == nil {
		p["apiVersion"] = plain["apiVersion"]
		if ns, ok := meta["namespace"]; ok {
			pm["namespace"] = ns
		}
	}
	p["metadata"] = pm
	if r.IntN(30) == 0 {
		p["$patch"] = []string{"delete", "replace", "merge"}[r.IntN(3)]
	}
	out, err := yaml.Marshal(p)
	if err != nil {
		panic(err)
	}
	return string(out), target
}

// genMap keeps, changes or drops each field of m.
func genMap(r *rand.Rand, m map[string]any, depth int) any {
	out := map[string]any{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if r.IntN(3) == 0 {
			continue
		}
		out[k] = genValue(r, m[k], depth+1)
	}
	switch r.IntN(12) {
	case 0:
		out["added"+fmt.Sprint(r.IntN(3))] = genScalar(r)
	case 1:
		out["$patch"] = []string{"delete", "replace", "merge", "bogus"}[r.IntN(4)]
	}
	return out
}

func genValue(r *rand.Rand, v any, depth int) any {
	if r.IntN(25) == 0 {
		return nil
	}
	if r.IntN(40) == 0 {
		return genScalar(r) // maybe the wrong kind
	}
	switch v := v.(type) {
	case map[string]any:
		if depth > 12 {
			return v
		}
		return genMap(r, v, depth)
	case []any:
		return genList(r, v, depth)
	}
	if r.IntN(3) == 0 {
		return genScalar(r)
	}
	return v
}

// genList keeps, changes and adds elements; an element keeps its name,
// port or key most of the time, so merges find it.
func genList(r *rand.Rand, l []any, depth int) any {
	var out []any
	for _, e := range l {
		if r.IntN(3) == 0 {
			continue
		}
		if m, ok := e.(map[string]any); ok {
			g, _ := genValue(r, m, depth).(map[string]any)
			if g != nil {
				for _, k := range []string{"name", "containerPort", "port", "protocol", "mountPath", "key", "topologyKey", "type", "ip"} {
					if v, ok := m[k]; ok && r.IntN(8) != 0 {
						g[k] = v
					}
				}
				out = append(out, g)
				continue
			}
		}
		out = append(out, genValue(r, e, depth))
	}
	if r.IntN(4) == 0 && len(l) > 0 {
		if m, ok := l[r.IntN(len(l))].(map[string]any); ok {
			c := map[string]any{}
			for k, v := range m {
				c[k] = v
			}
			c["name"] = fmt.Sprint("new", r.IntN(3))
			out = append([]any{c}, out...)
		} else {
			out = append(out, genScalar(r))
		}
	}
	switch r.IntN(15) {
	case 0:
		out = append(out, map[string]any{"$patch": []string{"delete", "replace", "merge"}[r.IntN(3)]})
	case 1:
		if len(out) > 0 {
			if m, ok := out[0].(map[string]any); ok {
				m["$patch"] = "delete"
			}
		}
	}
	return out
}

func genScalar(r *rand.Rand) any {
	switch r.IntN(6) {
	case 0:
		return r.IntN(100000)
	case 1:
		return r.IntN(2) == 0
	case 2:
		return nil
	case 3:
		return "9200"
	case 4:
		return map[string]any{"x": "y"}
	}
	return fmt.Sprint("v", r.IntN(10))
}

// genJSON writes JSON 6902 operations over paths of obj.
func genJSON(r *rand.Rand, obj map[string]any) string {
	var paths []string
	var walk func(v any, p string)
	walk = func(v any, p string) {
		paths = append(paths, p)
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				walk(c, p+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"))
			}
		case []any:
			for i, c := range v {
				walk(c, fmt.Sprint(p, "/", i))
			}
		}
	}
	walk(obj, "")
	paths = paths[1:]
	slices.Sort(paths)
	var ops []map[string]any
	for range 1 + r.IntN(3) {
		p := paths[r.IntN(len(paths))]
		op := []string{"add", "remove", "replace", "copy", "move", "test"}[r.IntN(6)]
		o := map[string]any{"op": op, "path": p}
		switch op {
		case "add":
			if r.IntN(2) == 0 {
				o["path"] = p + "/new"
			}
			if r.IntN(3) == 0 {
				o["path"] = "/metadata/annotations/added"
			}
			o["value"] = genScalar(r)
		case "replace", "test":
			o["value"] = genScalar(r)
		case "copy", "move":
			o["from"] = paths[r.IntN(len(paths))]
		}
		ops = append(ops, o)
	}
	out, err := yaml.Marshal(ops)
	if err != nil {
		panic(err)
	}
	return string(out)
}

var seeds = flag.Int("seeds", 0, "run this many further generated patches")

// TestGeneratedMatchKustomize: random patches over every example's
// objects give kustomize's objects, or are refused where kustomize
// refuses them.
func TestGeneratedMatchKustomize(t *testing.T) {
	streams := exampleStreams(t)
	names := make([]string, 0, len(streams))
	for n := range streams {
		names = append(names, n)
	}
	slices.Sort(names)
	n, from := 400, 0
	if testing.Short() {
		n = 50
	}
	if *seeds > 0 {
		n, from = *seeds, 400
	}
	for seed := from; seed < from+n; seed++ {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		stream := streams[names[r.IntN(len(names))]]
		patch, target := genPatch(r, stream)
		if err := compare(stream, patch, target); err != nil {
			t.Errorf("seed %d: target %+v\n%s\n%v", seed, target, patch, err)
		}
	}
}

// FuzzPatch runs generated patches from fuzzed seeds (`make fuzz`).
func FuzzPatch(f *testing.F) {
	streams := exampleStreams(f)
	names := make([]string, 0, len(streams))
	for n := range streams {
		names = append(names, n)
	}
	slices.Sort(names)
	f.Add(uint64(0), uint64(7))
	f.Add(uint64(47), uint64(7))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		r := rand.New(rand.NewPCG(a, b))
		stream := streams[names[r.IntN(len(names))]]
		patch, target := genPatch(r, stream)
		if err := compare(stream, patch, target); err != nil {
			t.Errorf("target %+v\n%s\n%v", target, patch, err)
		}
	})
}
